"""The hotline desk (/desk/) and the dispatcher console (/dispatch/), with their JSON API."""

from app.desk import caller_routes, deferral_routes, notice_routes  # noqa: F401  (views on blp)
from app.desk.html import pages
from app.desk.routes import blp
from app.extensions import api


def init_app(app):
    api.register_blueprint(caller_routes.blp)


__all__ = ["blp", "init_app", "pages"]
