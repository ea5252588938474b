"""Complaints (客户投诉处理, R4): intake, hand-off, 24/48-hour clocks, GM approval, bulletin."""

from app.complaints import admin_routes, bulletin_routes, document_routes, reply_routes, routes
from app.complaints.blueprint import blp

ROUTE_MODULES = (routes, reply_routes, document_routes, bulletin_routes, admin_routes)

__all__ = ["blp"]
