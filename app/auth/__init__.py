"""Users, roles, tokens and permission checks."""

from app.auth.routes import blp

__all__ = ["blp"]
