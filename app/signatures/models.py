"""Meter damage caused by the customer, and the customer's signature on it (R3.7).

Both tables are append-only in PostgreSQL itself (trigger tapline_append_only): a correction
is a new record, and a signature once written can only be verified, never changed.
"""

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db

SIGNER_RELATIONS = ("owner", "tenant", "family", "other")
RELATIONS_ZH = {"owner": "户主", "tenant": "租户", "family": "家属", "other": "其他"}
# Where the customer signed: on the technician's phone, or on their own after a one-time code.
CHANNELS_ZH = {
    "technician_phone": "在维修师傅手机上签字",
    "customer_phone": "在本人手机上签字(短信验证码)",
}


class DamageRecord(db.Model):
    """因用户责任引起的计量装置损坏: what is damaged, the cause agreed, any charge."""

    __tablename__ = "damage_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    meter_number: Mapped[str] = mapped_column(sa.String(40))
    damaged_parts: Mapped[list] = mapped_column(JSONB, default=list)
    description: Mapped[str] = mapped_column(sa.Text)
    cause: Mapped[str] = mapped_column(sa.Text)
    charge_item: Mapped[str | None] = mapped_column(sa.String(100))
    charge_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(10, 2))
    photo_ids: Mapped[list] = mapped_column(JSONB, default=list)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    signature = relationship("Signature", uselist=False, back_populates="damage_record")


class Signature(db.Model):
    """A signed document: canonical JSON, its SHA-256, the server's Ed25519 signature, the chain."""

    __tablename__ = "signatures"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(sa.ForeignKey("work_orders.id"), index=True)
    damage_record_id: Mapped[int] = mapped_column(sa.ForeignKey("damage_records.id"), unique=True)
    document_kind: Mapped[str] = mapped_column(sa.String(40))
    document: Mapped[str] = mapped_column(sa.Text)  # the exact canonical JSON that was signed
    document_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    previous_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    server_signature: Mapped[str] = mapped_column(sa.String(100))  # base64 Ed25519
    key_id: Mapped[str] = mapped_column(sa.String(16))
    png_sha256: Mapped[str] = mapped_column(sa.String(64))
    strokes_sha256: Mapped[str] = mapped_column(sa.String(64))
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    signer_relation: Mapped[str] = mapped_column(sa.String(20))
    # The technician whose phone the customer signed on; none when signed on their own phone.
    signed_on_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    channel: Mapped[str] = mapped_column(
        sa.String(20), default="technician_phone", server_default="technician_phone"
    )
    device_time: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    position = mapped_column(Geometry("POINT", srid=4326, spatial_index=False))
    accuracy_m: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    damage_record = relationship(DamageRecord, back_populates="signature")
    work_order = relationship("WorkOrder")


class ReceiptLink(db.Model):
    """The one customer link to a signature's receipt (audit item 14).

    Reading a signature returns the same link every time instead of minting a new 30-day token;
    staff can revoke it (a link sent to the wrong number), and the next read issues a new one.
    At most one live link per signature: a partial unique index.
    """

    __tablename__ = "receipt_links"
    __table_args__ = (
        sa.Index(
            "uq_receipt_links_live_signature",
            "signature_id",
            unique=True,
            postgresql_where=sa.text("revoked_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(sa.ForeignKey("signatures.id"))
    token_id: Mapped[str] = mapped_column(sa.String(32), unique=True)
    issued_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
