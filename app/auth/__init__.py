"""Users, roles, tokens and permission checks."""

from app.auth.admin import blp as admin_blp
from app.auth.permissions import require_user
from app.auth.routes import blp
from app.extensions import REQUIRE_USER, api


def init_app(app):
    app.extensions[REQUIRE_USER] = require_user
    api.register_blueprint(admin_blp)


__all__ = ["blp", "init_app"]
