from datetime import timedelta

import sqlalchemy as sa

from app.common.models import IdempotencyKey
from app.database import utcnow
from app.extensions import db
from app.jobs import queue, run


def test_old_finished_keys_are_purged_by_the_worker(make, run_jobs):
    user = make.user("technician")
    for key, status, age in (
        ("old", "done", 40),
        ("recent", "done", 3),
        ("stuck", "in_progress", 40),
    ):
        db.session.add(
            IdempotencyKey(
                user_id=user.id,
                key=key,
                method="POST",
                path="/x",
                body_sha256="0" * 64,
                status=status,
                created_at=utcnow() - timedelta(days=age),
            )
        )
    db.session.commit()
    queue("low").enqueue(run, "app.visits.jobs.purge_idempotency_keys")
    run_jobs()
    left = set(db.session.scalars(sa.select(IdempotencyKey.key)))
    assert left == {"recent", "stuck"}
