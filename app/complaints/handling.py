"""The department's handling (R4.4) and the follow-up visit (R4.6); verbs flush, never commit."""

import sqlalchemy as sa
from flask import current_app

from app.calendar import services as calendar
from app.complaints import access, clocks, documents, events, people, rules
from app.complaints.models import ComplaintContact, ComplaintFollowUp
from app.complaints.services import require_status, start_handling_clocks, summary
from app.complaints.waiting import accepted_event
from app.database import utcnow
from app.errors import Conflict, Invalid
from app.extensions import db
from app.notifications.services import notify
from app.workorders.services import actor_fields


def accept(complaint, user, now=None):
    """The department lead signs for the handed-off complaint (签收); once only."""
    now = now or utcnow()
    require_status(complaint, "in_progress")
    if accepted_event(complaint) is not None:
        raise Conflict("已签收 / already accepted", code="already_accepted")
    events.record(complaint, "accepted", user, at=now)
    db.session.flush()
    return complaint


def log_contact(complaint, data, user, now=None):
    """The department, or the agent who took the complaint, logs each contact with the customer
    and who made it; a progress call stops its clock."""
    now = now or utcnow()
    access.require_caller(user, complaint)
    require_status(complaint, "in_progress")
    contacted_at = data.get("contacted_at") or now
    if contacted_at > now or contacted_at < complaint.received_at:
        raise Invalid(
            errors={
                "contacted_at": [
                    "联系时间须在受理之后、当前之前 / must lie between receipt and now"
                ]
            }
        )
    contact = ComplaintContact(
        complaint_id=complaint.id,
        kind=data["kind"],
        by_id=user.id,
        by_label=actor_fields(user)["actor_label"],
        contacted_at=contacted_at,
        logged_at=now,
        summary=data["summary"],
    )
    db.session.add(contact)
    if data["kind"] == "progress_call":
        clocks.stop(complaint, "progress_call", "progress_call_logged", contacted_at, user)
    events.record(
        complaint,
        "contact_logged",
        user,
        at=now,
        contact_kind=data["kind"],
        contacted_at=contacted_at.isoformat(),
    )
    db.session.flush()
    return contact


def extend(complaint, reason, user, now=None):
    """A special case (特殊情况): 48 hours instead of 24, decided before the 24 hours pass."""
    now = now or utcnow()
    require_status(complaint, "in_progress")
    if complaint.extension_reason is not None:
        raise Conflict("已延期过一次 / already extended to 48 hours", code="already_extended")
    clock = clocks.running(complaint, "resolution")
    if clock is None or not rules.may_extend(now, clock.started_at):
        raise Conflict(
            "24小时时限已过,不能再延期 / the 24-hour limit has passed", code="extension_too_late"
        )
    started = clock.started_at
    clocks.stop(complaint, "resolution", "extended", now, user)
    complaint.resolution_due_at = rules.resolution_due(started, extended=True)
    clocks.start(complaint, "resolution", started, complaint.resolution_due_at)
    complaint.extension_reason, complaint.extended_by_id = reason, user.id
    events.record(
        complaint,
        "extended",
        user,
        at=now,
        reason=reason,
        due_at=complaint.resolution_due_at.isoformat(),
    )
    return complaint


def resolve(complaint, data, user, now=None):
    """The department's answer; a sensitive complaint needs its approved reply sent first."""
    now = now or utcnow()
    require_status(complaint, "in_progress")
    if complaint.sensitive and not any(r.status == "sent" for r in complaint.replies):
        raise Conflict(
            "敏感投诉须先发出经总经理批准的答复 / a sensitive complaint needs its "
            "approved reply sent first",
            code="approved_reply_required",
        )
    for kind in ("resolution", "progress_call"):
        clocks.stop(complaint, kind, "resolved", now, user)
    complaint.status, complaint.resolved_at = "resolved", now
    complaint.resolution = data["resolution"]
    if data.get("justified") is not None:
        complaint.justified = data["justified"]  # the department's finding (经查属实)
    events.record(complaint, "resolved", user, at=now, justified=complaint.justified)
    _open_follow_up(complaint, now)
    return complaint


def _open_follow_up(complaint, now):
    days = current_app.config["COMPLAINT_FOLLOW_UP_WORKING_DAYS"]
    due, _rule, _unconfirmed = calendar.working_days_deadline(now, days)
    db.session.add(ComplaintFollowUp(complaint_id=complaint.id, opened_at=now, due_at=due))
    clocks.start(complaint, "follow_up", now, due)
    notify(
        {complaint.received_by_id},
        "complaint_follow_up_due",
        summary(complaint, f"投诉{complaint.number}已处理,请回访用户"),
    )


def open_follow_up(complaint):
    return db.session.scalar(
        sa.select(ComplaintFollowUp).where(
            ComplaintFollowUp.complaint_id == complaint.id, ComplaintFollowUp.done_at.is_(None)
        )
    )


def follow_up(complaint, data, user, now=None):
    """Record the visit: feedback, satisfied or not, final result, summary; tell the lead."""
    now = now or utcnow()
    require_status(complaint, "resolved")
    visit = open_follow_up(complaint)
    for name in ("satisfied", "feedback", "final_result", "summary", "reopen"):
        setattr(visit, "reopened" if name == "reopen" else name, data[name])
    visit.done_at, visit.done_by_id = now, user.id
    clocks.stop(complaint, "follow_up", "done", now, user)
    events.record(
        complaint, "followed_up", user, at=now, satisfied=data["satisfied"], reopen=data["reopen"]
    )
    verdict = "满意" if data["satisfied"] else "不满意"
    message = f"投诉{complaint.number}回访完成,用户{verdict}:{data['final_result']}"
    notify(
        people.department_people(complaint.department_id),
        "complaint_followed_up",
        summary(complaint, message) | {"satisfied": data["satisfied"], "reopened": data["reopen"]},
    )
    if data["reopen"]:
        _reopen(complaint, user, now)
    else:
        _close(complaint, user, now)
    return visit


def _reopen(complaint, user, now):
    complaint.status, complaint.resolved_at = "in_progress", None
    complaint.extension_reason = complaint.extended_by_id = None
    start_handling_clocks(complaint, now)
    events.record(
        complaint, "reopened", user, at=now, due_at=complaint.resolution_due_at.isoformat()
    )


def _close(complaint, user, now):
    complaint.status, complaint.closed_at = "closed", now
    events.record(complaint, "closed", user, at=now)
    documents.archive_record(complaint, "用户投诉记录表(办结归档)", user)
