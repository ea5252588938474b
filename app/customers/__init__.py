"""Customers (用户) and meters; the hotline's caller search."""


def __getattr__(name):
    # Lazy: work orders import customers.models, and the search routes import work orders;
    # loading the routes only when the app registers them keeps that import one-way.
    if name == "blp":
        from app.customers.routes import blp

        return blp
    raise AttributeError(name)
