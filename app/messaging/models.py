"""SMS messages, every attempt to send one, opt-outs, and the development provider's inbox."""

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db
from app.messaging.rules import STATUSES


class SmsMessage(db.Model):
    """One message to one number; its id is the idempotency key of every attempt (R8)."""

    __tablename__ = "sms_messages"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    kind: Mapped[str] = mapped_column(sa.String(40))
    phone: Mapped[str] = mapped_column(sa.String(32))
    params: Mapped[dict] = mapped_column(JSONB, default=dict)
    text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.Enum(*STATUSES, name="sms_status"), default="pending")
    work_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    outage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outages.id"), index=True)
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    deferred_reason: Mapped[str | None] = mapped_column(sa.String(40))
    attempts: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    provider: Mapped[str | None] = mapped_column(sa.String(20))
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(100))

    work_order = relationship("WorkOrder")
    attempt_rows: Mapped[list["SmsAttempt"]] = relationship(
        back_populates="message", order_by="SmsAttempt.id"
    )

    __table_args__ = (
        sa.Index("ix_sms_messages_phone_sent", "phone", "sent_at"),
        sa.Index(
            "ix_sms_messages_due",
            "next_attempt_at",
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


class SmsAttempt(db.Model):
    """One call to a provider and its answer, kept on the order or complaint; never updated."""

    __tablename__ = "sms_attempts"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sms_messages.id"), index=True)
    work_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    provider: Mapped[str] = mapped_column(sa.String(20))
    ok: Mapped[bool]
    retryable: Mapped[bool] = mapped_column(default=False)
    answer: Mapped[dict] = mapped_column(JSONB, default=dict)

    message: Mapped[SmsMessage] = relationship(back_populates="attempt_rows")


class SmsOptOut(db.Model):
    """A number that wants no non-essential messages (order news, surveys)."""

    __tablename__ = "sms_opt_outs"

    phone: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(40))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class DevSmsDelivery(db.Model):
    """What the development provider 'delivered': one row per message, at most."""

    __tablename__ = "sms_dev_deliveries"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("sms_messages.id"), unique=True)
    phone: Mapped[str] = mapped_column(sa.String(32))
    text: Mapped[str] = mapped_column(sa.Text)
    delivered_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)


class TrackingLink(db.Model):
    """The short token of /t/<token>: one order, until it expires; a guess finds nothing."""

    __tablename__ = "tracking_links"

    token: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class RemoteSignRequest(db.Model):
    """The customer signs a damage record on their own phone (R3.7): the link's token, the
    number its one-time code went to, and how it ended (signed, replaced, too many wrong codes).
    The code itself is never stored: it is derived from the token with the server's key."""

    __tablename__ = "remote_sign_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(43), unique=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"))
    damage_record_id: Mapped[int] = mapped_column(sa.ForeignKey("damage_records.id"), index=True)
    phone: Mapped[str] = mapped_column(sa.String(32))
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    signer_relation: Mapped[str] = mapped_column(sa.String(20))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    sms_message_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("sms_messages.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    wrong_codes: Mapped[int] = mapped_column(default=0, server_default="0")
    closed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    closed_reason: Mapped[str | None] = mapped_column(sa.String(20))
    signature_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signatures.id"))

    work_order = relationship("WorkOrder")
    damage_record = relationship("DamageRecord")
    requested_by = relationship("User")
    sms_message = relationship(SmsMessage)
