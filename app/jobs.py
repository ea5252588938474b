"""How jobs leave a transaction: an outbox row in the same commit, relayed into RQ.

An order and the job it asks for commit together; the relay marks a row sent only after
the enqueue succeeded, so a Redis outage delays work and never loses it. Every job is
run through `run`, which gives it an app context, owns its commit, and marks its outbox row
done in that same commit: a row sent but never done is a promise the reconciliation sweep
(app.ops.reconcile) re-drives when its job is gone from Redis.
"""

import importlib
import logging
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry, get_current_job
from sqlalchemy import event

from app.database import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

QUEUES = ("emergency", "default", "low")
RETRY = Retry(max=3, interval=[5, 30, 120])
# A job that runs longer is stopped and retried; the sweep treats a job of these queues
# started longer ago than this on a worker that stopped beating as abandoned.
JOB_TIMEOUTS = {"emergency": 60, "default": 180, "low": 1800}
RESULT_TTL = 600  # seconds a finished job stays visible in RQ
# Seconds a job started before its relay committed waits for that commit (see _own_row).
RELAY_LOCK_WAIT = 5
# After a failed enqueue, commit-time relays in this process wait this long before trying
# Redis again (the clock's relay keeps trying): requests do not pay for a dead Redis.
RELAY_PAUSE_SECONDS = 5.0
# A request relays its own rows and a few more; a backlog left by an outage is the clock's.
COMMIT_RELAY_LIMIT = 20
AFTER_JOB_COMMIT = "after_job_commit"
_process_app = None
_relay_paused_until = 0.0


def redis_conn(app=None):
    app = app or current_app
    conn = app.extensions.get("tapline_redis")
    if conn is None:
        conn = Redis.from_url(
            app.config["REDIS_URL"],
            socket_timeout=3,
            socket_connect_timeout=1,
            health_check_interval=30,
        )
        app.extensions["tapline_redis"] = conn
    return conn


def queue(name="default", app=None):
    return Queue(name, connection=redis_conn(app))


def enqueue_after_commit(job_path, *args, queue_name="default", delay_seconds=0):
    """Ask for `job_path(*args)` in the current transaction (outbox row)."""
    from app.outbox import OutboxMessage

    message = OutboxMessage(
        job=job_path, args=list(args), queue=queue_name, delay_seconds=delay_seconds
    )
    db.session.add(message)
    db.session.info.setdefault("outbox_pending", True)
    return message


def relay_outbox(limit=200):
    """Move unsent outbox rows into RQ; returns how many were sent.

    A failed enqueue counts one attempt on the row tried and stops the batch: the rows
    behind it were not tried, so their `attempts` do not move.
    """
    from app.outbox import OutboxMessage

    table = OutboxMessage.__table__
    sent = 0
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(table)
            .where(table.c.sent_at.is_(None))
            .order_by(table.c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            job_id = f"outbox-{row.id}"
            try:
                enqueue_message(row, job_id)
            except Exception as exc:  # Redis down: leave the row for the next relay
                conn.execute(
                    sa.update(table)
                    .where(table.c.id == row.id)
                    .values(attempts=table.c.attempts + 1, last_error=str(exc)[:500])
                )
                _pause_relay()
                log.warning("outbox relay paused (Redis unreachable?): %s", exc)
                break
            conn.execute(
                sa.update(table)
                .where(table.c.id == row.id)
                .values(
                    sent_at=utcnow(), attempts=table.c.attempts + 1, job_id=job_id, last_error=None
                )
            )
            sent += 1
        conn.commit()
    if sent:
        _resume_relay()
    return sent


def enqueue_message(row, job_id, delay_seconds=None):
    """Put one outbox row into RQ as `job_id`, tagged with the row it fulfils."""
    q = queue(row.queue)
    delay = row.delay_seconds if delay_seconds is None else delay_seconds
    options = {
        "job_id": job_id,
        "retry": RETRY,
        "job_timeout": JOB_TIMEOUTS.get(row.queue, 180),
        "result_ttl": RESULT_TTL,
        "meta": {"outbox_id": row.id},
    }
    if delay > 0:
        q.enqueue_in(timedelta(seconds=delay), run, row.job, *row.args, **options)
    else:
        q.enqueue(run, row.job, *row.args, **options)


def _pause_relay():
    global _relay_paused_until
    _relay_paused_until = time.monotonic() + RELAY_PAUSE_SECONDS


def _resume_relay():
    global _relay_paused_until
    _relay_paused_until = 0.0


def relay_paused():
    return time.monotonic() < _relay_paused_until


def run(job_path, *args):
    """The one entry point RQ calls: import the job, run it in an app context, commit."""
    if has_app_context():
        return _run_in_context(job_path, args)
    with _get_process_app().app_context():
        return _run_in_context(job_path, args)


def _run_in_context(job_path, args):
    module_name, func_name = job_path.rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), func_name)
    outbox_id = _outbox_id()
    try:
        if outbox_id is not None and not _own_row(outbox_id):
            return None  # kept already, or being kept right now by a batch (see _own_row)
        result = func(*args)
        if outbox_id is not None:
            mark_done([outbox_id])
        db.session.commit()
        _after_commit(job_path)  # never raises: the work is committed
        return result
    except Exception:
        db.session.info.pop(AFTER_JOB_COMMIT, None)
        db.session.rollback()
        raise
    finally:
        if not current_app.testing:
            db.session.remove()


def after_job_commit(callback):
    """Run `callback()` once the running job's transaction has committed: for RQ work that
    reads what this job wrote (it must not start before that is visible), asked of Redis
    directly because the outbox's one relay is too narrow for thousands of rows at once.
    A callback that fails (Redis down) is logged and undoes nothing: whoever asks for one
    keeps a sweep that finds the work still undone in the database and asks again."""
    db.session.info.setdefault(AFTER_JOB_COMMIT, []).append(callback)


def _after_commit(job_path):
    for callback in db.session.info.pop(AFTER_JOB_COMMIT, []):
        try:
            callback()
        except Exception as exc:  # committed already: the owner's sweep re-drives it
            log.warning("after-commit step of %s failed: %s", job_path, exc)


def _outbox_id():
    job = get_current_job()
    return job.meta.get("outbox_id") if job is not None else None


def _own_row(outbox_id):
    """Lock the job's own outbox row; False when it is done or another job holds it.

    A row held by another job is being kept by a batch (or by a copy of this job): waiting
    for it would idle this worker, so the job returns. Should that batch fail for this row,
    the row stays open with its job finished, which the reconciliation sweep re-drives.
    Locking our own row first also means batches (SKIP LOCKED) never deadlock with us.

    One holder is waited for: the relay that enqueued this very job holds the row from the
    enqueue to its commit, and a worker can start the job in between (then the row's
    committed `sent_at` is still empty). Stepping aside then left the promise to the
    sweep: bench_live saw 1 emergency in 4 routed ~10 s late. The relay commits within
    moments; RELAY_LOCK_WAIT bounds the wait (past it the job fails and is retried).
    """
    from app.outbox import OutboxMessage

    mine = sa.select(OutboxMessage.done_at).where(OutboxMessage.id == outbox_id)
    done = db.session.execute(mine.with_for_update(skip_locked=True)).first()
    if done is None:
        sent = db.session.execute(
            sa.select(OutboxMessage.sent_at).where(OutboxMessage.id == outbox_id)
        ).first()
        if sent is None:
            return False  # gone
        if sent.sent_at is not None:  # a batch holds it, or the relay committed just now
            done = db.session.execute(mine.with_for_update(skip_locked=True)).first()
            if done is None:
                return False  # kept by a batch right now
        else:
            db.session.execute(sa.text(f"SET LOCAL lock_timeout = '{RELAY_LOCK_WAIT}s'"))
            done = db.session.execute(mine.with_for_update()).first()
            db.session.execute(sa.text("SET LOCAL lock_timeout TO DEFAULT"))
    return done is not None and done.done_at is None


def mark_done(outbox_ids):
    """Outbox rows are done in their job's own commit: done means the work is stored."""
    from app.outbox import OutboxMessage

    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id.in_(outbox_ids), OutboxMessage.done_at.is_(None))
        .values(done_at=utcnow())
    )


def _get_process_app():
    global _process_app
    if _process_app is None:
        from app import create_app

        _process_app = create_app()
    return _process_app


def _kick_relay_after_commit(session):
    """Right after a commit that wrote outbox rows, try to relay them at once."""
    if session.in_nested_transaction():
        return  # only a savepoint was released; the real commit is still to come
    if not session.info.pop("outbox_pending", False) or not has_app_context():
        return
    if not current_app.config["OUTBOX_RELAY_ON_COMMIT"] or relay_paused():
        return  # the clock's relay (every few seconds) takes the rows
    try:
        relay_outbox(limit=COMMIT_RELAY_LIMIT)
    except Exception as exc:  # never fail the request that already committed
        log.warning("outbox relay after commit failed: %s", exc)


def _forget_pending_on_rollback(session, previous_transaction=None):
    if previous_transaction is None or not previous_transaction.nested:
        session.info.pop("outbox_pending", None)


def init_session_hooks():
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "after_commit", _kick_relay_after_commit):
        event.listen(Session, "after_commit", _kick_relay_after_commit)
        event.listen(Session, "after_soft_rollback", _forget_pending_on_rollback)
