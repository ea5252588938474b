"""Reading and marking a user's own notifications."""

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


def unread_after(user_id, last_id, limit=200):
    """Unread notifications newer than `last_id`, oldest first: the replay on (re)connect."""
    stmt = _mine(user_id).where(Notification.read_at.is_(None))
    if last_id is not None:
        stmt = stmt.where(Notification.id > last_id)
    return db.session.scalars(stmt.order_by(Notification.id.desc()).limit(limit)).all()[::-1]


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
