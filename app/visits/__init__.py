"""The technician's phone: visit steps, ID check, satisfaction form, idempotency and sync."""


def __getattr__(name):
    # Loaded on first use: app.visits and app.signatures import each other's modules, so the
    # package itself must not import its routes while the models are being imported.
    if name == "blp":
        from app.visits import customer_routes  # noqa: F401  (its views join blp)
        from app.visits.routes import blp

        return blp
    if name == "pages":
        from app.visits.public_pages import pages

        return pages
    raise AttributeError(name)
