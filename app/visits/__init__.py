"""The technician's phone: visit steps, ID check, satisfaction form and sync."""

from app.visits import customer_routes  # noqa: F401  (its views join blp)
from app.visits.public_pages import pages
from app.visits.routes import blp

__all__ = ["blp", "pages"]
