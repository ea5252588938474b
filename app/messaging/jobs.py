"""Sending: one job per message, idempotent, with backoff; a sweep re-drives lost jobs (R7).

The job locks the message row for the whole call to the provider, so a duplicate job (the
sweep, a retried RQ job) waits and then finds it sent: a message goes out at most once
unless the database loses the commit right after the provider accepted it.
"""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from rq import Queue

from app.database import utcnow
from app.extensions import db
from app.jobs import (
    JOB_TIMEOUTS,
    RESULT_TTL,
    RETRY,
    after_job_commit,
    enqueue_after_commit,
    queue,
    run,
)
from app.messaging import links, rules, texts
from app.messaging.models import SmsAttempt, SmsMessage
from app.messaging.providers import provider_for
from app.messaging.services import SEND_JOB, enqueue_at

PERIODIC = [("app.messaging.jobs.sweep", "default", "SMS_SWEEP_SECONDS")]
EARLY_GRACE = timedelta(seconds=5)
LOST_AFTER = timedelta(minutes=2)


def send_sms(message_id):
    """Send one message if it is still pending and due; record the attempt and the answer."""
    message = db.session.get(SmsMessage, uuid.UUID(message_id), with_for_update=True)
    now = utcnow()
    if (
        message is None
        or message.status != "pending"
        or message.next_attempt_at > now + EARLY_GRACE
    ):
        return None
    later, reason = _hold_until(message, now)
    if later is not None:
        message.next_attempt_at, message.deferred_reason = later, reason
        enqueue_at(message, later, now)
        return reason
    links.complete_params(message)
    message.text = texts.render(message.kind, message.params, current_app.config["SMS_SIGN_NAME"])
    provider = provider_for(current_app.config)
    result = provider.send(message)
    texts.mask_secrets(message)
    _record(message, provider.name, result, now)
    return message.status


def _hold_until(message, now):
    """Quiet hours or the per-number limit may hold a non-urgent message back (R8)."""
    config = current_app.config
    if rules.KINDS[message.kind].urgent:
        return None, None
    quiet = rules.quiet_until(now, rules.parse_quiet_hours(config["SMS_QUIET_HOURS"]))
    if quiet is not None:
        return quiet, "quiet_hours"
    window = timedelta(hours=1)
    sent = db.session.scalars(
        sa.select(SmsMessage.sent_at).where(
            SmsMessage.phone == message.phone,
            SmsMessage.sent_at > now - window,
            SmsMessage.kind.in_(rules.LIMITED_KINDS),
        )
    ).all()
    until = rules.rate_limited_until(message.kind, sent, config["SMS_RATE_PER_HOUR"], window, now)
    return (until, "rate_limit") if until is not None else (None, None)


def _record(message, provider_name, result, now):
    message.attempts += 1
    message.provider = provider_name
    db.session.add(
        SmsAttempt(
            message=message,
            work_order_id=message.work_order_id,
            complaint_id=message.complaint_id,
            at=now,
            provider=provider_name,
            ok=result.ok,
            retryable=result.retryable,
            answer=result.answer,
        )
    )
    if result.ok:
        message.status, message.sent_at = "sent", now
        message.provider_message_id, message.deferred_reason = result.provider_message_id, None
    elif result.retryable and message.attempts < current_app.config["SMS_MAX_ATTEMPTS"]:
        message.next_attempt_at = now + timedelta(seconds=rules.backoff(message.attempts))
        message.deferred_reason = "retry"
        enqueue_at(message, message.next_attempt_at, now)
    else:
        message.status = "failed"


def sweep():
    """Pending messages whose job is overdue (lost with Redis or a worker) are asked again."""
    now = utcnow()
    rows = db.session.execute(
        sa.select(SmsMessage.id, SmsMessage.kind)
        .where(SmsMessage.status == "pending", SmsMessage.next_attempt_at < now - LOST_AFTER)
        .order_by(SmsMessage.next_attempt_at)
        .limit(500)
    ).all()
    for message_id, kind in rows:
        queue_name = "emergency" if rules.KINDS[kind].urgent else "default"
        enqueue_after_commit(SEND_JOB, str(message_id), queue_name=queue_name)
    return len(rows)


def send_each(message_ids, queue_name="default"):
    """A bulk notice's messages (an outage's): one send job each, asked of RQ once the
    calling job has committed them. Each send commits its own provider answer (app.jobs.run),
    so a worker stopped half-way leaves every message sent-and-recorded or still pending,
    never sent-and-forgotten (which a retry would send again). They go to the default queue,
    behind nothing urgent of dispatch's; when Redis is down at that moment the messages stay
    pending and the sweep asks for them again: a delay, not a loss."""
    ids = [str(message_id) for message_id in message_ids]
    if ids:
        after_job_commit(lambda: _enqueue_sends(ids, queue_name))
    return len(ids)


def _enqueue_sends(ids, queue_name):
    """Straight into RQ, one pipeline: not through the outbox, whose one relay (200 rows per
    pass, oldest first) would put dispatch's emergencies behind a district's notices."""
    q = queue(queue_name)
    q.enqueue_many(
        [
            Queue.prepare_data(
                run,
                (SEND_JOB, message_id),
                job_id=f"sms-{message_id}",
                timeout=JOB_TIMEOUTS[queue_name],
                result_ttl=RESULT_TTL,
                retry=RETRY,
            )
            for message_id in ids
        ]
    )


def emergency_offer_check(order_id, technician_id):
    """The emergency offer by SMS when the live stream has not delivered it (R2.4)."""
    from app.messaging import emergency

    return emergency.check(order_id, technician_id)
