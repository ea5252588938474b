"""Day plans: a stored proposal per team and day, its routes and stops, and the day roster."""

from datetime import date, datetime, time

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db

PLAN_STATUSES = ("proposed", "accepted", "superseded")


class DayShift(db.Model):
    """A roster entry for one technician and day: other hours than the office's, or off.

    It decides over office hours and over on-call duty (dispatch's DutyShift) for that day.
    """

    __tablename__ = "day_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(
        sa.ForeignKey("technicians.id", ondelete="CASCADE"), index=True
    )
    day: Mapped[date]
    off: Mapped[bool] = mapped_column(default=False)
    start_time: Mapped[time | None]  # local (Asia/Shanghai) clock times
    end_time: Mapped[time | None]
    note: Mapped[str | None] = mapped_column(sa.String(200))
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    technician = relationship("Technician")

    __table_args__ = (
        sa.UniqueConstraint("technician_id", "day", name="uq_day_shifts_technician_day"),
        sa.CheckConstraint(
            "off OR (start_time IS NOT NULL AND end_time > start_time)", name="hours_or_off"
        ),
    )


class Plan(db.Model):
    """A proposal for one team's day; accepted, it assigns and schedules its stops."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    day: Mapped[date]
    status: Mapped[str] = mapped_column(
        sa.Enum(*PLAN_STATUSES, name="plan_status"), default="proposed"
    )
    settings: Mapped[dict] = mapped_column(JSONB, default=dict)  # travel model, service times
    solve_ms: Mapped[int] = mapped_column(default=0)
    edits: Mapped[list] = mapped_column(JSONB, default=list)  # the dispatcher's moves, in order
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    team = relationship("Team")
    routes: Mapped[list["PlanRoute"]] = relationship(
        back_populates="plan", order_by="PlanRoute.id", cascade="all, delete-orphan"
    )
    stops: Mapped[list["PlanStop"]] = relationship(
        back_populates="plan", order_by="PlanStop.id", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.Index("ix_plans_team_day", "team_id", "day"),)

    @property
    def unassigned(self):
        return [stop for stop in self.stops if stop.route is None]


class PlanRoute(db.Model):
    """One technician's day inside a plan: the shift it was planned with, and the way back."""

    __tablename__ = "plan_routes"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    technician_id: Mapped[int] = mapped_column(sa.ForeignKey("technicians.id"))
    start_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    skills: Mapped[list] = mapped_column(JSONB, default=list)
    max_tasks: Mapped[int]
    shift_start: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    shift_end: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    shift_source: Mapped[str] = mapped_column(sa.String(20))
    lunch_earliest: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lunch_latest: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    lunch_minutes: Mapped[int | None]
    lunch_after: Mapped[int | None]  # lunch follows this many stops
    lunch_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    back_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    return_seconds: Mapped[int] = mapped_column(default=0)
    return_metres: Mapped[int] = mapped_column(default=0)
    violations: Mapped[list] = mapped_column(JSONB, default=list)

    plan: Mapped[Plan] = relationship(back_populates="routes")
    technician = relationship("Technician")
    stops: Mapped[list["PlanStop"]] = relationship(
        back_populates="route", order_by="PlanStop.sequence"
    )

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "technician_id", name="uq_plan_routes_plan_technician"),
    )


class PlanStop(db.Model):
    """One order in a plan: a timed stop on a route, or unassigned with its reason."""

    __tablename__ = "plan_stops"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    route_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("plan_routes.id", ondelete="CASCADE"), index=True
    )
    sequence: Mapped[int | None]
    # What the order looked like when planned (build.snapshot): accepting refuses if it
    # changed since. Not the row version: the SLA watch touches rows without changing the work.
    order_snapshot: Mapped[dict] = mapped_column(JSONB)
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    skill_code: Mapped[str | None] = mapped_column(sa.String(40))
    service_seconds: Mapped[int]
    window_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    window_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    priority: Mapped[int] = mapped_column(default=0)
    arrival_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    planned_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    planned_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    travel_seconds: Mapped[int | None]
    travel_metres: Mapped[int | None]
    violations: Mapped[list] = mapped_column(JSONB, default=list)
    reason_code: Mapped[str | None] = mapped_column(sa.String(40))

    plan: Mapped[Plan] = relationship(back_populates="stops")
    route: Mapped[PlanRoute | None] = relationship(back_populates="stops")
    work_order = relationship("WorkOrder")

    __table_args__ = (
        sa.UniqueConstraint("plan_id", "work_order_id", name="uq_plan_stops_plan_work_order"),
    )
