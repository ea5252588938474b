"""Stored notifications and live events (Redis pub/sub -> SSE)."""

from app import jobs
from app.notifications import services
from app.notifications.routes import blp


def init_app(app):
    jobs.init_session_hooks()
    services.init_session_hooks()


__all__ = ["blp", "init_app"]
