"""Stored notifications and live events (Redis pub/sub -> SSE)."""


def init_app(app):
    from app import jobs
    from app.notifications import services

    jobs.init_session_hooks()
    services.init_session_hooks()


def __getattr__(name):
    # Loaded when the app registers blueprints, not when a service imports notify().
    if name == "blp":
        from app.notifications.routes import blp

        return blp
    raise AttributeError(name)
