"""Operations: the reconciliation sweep, health and readiness, the admin's ops page."""

from app.ops.routes import blp, pages

__all__ = ["blp", "pages"]
