"""Periodic upkeep for the phone's records."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.common.models import IdempotencyKey
from app.database import utcnow
from app.extensions import db

PERIODIC = [("app.visits.jobs.purge_idempotency_keys", "low", "IDEMPOTENCY_PURGE_SECONDS")]


def purge_idempotency_keys():
    """Forget finished keys after IDEMPOTENCY_KEEP_DAYS (30): far longer than a phone stays
    offline, so a replay is always recognised; a finished key's effects are in the events."""
    days = current_app.config["IDEMPOTENCY_KEEP_DAYS"]
    cutoff = utcnow() - timedelta(days=days)
    result = db.session.execute(
        sa.delete(IdempotencyKey).where(
            IdempotencyKey.status == "done", IdempotencyKey.created_at < cutoff
        )
    )
    return result.rowcount
