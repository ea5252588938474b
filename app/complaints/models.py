"""Complaints (用户投诉记录表) and all that is kept with them; nothing is ever deleted (R4.8)."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.database import utcnow
from app.extensions import db

KINDS = ("water_quality", "service_quality", "proposal")
KIND_LABELS_ZH = {
    "water_quality": "供水质量",
    "service_quality": "服务质量",
    "proposal": "提案、建议、批评与意见",
}
CHANNELS = ("hotline", "walk_in", "letter", "web", "gov_hotline", "media")
STATUSES = ("pending_handoff", "in_progress", "resolved", "closed")
STATUS_LABELS_ZH = {
    "pending_handoff": "待移交",
    "in_progress": "处理中",
    "resolved": "已处理待回访",
    "closed": "已办结归档",
}
CLOCK_KINDS = ("handoff", "resolution", "progress_call", "follow_up")
CLOCK_LABELS_ZH = {
    "handoff": "移交时限",
    "resolution": "处理时限",
    "progress_call": "进度告知时限",
    "follow_up": "回访时限",
}
# What each complaint event is, in words: the office timeline shows these, never the code;
# events.record refuses a kind missing here.
EVENT_LABELS_ZH = {
    "received": "受理登记",
    "closed_at_intake": "受理即办结(用户满意)",
    "flagged_sensitive": "标为敏感投诉",
    "handed_off": "移交责任部门",
    "duty_alerted": "提醒值班人员电话告知",
    "accepted": "部门签收",
    "contact_logged": "联系用户",
    "extended": "延长至48小时",
    "reply_drafted": "起草答复",
    "reply_submitted": "答复送审",
    "reply_approved": "总经理批准签发",
    "reply_rejected": "总经理退回",
    "reply_sent": "答复已发出",
    "resolved": "处理完毕",
    "followed_up": "回访",
    "reopened": "重新处理",
    "closed": "办结归档",
    "work_order_opened": "开立工单",
    "document_added": "归档文件",
    "clock_warning": "时限预警",
    "clock_breached": "超出时限",
}
CONTACT_KINDS = ("call_out", "call_in", "visit", "sms", "progress_call", "other")
REPLY_STATUSES = ("draft", "submitted", "approved", "rejected", "sent")
DOCUMENT_KINDS = ("record", "attachment", "reply")


def _ts(**kw):
    return mapped_column(sa.DateTime(timezone=True), **kw)


class Complaint(db.Model):
    __tablename__ = "complaints"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(20), unique=True)
    kind: Mapped[str] = mapped_column(sa.Enum(*KINDS, name="complaint_kind"))
    channel: Mapped[str] = mapped_column(sa.Enum(*CHANNELS, name="complaint_channel"))
    status: Mapped[str] = mapped_column(sa.Enum(*STATUSES, name="complaint_status"), index=True)
    customer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("customers.id"), index=True)
    caller_name: Mapped[str] = mapped_column(sa.String(100))
    caller_phone: Mapped[str] = mapped_column(sa.String(32))
    address: Mapped[str | None] = mapped_column(sa.String(255))
    description: Mapped[str] = mapped_column(sa.Text)  # 事情经过
    customer_request: Mapped[str] = mapped_column(sa.Text, default="")  # 用户要求
    justified: Mapped[bool | None]  # 理由是否充分 / 经查属实
    explanation: Mapped[str] = mapped_column(sa.Text, default="")  # 解释与安抚
    sensitive: Mapped[bool] = mapped_column(default=False, index=True)
    sensitive_reason: Mapped[str | None] = mapped_column(sa.Text)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"), index=True)
    received_at: Mapped[datetime] = _ts(index=True)
    received_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    received_on_non_working_day: Mapped[bool] = mapped_column(default=False)
    handoff_due_at: Mapped[datetime | None] = _ts()
    handoff_rule: Mapped[str | None] = mapped_column(sa.String(200))
    calendar_unconfirmed: Mapped[bool] = mapped_column(default=False)
    handed_off_at: Mapped[datetime | None] = _ts()
    handed_off_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolution_due_at: Mapped[datetime | None] = _ts()
    extension_reason: Mapped[str | None] = mapped_column(sa.Text)
    extended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None] = _ts()
    resolution: Mapped[str | None] = mapped_column(sa.Text)
    closed_at: Mapped[datetime | None] = _ts()
    closed_at_intake: Mapped[bool] = mapped_column(default=False)
    work_order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("work_orders.id"), unique=True)
    updated_at: Mapped[datetime] = _ts(default=utcnow, onupdate=utcnow)

    customer = relationship("Customer")
    department = relationship("Team", foreign_keys=[department_id])
    received_by = relationship("User", foreign_keys=[received_by_id])
    work_order = relationship("WorkOrder")
    events: Mapped[list["ComplaintEvent"]] = relationship(order_by="ComplaintEvent.id")
    contacts: Mapped[list["ComplaintContact"]] = relationship(order_by="ComplaintContact.id")
    clocks: Mapped[list["ComplaintClock"]] = relationship(order_by="ComplaintClock.id")
    replies: Mapped[list["ComplaintReply"]] = relationship(order_by="ComplaintReply.id")
    follow_ups: Mapped[list["ComplaintFollowUp"]] = relationship(order_by="ComplaintFollowUp.id")
    documents: Mapped[list["ComplaintDocument"]] = relationship(order_by="ComplaintDocument.id")


class ComplaintEvent(db.Model):
    """One thing that happened to a complaint; append-only (a DB trigger refuses changes)."""

    __tablename__ = "complaint_events"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(sa.String(100))
    at: Mapped[datetime] = _ts(default=utcnow)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    payload: Mapped[dict] = mapped_column(JSONB, default=dict)


class ComplaintContact(db.Model):
    """A contact between the department and the customer (R4.4); append-only."""

    __tablename__ = "complaint_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.Enum(*CONTACT_KINDS, name="complaint_contact_kind"))
    contacted_at: Mapped[datetime] = _ts()
    logged_at: Mapped[datetime] = _ts(default=utcnow)
    by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    # who made the contact as events name an actor, "<role>:<username>": the role they acted in
    by_label: Mapped[str] = mapped_column(sa.String(100))
    summary: Mapped[str] = mapped_column(sa.Text)

    by = relationship("User")


class ComplaintClock(db.Model):
    """A deadline held in the database; jobs and the sweep read it when they fire."""

    __tablename__ = "complaint_clocks"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.Enum(*CLOCK_KINDS, name="complaint_clock_kind"))
    started_at: Mapped[datetime] = _ts()
    warn_at: Mapped[datetime] = _ts()
    due_at: Mapped[datetime] = _ts()
    warned_at: Mapped[datetime | None] = _ts()
    breached_at: Mapped[datetime | None] = _ts()
    stopped_at: Mapped[datetime | None] = _ts()
    stop_reason: Mapped[str | None] = mapped_column(sa.String(40))

    __table_args__ = (
        sa.Index(
            "uq_complaint_clocks_running",
            "complaint_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("stopped_at IS NULL"),
        ),
    )


class ComplaintReply(db.Model):
    """A reply to the customer; its text never changes (a new draft is a new row)."""

    __tablename__ = "complaint_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    body: Mapped[str] = mapped_column(sa.Text)
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[str] = mapped_column(sa.Enum(*REPLY_STATUSES, name="complaint_reply_status"))
    drafted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    drafted_at: Mapped[datetime] = _ts(default=utcnow)
    leader_in_charge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    submitted_at: Mapped[datetime | None] = _ts()
    sent_at: Mapped[datetime | None] = _ts()
    sent_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    sent_via: Mapped[str | None] = mapped_column(sa.String(20))

    approvals: Mapped[list["ComplaintApproval"]] = relationship(order_by="ComplaintApproval.id")


class ComplaintApproval(db.Model):
    """A general manager's approval or rejection of the exact reply text; append-only."""

    __tablename__ = "complaint_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    reply_id: Mapped[int] = mapped_column(sa.ForeignKey("complaint_replies.id"), index=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    decision: Mapped[str] = mapped_column(
        sa.Enum("approved", "rejected", name="complaint_approval_decision")
    )
    body: Mapped[str] = mapped_column(sa.Text)
    body_sha256: Mapped[str] = mapped_column(sa.String(64))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    signer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signer_name: Mapped[str] = mapped_column(sa.String(100))
    signed_at: Mapped[datetime] = _ts(default=utcnow)


class ComplaintFollowUp(db.Model):
    """The follow-up visit (回访) opened by a resolution."""

    __tablename__ = "complaint_follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    opened_at: Mapped[datetime] = _ts(default=utcnow)
    due_at: Mapped[datetime] = _ts()
    done_at: Mapped[datetime | None] = _ts(index=True)
    done_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    satisfied: Mapped[bool | None]
    feedback: Mapped[str | None] = mapped_column(sa.Text)
    final_result: Mapped[str | None] = mapped_column(sa.Text)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    reopened: Mapped[bool] = mapped_column(default=False)


class ComplaintDocument(db.Model):
    """A stored file of the complaint's archive (资料备档); append-only, content-addressed."""

    __tablename__ = "complaint_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    complaint_id: Mapped[int] = mapped_column(sa.ForeignKey("complaints.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.Enum(*DOCUMENT_KINDS, name="complaint_document_kind"))
    title: Mapped[str] = mapped_column(sa.String(200))
    filename: Mapped[str] = mapped_column(sa.String(200))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = _ts(default=utcnow)


class ComplaintBulletin(db.Model):
    """A weekly bulletin (每周通报) as produced for one department and ISO week."""

    __tablename__ = "complaint_bulletins"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"))
    iso_year: Mapped[int]
    iso_week: Mapped[int]
    produced_at: Mapped[datetime] = _ts(default=utcnow)
    produced_by: Mapped[str] = mapped_column(sa.String(100))
    data: Mapped[dict] = mapped_column(JSONB)
    sha256: Mapped[str] = mapped_column(sa.String(64))

    __table_args__ = (sa.UniqueConstraint("department_id", "iso_year", "iso_week"),)


class ComplaintDutyShift(db.Model):
    """Who is on duty (值班) on a non-working day, to phone the responsible department lead.

    Office staff, not technicians: unrelated to dispatch's DutyShift and planning's DayShift.
    """

    __tablename__ = "complaint_duty_shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")

    user = relationship("User")

    __table_args__ = (sa.UniqueConstraint("day", "user_id"),)


class ComplaintRecipient(db.Model):
    """Besides the lead, who in a department is told about its complaints and their clocks."""

    __tablename__ = "complaint_recipients"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("teams.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
