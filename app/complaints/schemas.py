import marshmallow as ma
from flask import g

from app.auth.models import User
from app.auth.permissions import mask_phone
from app.complaints import rules, waiting
from app.complaints.models import (
    CHANNELS,
    CLOCK_LABELS_ZH,
    CONTACT_KINDS,
    KIND_LABELS_ZH,
    KINDS,
    STATUS_LABELS_ZH,
    STATUSES,
)
from app.complaints.queries import DEADLINE_STATES
from app.database import utcnow
from app.extensions import db
from app.schemas import EventBaseSchema, IdField, LocationSchema, PageArgsSchema, page_of

PHONE = ma.validate.Regexp(
    r"^\+?[0-9][0-9\- ]{4,30}$", error="not a phone number / 电话号码格式错误"
)


def _text(low, high, **kw):
    return ma.fields.String(validate=ma.validate.Length(low, high), **kw)


class ComplaintCreateSchema(ma.Schema):
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={"description": " | ".join(KIND_LABELS_ZH.values())},
    )
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(CHANNELS))
    account_no = _text(1, 32, metadata={"description": "户号"})
    caller_name = _text(1, 100)
    caller_phone = ma.fields.String(validate=PHONE)
    address = _text(1, 255)
    description = _text(1, 4000, required=True, metadata={"description": "事情经过"})
    customer_request = _text(0, 2000, load_default="", metadata={"description": "用户要求"})
    justified = ma.fields.Boolean(required=True, metadata={"description": "理由是否充分"})
    explanation = _text(0, 2000, load_default="", metadata={"description": "解释与安抚"})
    sensitive = ma.fields.Boolean(load_default=False)
    sensitive_reason = _text(2, 1000)
    department_id = IdField(metadata={"description": "责任部门 (Team kind=department)"})
    satisfied_at_intake = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "用户对解释满意且不再投诉: archived at once, supervisor told"},
    )

    @ma.validates_schema
    def _consistent(self, data, **kwargs):
        errors = {}
        if not data.get("account_no") and not data.get("caller_name"):
            errors["caller_name"] = [
                "给出户号,或来电人姓名和电话 / give an account number, "
                "or the caller's name and phone"
            ]
        if data.get("sensitive") and not data.get("sensitive_reason"):
            errors["sensitive_reason"] = ["敏感投诉须说明原因 / say why it is sensitive"]
        if data.get("satisfied_at_intake"):
            if not data.get("explanation"):
                errors["explanation"] = ["记录所作解释 / record the explanation given"]
            if data.get("sensitive"):
                errors["satisfied_at_intake"] = [
                    "敏感投诉须经总经理批示答复 / a sensitive complaint needs an approved reply"
                ]
        elif not data.get("department_id"):
            errors["department_id"] = [
                "需移交的投诉须指定责任部门 / name the responsible department"
            ]
        if errors:
            raise ma.ValidationError(errors)


class ComplaintQueryArgsSchema(PageArgsSchema):
    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(STATUSES)))
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    department_id = IdField()
    sensitive = ma.fields.Boolean()
    work_order_id = IdField(metadata={"description": "The complaint a work order was opened from"})
    received_from = ma.fields.AwareDateTime()
    received_to = ma.fields.AwareDateTime()
    q = _text(1, 100, metadata={"description": "Number, caller name, phone or address"})
    mine = ma.fields.Boolean(metadata={"description": "Only complaints I took"})
    my_departments = ma.fields.Boolean(
        metadata={
            "description": "Only the departments I lead (the lead's inbox, whatever else I am)"
        }
    )
    deadline = ma.fields.String(
        validate=ma.validate.OneOf(DEADLINE_STATES),
        metadata={"description": "Worst running clock: breached, warning (75%), running, none"},
    )
    awaiting_approval = ma.fields.Boolean(
        metadata={"description": "A reply is submitted and waits for the general manager"}
    )
    sort = ma.fields.String(
        load_default="received",
        validate=ma.validate.OneOf(("received", "clock")),
        metadata={"description": "received (newest first) or clock (next due first)"},
    )


class ComplaintSensitiveSchema(ma.Schema):
    reason = _text(2, 1000, required=True)


class ComplaintHandOffSchema(ma.Schema):
    department_id = IdField()
    note = _text(0, 1000)


class ComplaintContactCreateSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(CONTACT_KINDS))
    contacted_at = ma.fields.AwareDateTime(metadata={"description": "Default: now"})
    summary = _text(2, 2000, required=True)


class ComplaintExtensionSchema(ma.Schema):
    reason = _text(4, 1000, required=True, metadata={"description": "特殊情况说明"})


class ComplaintResolutionSchema(ma.Schema):
    resolution = _text(2, 4000, required=True)
    justified = ma.fields.Boolean(metadata={"description": "经查属实"})


class ComplaintFollowUpCreateSchema(ma.Schema):
    satisfied = ma.fields.Boolean(required=True)
    feedback = _text(1, 2000, required=True)
    final_result = _text(1, 2000, required=True)
    summary = _text(1, 2000, required=True)
    reopen = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _reopen_only_when_dissatisfied(self, data, **kwargs):
        if data.get("reopen") and data.get("satisfied"):
            raise ma.ValidationError(
                "只有不满意的回访可以重新处理 / only a dissatisfied "
                "follow-up reopens the complaint",
                "reopen",
            )


class ComplaintReplyCreateSchema(ma.Schema):
    body = _text(2, 8000, required=True)


class ComplaintReplySubmitSchema(ma.Schema):
    leader_in_charge_id = IdField(metadata={"description": "分管领导 (optional)"})


class ComplaintApprovalCreateSchema(ma.Schema):
    decision = ma.fields.String(required=True, validate=ma.validate.OneOf(("approved", "rejected")))
    comment = _text(0, 2000, load_default="", metadata={"description": "批示"})
    body_sha256 = ma.fields.String(
        validate=ma.validate.Regexp(r"^[0-9a-f]{64}$"),
        metadata={"description": "sha256 of the text you read; refused (409) if it differs"},
    )


class ComplaintReplySentSchema(ma.Schema):
    via = ma.fields.String(
        required=True, validate=ma.validate.OneOf(("phone", "sms", "letter", "visit", "email"))
    )


class WorkOrderFromComplaintSchema(ma.Schema):
    type = _text(1, 40, required=True, metadata={"description": "e.g. water_quality_check"})
    description = _text(1, 4000)
    address = _text(1, 255)
    location = ma.fields.Nested(LocationSchema)
    meter_number = _text(1, 40)


class ComplaintAttachmentCreateSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class ComplaintAttachmentTitleSchema(ma.Schema):
    title = _text(1, 200)


class DepartmentRefSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class ComplaintWorkOrderRefSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    status = ma.fields.String()
    type = ma.fields.String(attribute="type_code")


def actor_name(actor_id):
    """The person's name as colleagues know it (王主任), or None for the system. A page that
    read its actors' names in one query (access.detail_for) left them in g.actor_names."""
    known = g.get("actor_names", {})
    if actor_id in known:
        return known[actor_id]
    user = db.session.get(User, actor_id) if actor_id else None
    return user.display_name if user else None


class ComplaintEventSchema(EventBaseSchema):
    actor_name = ma.fields.Function(
        lambda e: actor_name(e.actor_id), metadata={"description": "The person's display name"}
    )
    at = ma.fields.DateTime()


class ComplaintContactSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    contacted_at = ma.fields.DateTime()
    logged_at = ma.fields.DateTime()
    by_id = ma.fields.Integer()
    by = ma.fields.String(
        attribute="by_label", metadata={"description": "Who made it: <role>:<username>"}
    )
    by_name = ma.fields.Function(
        lambda c: actor_name(c.by_id), metadata={"description": "Their display name"}
    )
    summary = ma.fields.String()


class ComplaintClockSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    label = ma.fields.Function(lambda c: CLOCK_LABELS_ZH[c.kind])
    started_at = ma.fields.DateTime()
    warn_at = ma.fields.DateTime()
    due_at = ma.fields.DateTime()
    warned_at = ma.fields.DateTime(allow_none=True)
    breached_at = ma.fields.DateTime(allow_none=True)
    stopped_at = ma.fields.DateTime(allow_none=True)
    stop_reason = ma.fields.String(allow_none=True)
    stage = ma.fields.Function(lambda c: _stage(c))


def _stage(clock):
    if clock.stopped_at is not None:
        return "breached" if clock.breached_at else "met"
    return rules.clock_stage(utcnow(), clock.warn_at, clock.due_at)


class ComplaintApprovalSchema(ma.Schema):
    id = ma.fields.Integer()
    reply_id = ma.fields.Integer()
    decision = ma.fields.String()
    body = ma.fields.String()
    body_sha256 = ma.fields.String()
    comment = ma.fields.String()
    signer_id = ma.fields.Integer()
    signer_name = ma.fields.String()
    signed_at = ma.fields.DateTime()


class ComplaintReplySchema(ma.Schema):
    id = ma.fields.Integer()
    body = ma.fields.String()
    body_sha256 = ma.fields.String()
    status = ma.fields.String()
    drafted_by_id = ma.fields.Integer()
    drafted_at = ma.fields.DateTime()
    leader_in_charge_id = IdField(allow_none=True)
    submitted_at = ma.fields.DateTime(allow_none=True)
    sent_at = ma.fields.DateTime(allow_none=True)
    sent_via = ma.fields.String(allow_none=True)
    approvals = ma.fields.List(ma.fields.Nested(ComplaintApprovalSchema))


class ComplaintFollowUpSchema(ma.Schema):
    id = ma.fields.Integer()
    opened_at = ma.fields.DateTime()
    due_at = ma.fields.DateTime()
    done_at = ma.fields.DateTime(allow_none=True)
    done_by_id = ma.fields.Integer(allow_none=True)
    satisfied = ma.fields.Boolean(allow_none=True)
    feedback = ma.fields.String(allow_none=True)
    final_result = ma.fields.String(allow_none=True)
    summary = ma.fields.String(allow_none=True)
    reopened = ma.fields.Boolean()


class ComplaintDocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    created_by_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()


class ComplaintRefSchema(ma.Schema):
    """What every list shows of a complaint to recognise it: number, kind, status."""

    id = ma.fields.Integer()
    number = ma.fields.String()
    kind = ma.fields.String()
    kind_label = ma.fields.Function(lambda c: KIND_LABELS_ZH[c.kind])
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda c: STATUS_LABELS_ZH[c.status])


class ComplaintSchema(ComplaintRefSchema):
    channel = ma.fields.String()
    customer_id = ma.fields.Integer(allow_none=True)
    caller_name = ma.fields.String()
    caller_phone = ma.fields.Function(lambda c: mask_phone(c.caller_phone))
    address = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    customer_request = ma.fields.String()
    justified = ma.fields.Boolean(allow_none=True)
    explanation = ma.fields.String()
    sensitive = ma.fields.Boolean()
    sensitive_reason = ma.fields.String(allow_none=True)
    department = ma.fields.Nested(DepartmentRefSchema, allow_none=True)
    received_at = ma.fields.DateTime()
    received_by_id = ma.fields.Integer()
    received_on_non_working_day = ma.fields.Boolean()
    handoff_due_at = ma.fields.DateTime(allow_none=True)
    handoff_rule = ma.fields.String(allow_none=True)
    calendar_unconfirmed = ma.fields.Boolean()
    handed_off_at = ma.fields.DateTime(allow_none=True)
    resolution_due_at = ma.fields.DateTime(allow_none=True)
    extension_reason = ma.fields.String(allow_none=True)
    resolved_at = ma.fields.DateTime(allow_none=True)
    resolution = ma.fields.String(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    closed_at_intake = ma.fields.Boolean()
    work_order = ma.fields.Nested(ComplaintWorkOrderRefSchema, allow_none=True)
    next_clock = ma.fields.Function(
        lambda c: _clock_ref(waiting.next_clock(c)),
        metadata={"description": "The running clock due first, or null"},
    )
    deadline = ma.fields.Function(
        lambda c: waiting.deadline_state(c, utcnow()),
        metadata={"description": "breached, warning, running or none (worst running clock)"},
    )
    waiting_for = ma.fields.Function(
        waiting.waiting_for,
        metadata={"description": "Where a sensitive complaint's reply waits, in Chinese"},
    )


def _accepted(complaint):
    event = waiting.accepted_event(complaint)
    if event is None:
        return None
    return {"by": event.actor_label, "name": actor_name(event.actor_id), "at": event.at.isoformat()}


def _clock_ref(clock):
    if clock is None:
        return None
    return {
        "kind": clock.kind,
        "label": CLOCK_LABELS_ZH[clock.kind],
        "due_at": clock.due_at.isoformat(),
    }


class ComplaintDetailSchema(ComplaintSchema):
    accepted = ma.fields.Function(
        lambda c: _accepted(c), metadata={"description": "The lead's sign-for (签收), or null"}
    )
    clocks = ma.fields.List(ma.fields.Nested(ComplaintClockSchema))
    contacts = ma.fields.List(ma.fields.Nested(ComplaintContactSchema))
    replies = ma.fields.List(ma.fields.Nested(ComplaintReplySchema))
    follow_ups = ma.fields.List(ma.fields.Nested(ComplaintFollowUpSchema))
    documents = ma.fields.List(ma.fields.Nested(ComplaintDocumentSchema))
    timeline = ma.fields.List(ma.fields.Nested(ComplaintEventSchema), attribute="events")


ComplaintPageSchema = page_of(ComplaintSchema)
