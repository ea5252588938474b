"""Day planning (R2.5): VROOM proposals a dispatcher accepts or edits."""


def init_app(app):
    from app.planning import settings

    settings.init_app(app)


def __getattr__(name):
    # The blueprint pulls in the whole app; the planner's plain modules (travel, shifts,
    # timeline, solver, planner), which bench/bench_planning.py runs alone, must not.
    if name == "blp":
        from app.planning.routes import blp

        return blp
    raise AttributeError(name)
