"""Outage clocks: an interruption past 24 hours raises the emergency-water task (R8)."""

import sqlalchemy as sa

from app.auth.roles import EMERGENCY_WATER
from app.database import utcnow
from app.extensions import db
from app.outages import rules
from app.outages.models import Outage

PERIODIC = [("app.outages.jobs.watch", "default", "OUTAGE_WATCH_SECONDS")]


def watch():
    """Every announced outage dry for more than 24 h gets its task, once."""
    from app.auth.models import User
    from app.notifications.services import notify

    now = utcnow()
    due = db.session.scalars(
        sa.select(Outage)
        .where(
            Outage.status == "announced",
            Outage.emergency_water_at.is_(None),
            Outage.start_at < now - rules.EMERGENCY_WATER_AFTER,
        )
        .with_for_update(skip_locked=True)
    ).all()
    staff = db.session.scalars(
        sa.select(User.id).where(
            sa.or_(*(User.holding(role) for role in EMERGENCY_WATER)), User.active.is_(True)
        )
    ).all()
    for outage in due:
        outage.emergency_water_at = now
        outage.history = [
            *outage.history,
            {"what": "emergency_water", "by": "system", "at": now.isoformat()},
        ]
        notify(
            staff,
            "emergency_water_supply",
            {
                "outage_id": outage.id,
                "area": outage.area_name,
                "since": outage.start_at.isoformat(),
            },
            dedupe_key=f"emergency_water:{outage.id}",
        )
    return len(due)


def notify_chunk(outage_id, kind, revision, first, last):
    """One chunk of an outage's customers: their messages written (once per number) and
    committed with this job; then one send job each (app.messaging.jobs.send_each)."""
    from app.messaging.jobs import send_each
    from app.outages.services import chunk_messages

    outage = db.session.get(Outage, outage_id)
    return send_each(chunk_messages(outage, kind, revision, first, last))
