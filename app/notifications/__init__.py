"""Stored notifications and live events (Redis pub/sub -> SSE)."""


def init_app(app):
    from app import jobs
    from app.notifications import services

    jobs.init_session_hooks()
    services.init_session_hooks()
