"""Day planning (R2.5): VROOM proposals a dispatcher accepts or edits."""

from app.planning.routes import blp

__all__ = ["blp"]
