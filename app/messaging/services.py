"""Asking for an SMS (R8): a message row and its outbox row in the caller's transaction.

These flush, never commit. Whether and when it goes (number, opt-out, quiet hours) is
decided here from the rules; the job sends it and records every attempt.
"""

import uuid

import sqlalchemy as sa
from flask import current_app, has_request_context, request

from app.database import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.messaging import rules
from app.messaging.models import SmsMessage, SmsOptOut

SEND_JOB = "app.messaging.jobs.send_sms"
PENDING = "sms_to_enqueue"


def queue_sms(
    kind, phone, params=None, *, work_order=None, complaint_id=None, outage_id=None, dedupe_key=None
):
    """The message for `kind` to `phone`; an existing one with the same dedupe_key is kept."""
    if dedupe_key and (existing := _by_dedupe_key(dedupe_key)) is not None:
        return existing
    number = rules.normalize_mobile(phone)
    now = utcnow()
    message = SmsMessage(
        id=uuid.uuid4(),
        kind=kind,
        phone=number or str(phone or "")[:32],
        params={**(params or {}), "_base": public_base()},
        work_order=work_order,
        complaint_id=complaint_id,
        outage_id=outage_id,
        dedupe_key=dedupe_key,
        created_at=now,
        status="pending",
        next_attempt_at=now,
    )
    db.session.add(message)
    if number is None:
        message.status = "invalid"
    elif not rules.KINDS[kind].essential and opted_out(number):
        message.status = "opted_out"
    else:
        _schedule(message, now)
    return message


def _schedule(message, now):
    quiet = rules.parse_quiet_hours(current_app.config["SMS_QUIET_HOURS"])
    due = rules.send_after(message.kind, now, quiet)
    message.next_attempt_at = due
    message.deferred_reason = "quiet_hours" if due > now else None
    # Its outbox row is written just before the commit, after the rows of the change that asked
    # for it (the order's routing is relayed first); see init_session_hooks.
    db.session.info.setdefault(PENDING, []).append((message, due, now))


def enqueue_at(message, due, now):
    """The send job for `message`, through the outbox, not before `due`."""
    urgent = rules.KINDS[message.kind].urgent
    enqueue_after_commit(
        SEND_JOB,
        str(message.id),
        queue_name="emergency" if urgent else "default",
        delay_seconds=max(0, int((due - now).total_seconds() + 0.999)),
    )


def _by_dedupe_key(key):
    for pending in db.session.new:  # asked twice in one transaction
        if isinstance(pending, SmsMessage) and pending.dedupe_key == key:
            return pending
    return db.session.scalar(sa.select(SmsMessage).where(SmsMessage.dedupe_key == key))


def public_base():
    """Where links in messages point: PUBLIC_BASE_URL, else the host the request came to."""
    base = current_app.config["PUBLIC_BASE_URL"]
    if not base and has_request_context():
        base = request.host_url
    return (base or "http://localhost:8000").rstrip("/")


def opted_out(number):
    return db.session.get(SmsOptOut, number) is not None


def opt_out(phone, source):
    """R8: no more non-essential messages to this number; outages and appointments still go."""
    number = valid_mobile(phone)
    if not opted_out(number):
        db.session.add(SmsOptOut(phone=number, source=source))
        db.session.flush()
    return number


def opt_in(phone):
    number = valid_mobile(phone)
    db.session.execute(sa.delete(SmsOptOut).where(SmsOptOut.phone == number))
    return number


def valid_mobile(phone):
    """The number as stored, or 422 when it is no Chinese mobile number."""
    from app.errors import Invalid

    number = rules.normalize_mobile(phone)
    if number is None:
        raise Invalid(errors={"phone": ["不是有效的手机号码 / not a Chinese mobile number"]})
    return number


def one_time_notice(data, user):
    """R5.1 on request: the desk's SMS text of what the applicant lacks, to their phone."""
    import re

    from app.desk import notices

    number = valid_mobile(data["phone"])
    entry = notices.entry_for(data["business"], data["applicant_kind"])
    result = notices.checklist(entry, data["have"], data["not_applicable"], None, user)
    text = re.sub(r"^【[^】]*】", "", result["sms_text"])
    return queue_sms("one_time_notice", number, {"text": text})


def _enqueue_pending(session):
    """before_commit: the send job of every message this transaction still holds."""
    if session.in_nested_transaction():
        return
    for message, due, now in session.info.pop(PENDING, []):
        if message in session:  # not undone by a rolled-back savepoint
            enqueue_at(message, due, now)


def _forget_pending(session, previous_transaction=None):
    if previous_transaction is None or not previous_transaction.nested:
        session.info.pop(PENDING, None)


def init_session_hooks():
    from flask_sqlalchemy.session import Session
    from sqlalchemy import event

    if not event.contains(Session, "before_commit", _enqueue_pending):
        event.listen(Session, "before_commit", _enqueue_pending)
        event.listen(Session, "after_soft_rollback", _forget_pending)
