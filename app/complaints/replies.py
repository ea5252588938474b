"""Replies to the customer, and the general manager's approval of sensitive ones (R4.5).

A reply's text never changes (a DB trigger refuses it); an approval or rejection stores the
exact text it judged and its sha256, and "sent" needs an approval of that very text.
"""

import hashlib

import sqlalchemy as sa

from app.auth.models import User
from app.auth.roles import LEADERS
from app.complaints import documents, events, people
from app.complaints.models import ComplaintApproval, ComplaintReply
from app.complaints.services import require_status, summary
from app.database import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.notifications.services import notify


def sha256_of(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def get(complaint, reply_id, lock=False):
    stmt = sa.select(ComplaintReply).where(
        ComplaintReply.id == reply_id, ComplaintReply.complaint_id == complaint.id
    )
    reply = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if reply is None:
        raise NotFound(f"答复不存在 / reply {reply_id} not found")
    return reply


def draft(complaint, body, user, now=None):
    require_status(complaint, "in_progress", "resolved")
    reply = ComplaintReply(
        complaint_id=complaint.id,
        body=body,
        body_sha256=sha256_of(body),
        status="draft",
        drafted_by_id=user.id,
        drafted_at=now or utcnow(),
    )
    db.session.add(reply)
    db.session.flush()
    events.record(complaint, "reply_drafted", user, reply_id=reply.id, sha256=reply.body_sha256)
    return reply


def submit(complaint, reply, leader_id, user, now=None):
    """Send the draft to the leader in charge (分管领导); general managers are told too."""
    _require_reply(reply, "draft")
    leader = _leader(leader_id) if leader_id else None
    reply.status, reply.submitted_at = "submitted", now or utcnow()
    reply.leader_in_charge_id = leader.id if leader else None
    readers = people.general_managers() | ({leader.id} if leader else set())
    notify(
        readers,
        "complaint_reply_for_approval",
        summary(complaint, f"投诉{complaint.number}的答复待总经理批示") | {"reply_id": reply.id},
    )
    events.record(
        complaint,
        "reply_submitted",
        user,
        reply_id=reply.id,
        leader_in_charge_id=reply.leader_in_charge_id,
    )
    return reply


def decide(complaint, reply, data, manager, now=None):
    """A general manager approves and signs, or rejects, the exact text of a submitted reply."""
    _require_reply(reply, "submitted")
    seen = data.get("body_sha256")
    if seen is not None and seen != reply.body_sha256:
        raise Conflict(
            "答复内容与所阅不符 / the reply is not the text you read",
            code="reply_text_mismatch",
            body_sha256=reply.body_sha256,
        )
    approval = ComplaintApproval(
        reply_id=reply.id,
        complaint_id=complaint.id,
        decision=data["decision"],
        body=reply.body,
        body_sha256=sha256_of(reply.body),
        comment=data.get("comment", ""),
        signer_id=manager.id,
        signer_name=manager.display_name,
        signed_at=now or utcnow(),
    )
    db.session.add(approval)
    reply.status = data["decision"]
    events.record(
        complaint,
        f"reply_{data['decision']}",
        manager,
        reason=approval.comment or None,
        reply_id=reply.id,
        sha256=approval.body_sha256,
    )
    word = "已批准" if data["decision"] == "approved" else "未批准"
    notify(
        {reply.drafted_by_id},
        "complaint_reply_decided",
        summary(complaint, f"投诉{complaint.number}的答复{word}") | {"reply_id": reply.id},
    )
    db.session.flush()
    return approval


def mark_sent(complaint, reply, via, user, now=None):
    """Record that the reply went out; a sensitive complaint's needs its text approved (409)."""
    require_status(complaint, "in_progress", "resolved")
    if reply.status == "sent":
        raise Conflict("答复已发出 / the reply was already sent", code="already_sent")
    if complaint.sensitive and not _approved(reply):
        raise Conflict(
            "敏感投诉的答复须经总经理批示签字后才能发出 / a sensitive complaint's "
            "reply needs a general manager's approval first",
            code="approval_required",
        )
    if reply.status == "rejected":
        raise Conflict(
            "答复未获批准,请重新起草 / the reply was rejected; draft a new one",
            code="reply_rejected",
        )
    reply.status, reply.sent_at = "sent", now or utcnow()
    reply.sent_by_id, reply.sent_via = user.id, via
    events.record(
        complaint, "reply_sent", user, reply_id=reply.id, via=via, sha256=reply.body_sha256
    )
    db.session.flush()
    documents.archive_reply(complaint, reply, user)
    return reply


def _approved(reply):
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                ComplaintApproval.reply_id == reply.id,
                ComplaintApproval.decision == "approved",
                ComplaintApproval.body_sha256 == sha256_of(reply.body),
            )
        )
        > 0
    )


def _require_reply(reply, *statuses):
    if reply.status not in statuses:
        raise Conflict(
            f"答复当前状态为{reply.status} / the reply is {reply.status}",
            code="reply_state",
            reply_status=reply.status,
        )


def _leader(user_id):
    leader = db.session.get(User, user_id)
    if leader is None or not leader.active or not leader.holds(*LEADERS):
        raise Invalid(errors={"leader_in_charge_id": ["须为在岗的领导 / must be an active leader"]})
    return leader
