"""The working calendar: official holidays and make-up working days (调休) loaded by year."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.database import utcnow
from app.extensions import db


class CalendarYear(db.Model):
    """A year whose official notice (国务院办公厅通知) an admin has loaded."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(255))
    loaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    loaded_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class WorkingDay(db.Model):
    """An exception to the weekend rule in a loaded year: a holiday, or a make-up working day."""

    __tablename__ = "working_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_working: Mapped[bool]
    name: Mapped[str | None] = mapped_column(sa.String(100))
    source: Mapped[str] = mapped_column(sa.String(255))
