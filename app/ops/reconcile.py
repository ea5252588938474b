"""The reconciliation sweep: PostgreSQL is the truth, Redis only a cache of work.

Every outbox row is a promise (route this order, check this acceptance, check this
complaint clock, ...). A row sent but not done whose RQ job is gone (Redis restarted without
its data, a job deleted) or abandoned (its worker died mid-run) is enqueued again under a new
job id. Jobs are idempotent, so a job re-driven while its first copy still ran changes
nothing. Bounds: the clock runs this sweep every RECONCILE_SECONDS (10) on the emergency
queue and relays unsent rows every RELAY_SECONDS (5), so a lost emergency job runs again
within about 10 s of the worker seeing Redis, and an abandoned one within ABANDONED_SECONDS
(15) of its worker's last heartbeat plus 10 s.
"""

import json
import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from rq.job import Job, JobStatus

from app.database import utcnow
from app.extensions import db
from app.jobs import enqueue_message, redis_conn, relay_outbox
from app.outbox import OutboxMessage

log = logging.getLogger(__name__)

FINDINGS_KEY = "tapline:ops:reconcile:last"
ALIVE_KEY = "tapline:ops:alive:{}"  # set by worker.py every few seconds, expiring
WAITING = {JobStatus.QUEUED, JobStatus.SCHEDULED, JobStatus.DEFERRED, JobStatus.STARTED}
# Brand-new rows are being relayed right now: leave them to the relay.
SETTLE_SECONDS = 3


def sweep(now=None, limit=500):
    """Relay what is unsent, re-drive what was lost; returns and stores the findings."""
    now = now or utcnow()
    findings = {"at": now.isoformat(), "relayed": relay_outbox(), "checked": 0}
    for state in ("missing", "abandoned", "failed", "waiting"):
        findings[state] = 0
    findings["redriven"] = []
    rows = _open_rows(now, limit)
    jobs = Job.fetch_many([row.job_id or f"outbox-{row.id}" for row in rows], redis_conn())
    for row, job in zip(rows, jobs, strict=True):
        state = job_state(job, now)
        findings["checked"] += 1
        findings[state] += 1
        if state in ("missing", "abandoned"):
            _redrive(row, now, state)
            findings["redriven"].append({"outbox_id": row.id, "job": row.job, "why": state})
    findings["redriven"] = findings["redriven"][:50]
    _store(findings)
    return findings


def _open_rows(now, limit):
    """Sent, not done, older than a moment; emergencies first.

    Not locked: a job starting meanwhile must not find its row held (it would step aside).
    A row done between this read and the re-drive gets a copy that finds it done: harmless.
    """
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(
            OutboxMessage.done_at.is_(None),
            OutboxMessage.sent_at.is_not(None),
            OutboxMessage.sent_at < now - timedelta(seconds=SETTLE_SECONDS),
        )
        .order_by((OutboxMessage.queue == "emergency").desc(), OutboxMessage.id)
        .limit(limit)
    ).all()


def job_state(job, now):
    """missing | abandoned | failed | waiting (queued, scheduled, running on a live worker)."""
    if job is None:
        return "missing"
    status = job.get_status(refresh=False)
    if status == JobStatus.FAILED or status == JobStatus.STOPPED or status == JobStatus.CANCELED:
        return "failed"
    if status == JobStatus.STARTED and _abandoned(job, now):
        return "abandoned"
    if status in WAITING:
        return "waiting"
    return "missing"  # finished without its outbox row done: its commit was lost


def _abandoned(job, now):
    started = job.started_at
    if started is None:
        return False
    if started.tzinfo is None:
        from datetime import UTC

        started = started.replace(tzinfo=UTC)
    age = (now - started).total_seconds()
    if age < current_app.config["ABANDONED_SECONDS"]:
        return False
    return not job.worker_name or not redis_conn().exists(ALIVE_KEY.format(job.worker_name))


def _redrive(row, now, why):
    """Enqueue the promise again under a fresh job id, keeping what is left of its delay."""
    remaining = max(0, int((row.due_at() - now).total_seconds()))
    job_id = f"outbox-{row.id}-r{row.redriven + 1}"
    enqueue_message(row, job_id, delay_seconds=remaining)
    row.job_id, row.redriven = job_id, row.redriven + 1
    row.last_error = f"re-driven: job {why}"
    log.warning("reconcile: outbox %s (%s %s) re-driven, job %s", row.id, row.job, row.args, why)


def _store(findings):
    try:
        redis_conn().set(FINDINGS_KEY, json.dumps(findings), ex=24 * 3600)
    except Exception as exc:  # the findings are a courtesy; the sweep's work is done
        log.warning("reconcile findings not stored: %s", exc)


def last_findings():
    raw = redis_conn().get(FINDINGS_KEY)
    return json.loads(raw) if raw else None


def purge_done(days):
    """Forget outbox rows done more than `days` ago; returns how many."""
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.done_at < cutoff))
    return result.rowcount
