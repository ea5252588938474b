"""Work orders, their configured types, and the append-only event history."""

from datetime import date, datetime
from enum import IntEnum

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.workorders.states import STATUSES

CHANNELS = ("hotline", "repair_line", "walk_in", "api")
PROPERTY_SIDES = ("company", "customer", "unknown")  # R1.5 公司产权范围
SLA_STATES = ("on_track", "at_risk", "breached")
# What a client may mark on an order (flags: these yes/no marks, and the customer's
# preferred_window). Facts the server sets (a complaint's link, the demo marker) live in their
# own columns, never in flags (audit item 3).
FLAG_LABELS_ZH = {
    "call_before_visit": "上门前先电话联系",
    "dog_on_premises": "家中有犬",
    "hard_of_hearing": "听力不便,请多发短信",
    "key_with_neighbour": "钥匙在邻居处",
}


class Priority(IntEnum):
    """An order's priority, stored as its number: emergencies (抢修) first, then customers
    with limited mobility (R1.4), then the rest."""

    NORMAL = 0
    LIMITED_MOBILITY = 1
    EMERGENCY = 2


class WorkOrderType(db.Model):
    """A kind of work; its skill and time limit are configuration, not code (R1.2)."""

    __tablename__ = "work_order_types"

    code: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    name_zh: Mapped[str] = mapped_column(sa.String(60))
    name_en: Mapped[str] = mapped_column(sa.String(60))
    skill_code: Mapped[str | None] = mapped_column(sa.ForeignKey("skills.code"))
    is_emergency: Mapped[bool] = mapped_column(default=False)
    deadline_working_days: Mapped[int | None] = mapped_column(default=3)
    response_minutes: Mapped[int | None]
    auto_assign: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class WorkOrder(db.Model):
    __tablename__ = "work_orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    type_code: Mapped[str] = mapped_column(sa.ForeignKey("work_order_types.code"), index=True)
    channel: Mapped[str] = mapped_column(sa.Enum(*CHANNELS, name="work_order_channel"))
    status: Mapped[str] = mapped_column(
        sa.Enum(*STATUSES, name="work_order_status"), default="new", index=True
    )
    priority: Mapped[int] = mapped_column(default=Priority.NORMAL)  # a Priority
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    caller_name: Mapped[str | None] = mapped_column(sa.String(100))
    caller_phone: Mapped[str | None] = mapped_column(sa.String(32), index=True)
    address: Mapped[str] = mapped_column(sa.String(255))
    location = mapped_column(Geometry("POINT", srid=4326, spatial_index=True))
    meter_number: Mapped[str | None] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    limited_mobility: Mapped[bool] = mapped_column(default=False)
    property_side: Mapped[str] = mapped_column(
        sa.Enum(*PROPERTY_SIDES, name="property_side"), default="unknown"
    )
    flags: Mapped[dict] = mapped_column(JSONB, default=dict)
    demo_marker: Mapped[str | None] = mapped_column(sa.String(8), unique=True)
    zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_zones.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    technician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("technicians.id"), index=True)
    deadline_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), index=True)
    deadline_rule: Mapped[str] = mapped_column(sa.String(200))
    calendar_unconfirmed: Mapped[bool] = mapped_column(default=False)
    # What the SLA watch last announced (app/dispatch/watch.py), so that it announces each
    # change once; the state shown is always computed from the deadline (deadlines.py).
    last_announced_sla_state: Mapped[str] = mapped_column(
        sa.Enum(*SLA_STATES, name="sla_state"), default="on_track"
    )
    first_contact_user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )
    assigned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    accepted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    appointment_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    appointment_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text)
    version_id: Mapped[int] = mapped_column(default=1)

    type = relationship("WorkOrderType")
    customer = relationship("Customer")
    zone = relationship("ServiceZone")
    team = relationship("Team")
    technician = relationship("Technician")
    first_contact_user = relationship("User", foreign_keys=[first_contact_user_id])
    events: Mapped[list["WorkOrderEvent"]] = relationship(
        back_populates="work_order", order_by="WorkOrderEvent.id"
    )

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        # A technician's open load, looked up per candidate by the suggestion query: both
        # conditions in one index, so no plan ANDs in the whole status index (issue 16).
        sa.Index("ix_work_orders_technician_status", "technician_id", "status"),
    )


class WorkOrderEvent(db.Model):
    """One thing that happened to an order; rows are inserted, never updated (R7)."""

    __tablename__ = "work_order_events"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(60))
    from_status: Mapped[str | None] = mapped_column(sa.String(20))
    to_status: Mapped[str | None] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(100))
    reason: Mapped[str | None] = mapped_column(sa.Text)
    server_time: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    position = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    accuracy_m: Mapped[float | None]
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)

    work_order: Mapped[WorkOrder] = relationship(back_populates="events")

    __table_args__ = (
        # The orders not done at the first visit, for the management figures (app/office).
        sa.Index(
            "ix_work_order_events_revisits",
            "work_order_id",
            postgresql_where=sa.text("kind IN ('reschedule', 'unassign')"),
        ),
    )


class DailySequence(db.Model):
    """The last number given out per day and prefix; one row lock serialises creation."""

    __tablename__ = "daily_sequences"

    prefix: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
