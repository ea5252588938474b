"""Users, roles, tokens and permission checks."""

from app.auth.admin import blp as admin_blp
from app.auth.routes import blp


def init_app(app):
    from app.extensions import api

    api.register_blueprint(admin_blp)


__all__ = ["blp", "init_app"]
