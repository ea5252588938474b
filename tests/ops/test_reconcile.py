"""The reconciliation sweep: a promise whose job was lost is re-driven from PostgreSQL."""

import threading
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from redis import Redis
from rq.job import Job, JobStatus
from rq.registry import ScheduledJobRegistry

from app.database import utcnow
from app.dispatch import suggestions
from app.dispatch.models import AssignmentOffer
from app.extensions import db
from app.jobs import enqueue_after_commit, queue, redis_conn, relay_outbox, run
from app.ops import reconcile
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrder
from tests.dispatch.kit import NEAR, events_of


@pytest.fixture
def crew(make, monkeypatch):
    """A zone with one on-call emergency technician, in the evening."""
    monkeypatch.setattr(suggestions, "office_now", lambda now: False)
    zone = make.zone()
    return make.technician(team=zone.team, skills=("emergency",), at=NEAR, on_call=True).id


def later(seconds=10):
    return utcnow() + timedelta(seconds=seconds)


def route_row(order_id):
    return db.session.scalars(
        sa.select(OutboxMessage).where(
            OutboxMessage.job == "app.dispatch.jobs.route_order",
            OutboxMessage.args == [order_id],
        )
    ).one()


def sweep(seconds=10):
    findings = reconcile.sweep(now=later(seconds))
    db.session.commit()
    return findings


def test_an_emergency_whose_job_vanished_with_redis_is_routed_by_the_sweep(make, crew, run_jobs):
    order_id = make.work_order(type="emergency_repair").id
    assert route_row(order_id).sent_at is not None
    redis_conn().flushdb()  # Redis restarted without its data: the queue is empty
    run_jobs()
    assert db.session.get(WorkOrder, order_id).status == "new"

    findings = sweep()
    assert findings["missing"] == 1 and findings["redriven"][0]["why"] == "missing"
    run_jobs()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "assigned" and order.technician_id == crew
    row = route_row(order_id)
    assert row.done_at is not None and row.redriven == 1 and row.job_id.endswith("-r1")
    again = sweep()  # routing is done; only the new acceptance timer is open, and waiting
    assert again["checked"] == again["waiting"] == 1 and again["redriven"] == []


def test_a_job_still_queued_is_left_alone_and_a_duplicate_changes_nothing(make, crew, run_jobs):
    order_id = make.work_order(type="emergency_repair").id
    findings = sweep()
    assert findings["waiting"] == 1 and findings["redriven"] == []
    # The same promise delivered twice (a relay repeated after a lost commit): one decision.
    row = route_row(order_id)
    queue("emergency").enqueue(run, row.job, *row.args, meta={"outbox_id": row.id})
    run_jobs()
    assert len(events_of(order_id, "assign")) == 1
    assert len(db.session.scalars(sa.select(AssignmentOffer)).all()) == 1


def test_a_job_abandoned_by_a_killed_worker_is_redriven(make, crew, run_jobs):
    order_id = make.work_order(type="emergency_repair").id
    row = route_row(order_id)
    job = Job.fetch(row.job_id, connection=redis_conn())
    queue("emergency").remove(job)  # a worker took it ...
    job.set_status(JobStatus.STARTED)
    job.started_at, job.worker_name = utcnow(), "killed-worker"  # ... and died (kill -9)
    job.save()
    assert sweep(seconds=5)["waiting"] == 1  # too recent to call abandoned
    findings = sweep(seconds=30)
    assert findings["abandoned"] == 1
    run_jobs()
    assert db.session.get(WorkOrder, order_id).status == "assigned"


def test_a_job_on_a_live_worker_is_not_abandoned(make, crew):
    order_id = make.work_order(type="emergency_repair").id
    job = Job.fetch(route_row(order_id).job_id, connection=redis_conn())
    job.set_status(JobStatus.STARTED)
    job.started_at, job.worker_name = utcnow(), "busy-worker"
    job.save()
    redis_conn().set(reconcile.ALIVE_KEY.format("busy-worker"), "1", ex=30)
    assert sweep(seconds=60)["waiting"] == 1


def test_a_lost_timer_is_redriven_with_what_is_left_of_its_delay(make, crew, run_jobs):
    order_id = make.work_order(type="emergency_repair").id
    run_jobs()
    assert db.session.get(WorkOrder, order_id).status == "assigned"
    redis_conn().flushdb()  # the acceptance timer, five minutes away, is gone
    findings = sweep()
    assert [item["job"] for item in findings["redriven"]] == ["app.dispatch.jobs.check_acceptance"]
    registry = ScheduledJobRegistry(queue=queue("emergency"))
    [job_id] = registry.get_job_ids()
    assert (
        timedelta(minutes=4)
        < registry.get_scheduled_time(job_id) - utcnow()
        <= timedelta(minutes=5)
    )


def test_a_failed_job_stays_failed_and_is_counted_not_rerun(make, run_jobs):
    order_id = make.work_order().id
    enqueue_after_commit("tests.sample_jobs.explode", order_id)
    db.session.commit()
    job = Job.fetch(
        db.session.scalar(
            sa.select(OutboxMessage.job_id).where(OutboxMessage.job == "tests.sample_jobs.explode")
        ),
        connection=redis_conn(),
    )
    job.retries_left = 0
    job.save()
    run_jobs()
    assert job.get_status() == "failed"
    findings = sweep()
    assert findings["failed"] == 1 and findings["redriven"] == []


def test_the_sweep_runs_as_a_periodic_job_and_stores_its_findings(make, crew, run_jobs):
    make.work_order(type="emergency_repair")
    redis_conn().flushdb()
    db.session.execute(sa.update(OutboxMessage).values(sent_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    queue("emergency").enqueue(run, "app.ops.jobs.reconcile_outbox")
    run_jobs()
    assert reconcile.last_findings()["missing"] == 1
    assert db.session.scalars(sa.select(WorkOrder)).one().status == "assigned"


def test_attempts_count_real_relay_tries_only(app, make):
    order_id = make.work_order().id
    real = app.extensions["tapline_redis"]
    app.extensions["tapline_redis"] = Redis(port=1, socket_connect_timeout=0.2)
    try:
        for _ in range(5):  # five commits while Redis is down
            enqueue_after_commit("tests.sample_jobs.ping", order_id)
            db.session.commit()
    finally:
        app.extensions["tapline_redis"] = real
    rows = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.job == "tests.sample_jobs.ping")
        .order_by(OutboxMessage.id)
    ).all()
    assert [row.attempts for row in rows] == [1, 0, 0, 0, 0]  # one real try, then paused
    assert relay_outbox() == 5
    db.session.expire_all()
    assert {row.attempts for row in rows} == {1, 2} and all(row.sent_at for row in rows)


def test_a_job_started_before_its_relay_committed_waits_for_the_relay(make, crew, run_jobs):
    """The relay holds its rows from the enqueue to its commit, and a fast worker starts the
    job in between: the job waits for that commit instead of stepping aside as if a batch
    held the row (which left an emergency to the sweep, ~10 s late)."""
    order_id = make.work_order(type="emergency_repair").id
    row_id = route_row(order_id).id
    outbox = OutboxMessage.__table__
    mine = outbox.c.id == row_id
    db.session.execute(sa.update(outbox).where(mine).values(sent_at=None))
    db.session.commit()  # as committed before the relay: not sent yet
    relay = db.engine.connect()
    relay.execute(sa.select(outbox.c.id).where(mine).with_for_update())  # the relay's lock

    def relay_commits():
        time.sleep(0.5)
        relay.execute(sa.update(outbox).where(mine).values(sent_at=utcnow()))
        relay.commit()
        relay.close()

    committing = threading.Thread(target=relay_commits)
    committing.start()
    run_jobs()
    committing.join()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "assigned" and order.technician_id == crew
    assert route_row(order_id).done_at is not None


def test_a_job_whose_row_a_batch_holds_steps_aside_at_once(make, crew, run_jobs):
    """Held by another job after the relay's commit: a batch keeps the promise, so the job
    returns at once (waiting would idle the worker) and leaves the row open."""
    order_id = make.work_order(type="emergency_repair").id
    outbox = OutboxMessage.__table__
    mine = outbox.c.id == route_row(order_id).id
    with db.engine.connect() as batch:
        batch.execute(sa.select(outbox.c.id).where(mine).with_for_update())
        started = time.monotonic()
        run_jobs()
        assert time.monotonic() - started < 2
        batch.rollback()
    assert db.session.get(WorkOrder, order_id).status == "new"
    assert route_row(order_id).done_at is None
