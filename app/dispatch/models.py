"""Who does the work: skills, technicians, duty, offers and positions.

Teams and service zones live in app/zones (work orders and users need them below dispatch);
they are imported here too, as the words this package speaks in.
"""

from datetime import datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.zones.models import ServiceZone, Team  # noqa: F401  (dispatch's vocabulary)

TECHNICIAN_STATUSES = ("available", "busy", "off_duty")
TECHNICIAN_STATUS_LABELS_ZH = {"available": "空闲", "busy": "忙碌", "off_duty": "休息"}

technician_skills = sa.Table(
    "technician_skills",
    db.Model.metadata,
    sa.Column(
        "technician_id", sa.ForeignKey("technicians.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("skill_id", sa.ForeignKey("skills.id", ondelete="CASCADE"), primary_key=True),
)


class Skill(db.Model):
    __tablename__ = "skills"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))


class Technician(db.Model):
    __tablename__ = "technicians"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    employee_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    photo_path: Mapped[str | None] = mapped_column(sa.String(255))
    team_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    base_point = mapped_column(Geometry("POINT", srid=4326, spatial_index=True), nullable=False)
    last_position = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    last_position_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    status: Mapped[str] = mapped_column(
        sa.Enum(*TECHNICIAN_STATUSES, name="technician_status"), default="available"
    )
    on_call: Mapped[bool] = mapped_column(default=False)
    max_open_orders: Mapped[int] = mapped_column(default=8)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    team: Mapped[Team] = relationship()
    skills: Mapped[list[Skill]] = relationship(secondary=technician_skills)
    user = relationship("User")

    # The suggestion query's nearest-k scans per team (app/dispatch/candidates.py, 0009).
    __table_args__ = tuple(
        sa.Index(
            f"ix_technicians_team_knn_{name}",
            "team_id",
            column,
            postgresql_using="gist",
            postgresql_where=sa.text("status <> 'off_duty'"),
        )
        for name, column in (("position", "last_position"), ("base", "base_point"))
    )


DUTY_KINDS = ("on_call", "extended")  # 值班 / 延时服务: both count outside office hours (R6)
OFFER_OUTCOMES = ("pending", "accepted", "declined", "expired", "withdrawn")


class DutyShift(db.Model):
    """A roster entry: this technician is on duty from starts_at to ends_at (R6).

    Routing reaches them outside office hours; on a day with neither office hours nor a
    day-roster entry (planning's DayShift), the span is also their shift for day planning.
    """

    __tablename__ = "duty_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    technician_id: Mapped[int] = mapped_column(
        sa.ForeignKey("technicians.id", ondelete="CASCADE"), index=True
    )
    starts_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(sa.Enum(*DUTY_KINDS, name="duty_kind"), default="on_call")
    note: Mapped[str | None] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    technician: Mapped[Technician] = relationship()

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.Index("ix_duty_shifts_span", "starts_at", "ends_at"),
    )


class TeamAutoAssign(db.Model):
    """Per team and type, overrides the type's auto_assign setting (R2.3)."""

    __tablename__ = "team_auto_assign"

    team_id: Mapped[int] = mapped_column(
        sa.ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    type_code: Mapped[str] = mapped_column(
        sa.ForeignKey("work_order_types.code", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class AssignmentOffer(db.Model):
    """One assignment put to one technician, and how it ended; emergencies carry a timer."""

    __tablename__ = "assignment_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    technician_id: Mapped[int] = mapped_column(sa.ForeignKey("technicians.id"), index=True)
    offered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    outcome: Mapped[str] = mapped_column(
        sa.Enum(*OFFER_OUTCOMES, name="offer_outcome"), default="pending"
    )
    decided_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    __table_args__ = (
        sa.Index(
            "ix_assignment_offers_pending_expiry",
            "expires_at",
            postgresql_where=sa.text("outcome = 'pending' AND expires_at IS NOT NULL"),
        ),
    )


class TechnicianPosition(db.Model):
    """A position ping from a technician's phone, kept with its device time and accuracy."""

    __tablename__ = "technician_positions"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    technician_id: Mapped[int] = mapped_column(sa.ForeignKey("technicians.id", ondelete="CASCADE"))
    device_time: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    position = mapped_column(Geometry("POINT", srid=4326, spatial_index=False), nullable=False)
    accuracy_m: Mapped[float | None]

    __table_args__ = (
        # A batch resent after lost signal stores nothing twice.
        sa.UniqueConstraint("technician_id", "device_time", name="uq_technician_positions_ping"),
    )
