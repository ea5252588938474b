"""What the technician records at the door."""

from datetime import datetime

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db

PHOTO_PURPOSES = ("work", "violation", "damage")
VIOLATION_KINDS = ("violation", "theft")  # 违约用水 / 窃水


class Visit(db.Model):
    """The current state of one order's visit; the events keep its history (R3.3-R3.5)."""

    __tablename__ = "visits"

    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), primary_key=True)
    arrived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    arrival_device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    arrival_position = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    arrival_accuracy_m: Mapped[float | None]
    arrival_distance_m: Mapped[float | None]
    arrival_flagged: Mapped[bool] = mapped_column(default=False, index=True)
    checklist: Mapped[dict] = mapped_column(JSONB, default=dict)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    parts: Mapped[list] = mapped_column(JSONB, default=list)
    meter_replacement: Mapped[dict | None] = mapped_column(JSONB)
    customer_verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )

    work_order = relationship("WorkOrder")


class Photo(db.Model):
    """An uploaded picture; the bytes live in storage under their SHA-256."""

    __tablename__ = "photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    content_type: Mapped[str] = mapped_column(sa.String(20))
    size_bytes: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    purpose: Mapped[str] = mapped_column(sa.String(20), default="work")
    caption: Mapped[str] = mapped_column(sa.String(200), default="")
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class ViolationReport(db.Model):
    """违约用水或窃水 found on site, referred to the inspection team (R3.6)."""

    __tablename__ = "violation_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    notes: Mapped[str] = mapped_column(sa.Text)
    photo_ids: Mapped[list] = mapped_column(JSONB, default=list)
    customer_aggressive: Mapped[bool] = mapped_column(default=False)
    referred_team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    position = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    accuracy_m: Mapped[float | None]
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class SatisfactionForm(db.Model):
    """征求意见书: one per order, on the technician's phone or through the customer's link."""

    __tablename__ = "satisfaction_forms"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), unique=True)
    technician_id: Mapped[int | None] = mapped_column(sa.ForeignKey("technicians.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    overall: Mapped[int] = mapped_column(sa.SmallInteger)
    timeliness: Mapped[int] = mapped_column(sa.SmallInteger)
    attitude: Mapped[int] = mapped_column(sa.SmallInteger)
    professionalism: Mapped[int] = mapped_column(sa.SmallInteger)
    site_clean: Mapped[bool]
    comments: Mapped[str] = mapped_column(sa.Text, default="")
    suggestions: Mapped[str] = mapped_column(sa.Text, default="")
    channel: Mapped[str] = mapped_column(sa.String(20))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    token_jti: Mapped[str | None] = mapped_column(sa.String(64))
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    submitted_at: Mapped[datetime] = mapped_column(
        sa.DateTime(timezone=True), default=utcnow, index=True
    )
    # How it was filled (audit item 13): the link it came through, the address it came from,
    # and why it deserves a second look (SUBMISSION_WARNINGS_ZH), e.g. filled by staff.
    survey_link_id: Mapped[int | None] = mapped_column(sa.ForeignKey("survey_links.id"))
    submitted_addr: Mapped[str | None] = mapped_column(sa.String(64))
    warnings: Mapped[list] = mapped_column(JSONB, default=list, server_default="[]")

    work_order = relationship("WorkOrder")
    survey_link = relationship("SurveyLink")


FORM_CHANNELS_ZH = {
    "technician_phone": "维修工手机上由用户填写",
    "customer_link": "用户通过链接在自己手机上填写",
    "hotline_callback": "热线回访时代为记录",
}
LINK_DELIVERIES = ("qr", "sms", "read_out")
SUBMISSION_WARNINGS_ZH = {
    "staff_browser": "提交自员工登录过的浏览器",
    "issuer_browser": "提交自发送链接的员工本人登录过的浏览器",
    "issuer_device": "提交设备与发送链接的设备相同(地址与浏览器一致)",
}


class SurveyLink(db.Model):
    """A satisfaction link given to a customer: who issued it, how, from which device."""

    __tablename__ = "survey_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    token_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    delivery: Mapped[str] = mapped_column(sa.String(20))
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    issuer_addr: Mapped[str | None] = mapped_column(sa.String(64))
    issuer_agent: Mapped[str | None] = mapped_column(sa.String(300))

    __table_args__ = tuple(
        sa.CheckConstraint(f"{name} BETWEEN 1 AND 5", name=f"{name}_1_to_5")
        for name in ("overall", "timeliness", "attitude", "professionalism")
    )
