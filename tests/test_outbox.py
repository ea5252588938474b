"""The outbox: a job request commits with its change and survives a Redis outage."""

import sqlalchemy as sa
from redis import Redis

from app.extensions import db
from app.jobs import enqueue_after_commit, queue, relay_outbox
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrderEvent
from tests.sample_jobs import PING


def pings(order_id):
    return db.session.scalar(
        sa.select(sa.func.count(WorkOrderEvent.id)).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == PING
        )
    )


def test_job_runs_once_on_a_real_worker_after_commit(make, run_jobs):
    order_id = make.work_order().id
    enqueue_after_commit("tests.sample_jobs.ping", order_id)
    db.session.commit()  # the commit hook relays at once
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
        )
        == 0
    )
    assert relay_outbox() == 0  # nothing left: never sent twice
    run_jobs()
    assert pings(order_id) == 1


def test_rollback_sends_nothing(make, run_jobs):
    order_id = make.work_order().id
    enqueue_after_commit("tests.sample_jobs.ping", order_id)
    db.session.rollback()
    assert relay_outbox() == 0
    run_jobs()
    assert pings(order_id) == 0


def test_redis_outage_delays_the_job_and_loses_nothing(app, client, make, run_jobs):
    agent = make.user("hotline_agent")
    real = app.extensions["tapline_redis"]
    app.extensions["tapline_redis"] = Redis(port=1, socket_connect_timeout=0.2)
    try:
        resp = client.post(
            "/api/workorders",
            headers=make.headers(agent),
            json={
                "type": "emergency_repair",
                "channel": "repair_line",
                "caller_name": "孙",
                "caller_phone": "13800000003",
                "address": "海阳市东村街道",
            },
        )
        assert resp.status_code == 201
        row = db.session.scalars(sa.select(OutboxMessage)).one()
        assert row.sent_at is None and row.attempts == 1 and row.last_error
    finally:
        app.extensions["tapline_redis"] = real
    assert relay_outbox() == 1
    db.session.expire_all()
    row = db.session.scalars(sa.select(OutboxMessage)).one()
    assert row.sent_at is not None and row.queue == "emergency"
    assert row.job == "app.dispatch.jobs.route_order" and row.args == [resp.json["id"]]
    job_id = f"outbox-{row.id}"
    run_jobs()
    job = queue("emergency").fetch_job(job_id)
    assert job.get_status() == "finished"


def test_a_savepoint_inside_the_transaction_does_not_lose_the_relay(make, run_jobs):
    order_id = make.work_order().id
    with db.session.begin_nested():
        enqueue_after_commit("tests.sample_jobs.ping", order_id)
    with db.session.begin_nested():
        pass  # a later savepoint, released before the real commit
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.sent_at.is_(None))
        )
        == 0
    )
    run_jobs()
    assert pings(order_id) == 1
