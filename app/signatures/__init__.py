"""Meter damage caused by the customer and the customer's tamper-evident signature (R3.7)."""

from app.signatures.public_pages import pages
from app.signatures.routes import blp

__all__ = ["blp", "pages"]
