"""The hotline desk (/desk/) and the dispatcher console (/dispatch/), with their JSON API."""


def __getattr__(name):
    # Lazy, like app.customers: importing desk.models must not pull in every route module.
    if name == "blp":
        from app.desk.routes import blp

        return blp
    if name == "pages":
        from app.desk.html import pages

        return pages
    raise AttributeError(name)
