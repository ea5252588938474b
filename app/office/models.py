"""The management figures' summary (app/office/summary.py): per local day, team, zone, order
type and technician, the sums the figures add up and the durations their medians need."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class OrderFigureDay(db.Model):
    """One group of a summarised day's orders (no foreign keys: a summary, rebuilt by day)."""

    __tablename__ = "order_figure_days"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    team_id: Mapped[int | None]
    zone_id: Mapped[int | None]
    type_code: Mapped[str] = mapped_column(sa.String(40))
    technician_id: Mapped[int | None]
    # sums over the group's orders (scores: sums over the answered forms)
    received: Mapped[int]
    completed: Mapped[int]
    on_time: Mapped[int]
    first_visit: Mapped[int]
    reschedules: Mapped[int]
    arrivals: Mapped[int]
    flagged: Mapped[int]
    answered: Mapped[int]
    overall: Mapped[int]
    timeliness: Mapped[int]
    attitude: Mapped[int]
    professionalism: Mapped[int]
    site_clean: Mapped[int]
    # seconds from creation to completion, acceptance and arrival, one per order that has it
    complete_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))
    accept_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))
    arrive_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))


class OrderFigureSummarised(db.Model):
    """A day whose orders are in the summary (days without orders included)."""

    __tablename__ = "order_figure_summarised"

    day: Mapped[date] = mapped_column(primary_key=True)
    summarised_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class OrderFigureChange(db.Model):
    """A change to an order of a past day, written by a trigger; the summariser consumes it."""

    __tablename__ = "order_figure_changes"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
