"""The worker and the clock outlive a Redis outage: they wait, say so, and carry on."""

import subprocess
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from redis import Redis
from rq import Queue
from rq.job import Job

from app.database import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit, redis_conn, run
from app.ops import reconcile
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrderEvent
from tests.ops.processes import PrivateRedis, start_python, stop, wait_until
from tests.sample_jobs import PING


def pinged(order_id):
    db.session.rollback()  # see what the worker committed
    return db.session.scalar(
        sa.select(sa.func.count(WorkOrderEvent.id)).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == PING
        )
    )


def test_worker_and_clock_wait_for_redis_and_resume_by_themselves(app, make, tmp_path):
    order_id = make.work_order().id
    redis = PrivateRedis(tmp_path)
    redis.start()
    env = {"REDIS_URL": redis.url, "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]}
    worker = start_python(["worker.py"], env, tmp_path / "worker.log")
    clock = start_python(["worker.py", "clock"], env, tmp_path / "clock.log")
    conn = Redis.from_url(redis.url)
    try:
        wait_until(lambda: conn.keys("tapline:ops:alive:*"), 120, "the worker's first beat")
        redis.kill()
        wait_until(
            lambda: "waiting for Redis" in (tmp_path / "clock.log").read_text(),
            60,
            "the clock to report it waits for Redis",
        )
        assert worker.poll() is None and clock.poll() is None  # neither died with Redis
        redis.start()  # empty, as after a restart without persistence
        Queue("default", connection=conn).enqueue(run, "tests.sample_jobs.ping", order_id)
        wait_until(lambda: pinged(order_id) == 1, 120, "the worker to run a job again")
        # The clock's own word that it resumed (the ping's job key alone would satisfy a check
        # on rq:job:* at once, before a backed-off clock has looked again).
        wait_until(
            lambda: "Redis is back" in (tmp_path / "clock.log").read_text(),
            60,
            "the clock to report Redis is back",
        )
        wait_until(
            lambda: (
                conn.exists("rq:cron_job:app.ops.jobs.reconcile_outbox") or conn.keys("rq:job:*")
            ),
            60,
            "the clock to enqueue its periodic jobs again",
        )
        assert worker.poll() is None and clock.poll() is None
    finally:
        codes = stop(worker), stop(clock)
        redis.kill()
    assert codes == (0, 0), (tmp_path / "worker.log").read_text()[-3000:]


def test_a_job_whose_worker_is_killed_mid_run_is_redriven_by_the_sweep(
    app, make, tmp_path, run_jobs
):
    order_id = make.work_order().id
    env = {
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    worker = start_python(["worker.py"], env, tmp_path / "worker.log")
    try:
        wait_until(lambda: redis_conn().keys("tapline:ops:alive:*"), 120, "the worker to beat")
        enqueue_after_commit("tests.sample_jobs.slow_ping", order_id)
        db.session.commit()
        row = db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.job == "tests.sample_jobs.slow_ping")
        ).one()
        row_id = row.id
        job = Job.fetch(row.job_id, connection=redis_conn())
        wait_until(lambda: job.get_status() == "started", 60, "the worker to start the job")
    finally:
        worker.kill()  # kill -9, mid-job
        worker.wait(5)
        worker.log_file.close()
    wait_until(lambda: not redis_conn().keys("tapline:ops:alive:*"), 20, "its beat to expire")
    findings = reconcile.sweep(now=utcnow() + timedelta(seconds=30))
    db.session.commit()
    assert findings["abandoned"] == 1
    run_jobs()
    assert pinged(order_id) == 1
    row = db.session.get(OutboxMessage, row_id)
    assert row.done_at is not None and row.redriven == 1


def test_a_worker_killed_9_leaves_no_scheduler_process_behind(app, tmp_path):
    env = {
        "REDIS_URL": app.config["REDIS_URL"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
    }
    worker = start_python(["worker.py"], env, tmp_path / "worker.log")
    try:
        children = lambda: subprocess.run(  # noqa: E731
            ["pgrep", "-P", str(worker.pid)], capture_output=True, text=True
        ).stdout.split()
        wait_until(children, 120, "the worker to fork RQ's scheduler")
        [scheduler] = children()
    finally:
        worker.kill()
        worker.wait(5)
        worker.log_file.close()
    wait_until(lambda: not Path(f"/proc/{scheduler}").exists(), 20, "the scheduler to go too")
