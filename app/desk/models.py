"""The one-time notification catalogue (R5.1) and deficiency-tolerant acceptances (R5.2)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.calendar.rules import local_date
from app.database import utcnow
from app.extensions import db

COVERAGES = ("specific", "general", "not_stated")
SIGNER_KINDS = ("citizen", "entity", "agent")


class NoticeEntry(db.Model):
    """What the rules say for one counter business and one applicant kind; admin-editable.

    coverage: "specific" when the rules name this applicant kind, "general" when they speak of
    users (用户/申请单位) without distinguishing, "not_stated" when they say nothing.
    materials: [{"name", "when", "stage", "deferrable"}].
    """

    __tablename__ = "notice_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    business: Mapped[str] = mapped_column(sa.String(40))
    applicant_kind: Mapped[str] = mapped_column(sa.String(40))
    coverage: Mapped[str] = mapped_column(sa.String(20))
    conditions: Mapped[list] = mapped_column(JSONB, default=list)
    time_limit: Mapped[str | None] = mapped_column(sa.Text)
    procedure: Mapped[list] = mapped_column(JSONB, default=list)
    materials: Mapped[list] = mapped_column(JSONB, default=list)
    notes: Mapped[list] = mapped_column(JSONB, default=list)
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    __table_args__ = (
        sa.UniqueConstraint("business", "applicant_kind", name="uq_notice_entries_business_kind"),
    )


class DeferredAcceptance(db.Model):
    """容缺受理: accepted with non-key materials missing, on a signed commitment letter."""

    __tablename__ = "deferred_acceptances"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    business: Mapped[str] = mapped_column(sa.String(40))
    applicant_kind: Mapped[str] = mapped_column(sa.String(40))
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_phone: Mapped[str | None] = mapped_column(sa.String(32))
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    signer_kind: Mapped[str] = mapped_column(sa.String(20))
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    commitment: Mapped[dict] = mapped_column(JSONB, default=dict)
    committed_on: Mapped[date]
    # The promise: every missing item before the supply agreement is signed, by this date.
    due_on: Mapped[date] = mapped_column(index=True)
    # open (materials missing) -> complete (all supplied) -> signed (供水配套协议书)
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    agreement_signed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)

    items: Mapped[list["DeferredItem"]] = relationship(
        back_populates="acceptance", order_by="DeferredItem.id", cascade="all, delete-orphan"
    )
    customer = relationship("Customer")
    created_by = relationship("User")

    @property
    def days_left(self):
        return (self.due_on - local_date(utcnow())).days

    @property
    def overdue(self):
        return self.status == "open" and self.days_left < 0


class DeferredItem(db.Model):
    """One missing material and when it was supplied."""

    __tablename__ = "deferred_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    acceptance_id: Mapped[int] = mapped_column(sa.ForeignKey("deferred_acceptances.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    supplied_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    supplied_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    acceptance: Mapped[DeferredAcceptance] = relationship(back_populates="items")
