"""Reading and marking a user's own notifications."""

from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.errors import NotFound
from app.extensions import db
from app.notifications.models import Notification
from app.queries import paginate


def _mine(user_id):
    return sa.select(Notification).where(Notification.recipient_id == user_id)


def unread_count(user_id):
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(
            _mine(user_id).where(Notification.read_at.is_(None)).subquery()
        )
    )


def page(user_id, args):
    stmt = _mine(user_id)
    if args.get("unread") is not None:
        stmt = stmt.where(
            Notification.read_at.is_(None) if args["unread"] else Notification.read_at.is_not(None)
        )
    return {**paginate(stmt, args, Notification.id.desc()), "unread": unread_count(user_id)}


def mark_one(user_id, notification_id):
    note = db.session.scalar(_mine(user_id).where(Notification.id == notification_id))
    if note is None:
        raise NotFound(f"通知不存在 / notification {notification_id} not found")
    note.read_at = note.read_at or utcnow()
    db.session.flush()
    return note


def mark_many(user_id, ids=None, up_to_id=None):
    cond = Notification.id.in_(ids) if ids is not None else Notification.id <= up_to_id
    result = db.session.execute(
        sa.update(Notification)
        .where(
            Notification.recipient_id == user_id,
            Notification.read_at.is_(None),
            cond,
        )
        .values(read_at=utcnow())
    )
    return result.rowcount


def replay_page(user_id, after, unread_only, limit):
    """The next page of a replay, oldest first: ids above `after` (only unread ones on a first
    connection, which has no Last-Event-ID), as the stream sends them."""
    stmt = _mine(user_id).where(Notification.id > after)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return _dump(db.session.scalars(stmt.order_by(Notification.id).limit(limit)))


def late_undelivered(user_id, last_id, seconds, limit):
    """Recent ones at or below Last-Event-ID that no stream delivered: committed after a newer
    notification had already gone out (ids are given at insert, not at commit)."""
    since = utcnow() - timedelta(seconds=seconds)
    stmt = _mine(user_id).where(
        Notification.id <= last_id,
        Notification.delivered_at.is_(None),
        Notification.created_at >= since,
    )
    return _dump(db.session.scalars(stmt.order_by(Notification.id).limit(limit)))


def newest_id(user_id):
    return db.session.scalar(
        sa.select(sa.func.max(Notification.id)).where(Notification.recipient_id == user_id)
    )


def _dump(notes):
    from app.notifications.schemas import NotificationSchema

    return NotificationSchema(many=True).dump(notes)


def mark_delivered(ids):
    """A live stream wrote these to a client: stamp the first delivery (later ones keep it)."""
    if not ids:
        return 0
    result = db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(list(ids)), Notification.delivered_at.is_(None))
        .values(delivered_at=utcnow())
    )
    return result.rowcount
