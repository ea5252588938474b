"""Tell a user something: a stored notification, and a live event after the commit."""

import json
import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert

from app import jobs
from app.extensions import db
from app.notifications.labels import NOTIFICATION_LABELS_ZH
from app.notifications.models import Notification

log = logging.getLogger(__name__)


def channel_for(user_id):
    """tapline:user:<id>. Pub/sub ignores Redis db numbers, so parallel test runs (and
    several deployments on one Redis) set their own LIVE_CHANNEL_PREFIX."""
    prefix = current_app.config["LIVE_CHANNEL_PREFIX"] if has_app_context() else "tapline"
    return f"{prefix}:user:{user_id}"


def notify(user_ids, kind, payload, dedupe_key=None):
    """Store one notification per user (once per dedupe_key) and publish it after commit.
    A kind must have its words in labels.py: screens show those, never the code."""
    if kind not in NOTIFICATION_LABELS_ZH:
        raise ValueError(f"notification kind {kind!r} has no Chinese label in labels.py")
    for user_id in set(user_ids):
        stmt = insert(Notification).values(
            recipient_id=user_id, kind=kind, payload=payload, dedupe_key=dedupe_key
        )
        if dedupe_key:
            stmt = stmt.on_conflict_do_nothing(constraint="uq_notifications_dedupe")
        row = db.session.execute(stmt.returning(Notification.id)).scalar_one_or_none()
        if row is not None:
            _after_commit(user_id, {"id": row, "kind": kind, "payload": payload})


def mark():
    """How many live pushes this session holds for after its commit (see drop_since)."""
    return len(db.session.info.setdefault("live_events", []))


def drop_since(mark):
    """A savepoint rolled back: its notifications are gone, so their live pushes must go too."""
    del db.session.info.setdefault("live_events", [])[mark:]


def _after_commit(user_id, message):
    db.session.info.setdefault("live_events", []).append((user_id, message))


def publish(user_id, message):
    """Best effort: the stored notification is the record; the live push is a courtesy."""
    publish_many([(user_id, message)])


# Redis runs the PUBLISHes itself: one command and one reply per PUBLISH_BATCH messages,
# instead of one each (redis-py packs each command and parses each reply in Python: half of
# the publisher's CPU when a commit tells 2,000 users, bench_live). A batch keeps one script
# run short; the pipeline keeps one round trip.
_PUBLISH_ALL = "for i = 1, #ARGV, 2 do redis.call('PUBLISH', ARGV[i], ARGV[i + 1]) end"
PUBLISH_BATCH = 500


def publish_many(pending):
    """Every (user id, message) in one Redis round trip: a job telling 2,000 technicians
    does not wait for 2,000 replies."""
    try:
        pipe = jobs.redis_conn().pipeline(transaction=False)
        for start in range(0, len(pending), PUBLISH_BATCH):
            args = []
            for user_id, message in pending[start : start + PUBLISH_BATCH]:
                args += (channel_for(user_id), json.dumps(message, default=str))
            pipe.eval(_PUBLISH_ALL, 0, *args)
        pipe.execute()
    except Exception as exc:
        log.warning("live events not published (will be fetched later): %s", exc)


def _publish_pending(session):
    if session.in_nested_transaction():
        return  # only a savepoint was released; the real commit is still to come
    pending = session.info.pop("live_events", [])
    if pending and has_app_context():
        publish_many(pending)


def _drop_pending(session, previous_transaction=None):
    if previous_transaction is None or not previous_transaction.nested:
        session.info.pop("live_events", None)


def init_session_hooks():
    from flask_sqlalchemy.session import Session

    if not event.contains(Session, "after_commit", _publish_pending):
        event.listen(Session, "after_commit", _publish_pending)
        event.listen(Session, "after_soft_rollback", _drop_pending)


__all__ = ["notify", "publish", "channel_for"]
