"""Routing, assignment, the emergency path, SLA watch and the on-call roster."""

from app.dispatch import admin_routes  # noqa: F401  (its views join blp)
from app.dispatch.routes import blp

__all__ = ["blp"]
