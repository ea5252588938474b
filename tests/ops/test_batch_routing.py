"""One routing job routes the orders waiting behind it; their own jobs then change nothing."""

import sqlalchemy as sa
from rq import SimpleWorker

from app.extensions import db
from app.jobs import QUEUES, queue, redis_conn
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrderEvent


def waiting_events():
    return db.session.scalars(
        sa.select(WorkOrderEvent.work_order_id).where(WorkOrderEvent.kind == "awaiting_dispatcher")
    ).all()


def test_the_first_job_routes_the_batch_and_the_rest_are_skipped(make, run_jobs):
    make.zone()
    ids = [make.work_order().id for _ in range(5)]
    assert queue("default").count == 5
    worker = SimpleWorker([queue(name) for name in QUEUES], connection=redis_conn())
    worker.work(burst=True, max_jobs=1)
    db.session.remove()
    assert sorted(waiting_events()) == ids  # all five routed by one job
    assert db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.done_at.is_(None))) == 0
    assert queue("default").count == 4
    run_jobs()  # their own jobs find their promise kept
    assert sorted(waiting_events()) == ids


def test_emergencies_are_not_held_up_by_a_batch(make, run_jobs, monkeypatch):
    from app.dispatch import jobs

    calls = []
    monkeypatch.setattr(jobs, "route_waiting", lambda **kw: calls.append(kw))
    make.zone()
    make.work_order(type="emergency_repair")
    run_jobs()
    assert calls == []
