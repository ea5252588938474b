"""Water outages (停水), the customers they reach, and the calls linked to them (R8)."""

from datetime import datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.outages.rules import KINDS, STATUSES


class Outage(db.Model):
    __tablename__ = "outages"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.Enum(*KINDS, name="outage_kind"))
    status: Mapped[str] = mapped_column(
        sa.Enum(*STATUSES, name="outage_status"), default="announced", index=True
    )
    area_name: Mapped[str] = mapped_column(sa.String(120))
    area = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
    zone_ids: Mapped[list] = mapped_column(JSONB, default=list)
    start_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expected_end_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    restored_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(sa.Text)
    work_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id"))
    fire_supply_affected: Mapped[bool] = mapped_column(default=False)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approval_reason: Mapped[str | None] = mapped_column(sa.Text)
    declared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    declared_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    affected_count: Mapped[int] = mapped_column(default=0)
    emergency_water_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    history: Mapped[list] = mapped_column(JSONB, default=list)

    work_order = relationship("WorkOrder")


class OutageCall(db.Model):
    """A 'no water' call taken at the desk and linked to the outage instead of a new order."""

    __tablename__ = "outage_calls"

    id: Mapped[int] = mapped_column(primary_key=True)
    outage_id: Mapped[int] = mapped_column(sa.ForeignKey("outages.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"))
    caller_name: Mapped[str | None] = mapped_column(sa.String(100))
    caller_phone: Mapped[str | None] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    taken_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    taken_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
