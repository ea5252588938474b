"""How jobs leave a transaction: an outbox row in the same commit, relayed into RQ.

An order and the job it asks for commit together; the relay marks a row sent only after
the enqueue succeeded, so a Redis outage delays work and never loses it. Every job is
run through `run`, which gives it an app context, owns its commit, and cleans up.
"""

import importlib
import logging

import sqlalchemy as sa
from flask import current_app, has_app_context
from redis import Redis
from rq import Queue, Retry
from sqlalchemy import event

from app.database import utcnow
from app.extensions import db

log = logging.getLogger(__name__)

QUEUES = ("emergency", "default", "low")
RETRY = Retry(max=3, interval=[5, 30, 120])
_process_app = None


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
    """Move unsent outbox rows into RQ; returns how many were sent."""
    from app.outbox import OutboxMessage

    sent = 0
    with db.engine.connect() as conn:
        rows = conn.execute(
            sa.select(OutboxMessage.__table__)
            .where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            try:
                _enqueue_row(row)
            except Exception as exc:  # Redis down: leave the row for the next relay
                conn.execute(
                    sa.update(OutboxMessage.__table__)
                    .where(OutboxMessage.id == row.id)
                    .values(attempts=row.attempts + 1, last_error=str(exc)[:500])
                )
                log.warning("outbox relay paused: %s", exc)
                break
            conn.execute(
                sa.update(OutboxMessage.__table__)
                .where(OutboxMessage.id == row.id)
                .values(sent_at=utcnow(), attempts=row.attempts + 1)
            )
            sent += 1
        conn.commit()
    return sent


def _enqueue_row(row):
    q = queue(row.queue)
    job_id = f"outbox-{row.id}"
    if row.delay_seconds:
        from datetime import timedelta

        q.enqueue_in(
            timedelta(seconds=row.delay_seconds),
            run,
            row.job,
            *row.args,
            job_id=job_id,
            retry=RETRY,
        )
    else:
        q.enqueue(run, row.job, *row.args, job_id=job_id, retry=RETRY)


def run(job_path, *args):
    """The one entry point RQ calls: import the job, run it in an app context, commit."""
    if has_app_context():
        return _run_in_context(job_path, args)
    with _get_process_app().app_context():
        return _run_in_context(job_path, args)


def _run_in_context(job_path, args):
    module_name, func_name = job_path.rsplit(".", 1)
    func = getattr(importlib.import_module(module_name), func_name)
    try:
        result = func(*args)
        db.session.commit()
        return result
    except Exception:
        db.session.rollback()
        raise
    finally:
        if not current_app.testing:
            db.session.remove()


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
    if current_app.config.get("OUTBOX_RELAY_ON_COMMIT", True):
        try:
            relay_outbox()
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
