"""Day planning (R2.5): VROOM proposals a dispatcher accepts or edits."""

from app.planning import settings
from app.planning.routes import blp


def init_app(app):
    settings.init_app(app)


__all__ = ["blp", "init_app"]
