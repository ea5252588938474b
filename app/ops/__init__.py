"""Operations: the reconciliation sweep, health and readiness, the admin's ops page."""


def __getattr__(name):
    # Loaded when the app registers blueprints, not when a job imports app.ops.reconcile.
    if name in ("blp", "pages"):
        from app.ops import routes

        return getattr(routes, name)
    raise AttributeError(name)
