"""/healthz, /readyz and the admin's ops API: what is wrong is said, not hidden."""

from datetime import timedelta

import sqlalchemy as sa
from redis import Redis

from app.database import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit, queue, redis_conn
from app.outbox import OutboxMessage


def test_healthz_answers_without_asking_anything(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.json == {"status": "ok"}


def test_readyz_reports_each_dependency_and_the_oldest_unrouted_order(client, make):
    make.work_order()
    db.session.execute(sa.update(OutboxMessage).values(created_at=utcnow() - timedelta(minutes=3)))
    db.session.commit()
    resp = client.get("/readyz")
    assert resp.status_code == 200
    checks = resp.json["checks"]
    assert checks["postgres"]["ok"] and checks["redis"]["ok"]
    assert checks["unrouted"]["count"] == 1 and checks["unrouted"]["oldest_seconds"] >= 180
    assert checks["queues"]["depths"]["default"]["queued"] == 1
    assert resp.json["status"] == "degraded"  # no worker alive, and an order waits 3 minutes
    assert "workers: none alive" in resp.json["problems"]
    assert any(p.startswith("unrouted:") for p in resp.json["problems"])
    assert client.get("/readyz?strict=1").status_code == 503


def test_readyz_with_redis_down_is_degraded_not_down(app, client):
    real = app.extensions["tapline_redis"]
    app.extensions["tapline_redis"] = Redis(port=1, socket_connect_timeout=0.2)
    try:
        resp = client.get("/readyz")
    finally:
        app.extensions["tapline_redis"] = real
    assert resp.status_code == 200 and resp.json["status"] == "degraded"
    assert not resp.json["checks"]["redis"]["ok"] and "workers" not in resp.json["checks"]


def test_readyz_is_ok_with_a_beating_worker_and_nothing_waiting(client):
    from rq import Worker

    worker = Worker([queue("default")], connection=redis_conn(), name="w1")
    worker.register_birth()
    redis_conn().set("tapline:ops:alive:w1", "1", ex=10)
    resp = client.get("/readyz?strict=1")
    assert resp.status_code == 200 and resp.json["status"] == "ok", resp.json
    assert resp.json["checks"]["workers"]["alive"] == 1


def test_ops_status_is_for_admins_and_a_failed_job_can_be_retried(client, make, run_jobs):
    order_id = make.work_order().id
    run_jobs()
    enqueue_after_commit("tests.sample_jobs.explode", order_id)
    db.session.commit()
    job_id = db.session.scalar(
        sa.select(OutboxMessage.job_id).where(OutboxMessage.job == "tests.sample_jobs.explode")
    )
    job = queue("default").fetch_job(job_id)
    job.retries_left = 0
    job.save()
    run_jobs()
    assert client.get("/api/ops/status", headers=make.headers(make.user())).status_code == 403
    admin = make.headers(make.user("admin"))
    status = client.get("/api/ops/status", headers=admin).json
    [failed] = status["failed_jobs"]
    assert failed["job"] == "tests.sample_jobs.explode" and "always fails" in failed["error"]
    assert failed["args"] == [str(order_id)] and failed["queue"] == "default"
    resp = client.post(f"/api/ops/failed/{job_id}/retry", headers=admin)
    assert resp.status_code == 200 and resp.json["status"] == "queued"
    assert queue("default").count == 1
    again = client.post(f"/api/ops/failed/{job_id}/retry", headers=admin)
    assert again.status_code == 409 and again.json["code"] == "job_not_failed"
    missing = client.post("/api/ops/failed/nope/retry", headers=admin)
    assert missing.status_code == 404


def test_the_sweep_can_be_run_from_the_ops_api(client, make):
    make.work_order()
    redis_conn().flushdb()
    db.session.execute(sa.update(OutboxMessage).values(sent_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    resp = client.post("/api/ops/reconcile", headers=make.headers(make.user("admin")))
    assert resp.status_code == 200 and resp.json["missing"] == 1
    assert resp.json["redriven"][0]["job"] == "app.dispatch.jobs.route_order"
    assert queue("default").count == 1
