"""The working calendar (工作日历): official holidays, make-up days, office hours."""

from app.calendar.routes import blp

__all__ = ["blp"]
