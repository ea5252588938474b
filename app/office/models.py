"""The management figures' summary (app/office/summary.py): per local day, team, zone, order
type and technician, the sums the figures add up and the durations their medians need."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db

# What the figures do with a summary column: add it up as a count of orders, or average it
# over the answered forms (COUNTS and SCORES below read these marks).
COUNT, SCORE = {"figure": "count"}, {"figure": "score"}


class OrderFigureDay(db.Model):
    """One group of a summarised day's orders (no foreign keys: a summary, rebuilt by day)."""

    __tablename__ = "order_figure_days"

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(), primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    team_id: Mapped[int | None]
    zone_id: Mapped[int | None]
    type_code: Mapped[str] = mapped_column(sa.String(40))
    technician_id: Mapped[int | None]
    # sums over the group's orders: counts of orders, and scores summed over the answered forms
    received: Mapped[int] = mapped_column(info=COUNT)
    completed: Mapped[int] = mapped_column(info=COUNT)
    on_time: Mapped[int] = mapped_column(info=COUNT)
    first_visit: Mapped[int] = mapped_column(info=COUNT)
    reschedules: Mapped[int] = mapped_column(info=COUNT)
    arrivals: Mapped[int] = mapped_column(info=COUNT)
    flagged: Mapped[int] = mapped_column(info=COUNT)
    answered: Mapped[int] = mapped_column(info=COUNT)
    overall: Mapped[int] = mapped_column(info=SCORE)
    timeliness: Mapped[int] = mapped_column(info=SCORE)
    attitude: Mapped[int] = mapped_column(info=SCORE)
    professionalism: Mapped[int] = mapped_column(info=SCORE)
    site_clean: Mapped[int] = mapped_column(info=SCORE)
    # seconds from creation to completion, acceptance and arrival, one per order that has it
    complete_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))
    accept_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))
    arrive_s: Mapped[list[float]] = mapped_column(ARRAY(sa.Float))


# The summary's columns, named once in the app: the model above. Migration 0011 keeps its own
# list, frozen: a migration creates the schema of its day, so it imports no app code that
# changes later.
SUMMARY_COLUMNS = tuple(c.name for c in OrderFigureDay.__table__.columns if not c.primary_key)
COUNTS = tuple(c.name for c in OrderFigureDay.__table__.columns if c.info == COUNT)
SCORES = tuple(c.name for c in OrderFigureDay.__table__.columns if c.info == SCORE)


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
