"""Complaint intake and hand-off (R4.1-R4.3); verbs flush, never commit."""

from flask import current_app

from app.auth.models import User
from app.calendar import services as calendar
from app.calendar.rules import local_date
from app.common import actors
from app.complaints import access, clocks, documents, events, people, rules
from app.complaints.models import Complaint
from app.customers import services as customers
from app.database import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.notifications.services import notify
from app.workorders.services import next_number

INTAKE_FIELDS = (
    "kind",
    "channel",
    "description",
    "customer_request",
    "justified",
    "explanation",
    "sensitive",
    "sensitive_reason",
)


def intake(data, user, now=None):
    """Record a complaint (用户投诉记录表): closed at once, or waiting for its hand-off."""
    now = now or utcnow()
    customer = customers.by_account_no(data.get("account_no"))
    department = access.department(data["department_id"]) if data.get("department_id") else None
    complaint = Complaint(
        number=next_number("CP", now=now),
        status="pending_handoff",
        customer=customer,
        **_caller(data, customer),
        department_id=department.id if department else None,
        received_at=now,
        received_by_id=user.id,
        **{name: data[name] for name in INTAKE_FIELDS if name in data},
    )
    db.session.add(complaint)
    db.session.flush()
    events.record(
        complaint,
        "received",
        user,
        at=now,
        channel=complaint.channel,
        kind=complaint.kind,
        justified=complaint.justified,
        sensitive=complaint.sensitive,
        department_id=complaint.department_id,
    )
    if complaint.sensitive:
        _report_sensitive(complaint, user, now)
    if data.get("satisfied_at_intake"):
        _close_at_intake(complaint, user, now)
    else:
        _start_handoff(complaint, user, now)
    return complaint


def _caller(data, customer):
    """The caller's own details, else the customer's on file."""
    found = customers.caller_details(data, customer)
    if not found["caller_phone"]:
        raise Invalid(errors={"caller_phone": ["需要联系电话 / a contact phone is needed"]})
    return found


def _close_at_intake(complaint, user, now):
    """Explained and accepted: archived and reported to the agent's supervisor (R4.2)."""
    complaint.status, complaint.closed_at, complaint.closed_at_intake = "closed", now, True
    supervisors = people.supervisor_of(user.id)
    events.record(complaint, "closed_at_intake", user, at=now, informed=sorted(supervisors))
    notify(
        supervisors,
        "complaint_closed_at_intake",
        summary(complaint, f"投诉{complaint.number}已在受理时解释处理,用户满意,已归档"),
    )
    documents.archive_record(complaint, "用户投诉记录表(受理即办结)", user)


def _start_handoff(complaint, user, now):
    working = calendar.WorkingCalendar()
    hours = calendar.office_hours()
    cutoffs = rules.parse_cutoffs(_cutoff_config(), hours)
    due, rule = rules.handoff_due(now, working.is_working, hours, cutoffs)
    complaint.handoff_due_at, complaint.handoff_rule = due, rule
    complaint.received_on_non_working_day = not working.is_working(local_date(now))
    complaint.calendar_unconfirmed = bool(working.unconfirmed_days)
    clocks.start(complaint, "handoff", now, due)
    if complaint.received_on_non_working_day:
        _alert_duty_staff(complaint, user, now)


def _cutoff_config():
    return current_app.config["COMPLAINT_HANDOFF_CUTOFFS"]


def _alert_duty_staff(complaint, user, now):
    """On a non-working day the duty staff phone the responsible department lead (R4.3)."""
    staff = people.duty_staff(local_date(now)) or {user.id}
    lead = complaint.department.lead_user_id if complaint.department else None
    lead_user = db.session.get(User, lead) if lead else None
    payload = summary(
        complaint,
        f"非工作日收到投诉{complaint.number},请尽快电话告知"
        f"{complaint.department.name if complaint.department else '责任部门'}负责人",
    )
    payload.update(
        lead_name=lead_user.display_name if lead_user else None,
        lead_phone=lead_user.phone if lead_user else None,
    )
    notify(staff, "complaint_duty_alert", payload, dedupe_key=f"complaint:{complaint.id}:duty")
    events.record(
        complaint, "duty_alerted", actors.COMPLAINT_CLOCK, at=now, recipients=sorted(staff)
    )


def summary(complaint, message):
    return {
        "complaint_id": complaint.id,
        "number": complaint.number,
        "kind": complaint.kind,
        "sensitive": complaint.sensitive,
        "message": message,
    }


def flag_sensitive(complaint, reason, user, now=None):
    """Sensitive (affects the company's image): its reply will need a GM's approval (R4.5)."""
    now = now or utcnow()
    require_status(complaint, "pending_handoff", "in_progress", "resolved")
    if complaint.sensitive:
        raise Conflict("已标记为敏感投诉 / already flagged sensitive", code="already_sensitive")
    complaint.sensitive, complaint.sensitive_reason = True, reason
    _report_sensitive(complaint, user, now)
    return complaint


def _report_sensitive(complaint, user, now):
    """The agent reports a sensitive complaint to the leaders first (先上报分管领导)."""
    readers = people.general_managers() | people.department_people(complaint.department_id)
    events.record(
        complaint,
        "flagged_sensitive",
        user,
        at=now,
        reason=complaint.sensitive_reason,
        informed=sorted(readers),
    )
    notify(
        readers,
        "complaint_sensitive",
        summary(complaint, f"敏感投诉{complaint.number}:{complaint.sensitive_reason}"),
    )


def require_status(complaint, *statuses):
    if complaint.status not in statuses:
        raise Conflict(
            f"投诉当前状态为{complaint.status},不能执行此操作 / "
            f"not allowed while the complaint is {complaint.status}",
            status=complaint.status,
        )


def hand_off(complaint, data, user, now=None):
    """Hand the written record to the responsible department; the 24-hour clocks start."""
    now = now or utcnow()
    require_status(complaint, "pending_handoff")
    department = access.department(data.get("department_id") or complaint.department_id)
    complaint.department_id, complaint.status = department.id, "in_progress"
    complaint.handed_off_at, complaint.handed_off_by_id = now, user.id
    clocks.stop(complaint, "handoff", "handed_off", now, user)
    start_handling_clocks(complaint, now)
    events.record(
        complaint,
        "handed_off",
        user,
        at=now,
        reason=data.get("note"),
        department_id=department.id,
        due_at=complaint.handoff_due_at.isoformat(),
    )
    documents.archive_record(complaint, "移交用户投诉记录表", user)
    notify(
        people.department_people(department.id),
        "complaint_handed_off",
        summary(complaint, f"投诉{complaint.number}已移交{department.name},请24小时内处理"),
    )
    return complaint


def start_handling_clocks(complaint, now):
    """24 hours to resolve, and a progress call owed before the 24-hour mark (R4.4)."""
    complaint.resolution_due_at = rules.resolution_due(now)
    clocks.start(complaint, "resolution", now, complaint.resolution_due_at)
    clocks.start(complaint, "progress_call", now, rules.progress_call_due(now))
