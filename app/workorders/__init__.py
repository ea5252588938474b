"""Work orders (工单): creation, listing, the state machine and deadlines."""

from app.workorders.routes import blp

__all__ = ["blp"]
