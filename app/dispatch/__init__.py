"""Routing, assignment, the emergency path, SLA watch and the on-call roster."""


def __getattr__(name):
    # Work orders import dispatch.queries while loading; the routes (which import work
    # orders back) are loaded only when the app asks for the blueprint.
    if name == "blp":
        from app.dispatch.routes import blp

        return blp
    raise AttributeError(name)
