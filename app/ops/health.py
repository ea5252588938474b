"""What /readyz and the ops page report: PostgreSQL, Redis, workers, queues, unrouted orders.

Each check answers on its own, within about a second, so a dead Redis shows as a finding
instead of hanging or failing the whole report.
"""

import time

import sqlalchemy as sa
from flask import current_app
from rq import Worker
from rq.registry import FailedJobRegistry, ScheduledJobRegistry, StartedJobRegistry

from app.common.times import iso
from app.database import utcnow
from app.extensions import db
from app.jobs import QUEUES, queue, redis_conn
from app.ops.reconcile import ALIVE_KEY, last_findings
from app.outbox import OutboxMessage

ROUTE_JOB = "app.dispatch.jobs.route_order"


def readiness():
    """{status, problems, checks}: 'down' without PostgreSQL, 'degraded' with any problem."""
    checks = {"postgres": _timed(_postgres)}
    checks["redis"] = _timed(_redis)
    if checks["redis"]["ok"]:
        checks["workers"] = _timed(workers_alive)
        checks["queues"] = _timed(queue_depths)
    if checks["postgres"]["ok"]:
        checks["unrouted"] = _timed(unrouted)
        checks["outbox"] = _timed(outbox_backlog)
    problems = _problems(checks)
    status = "down" if not checks["postgres"]["ok"] else "degraded" if problems else "ok"
    return {"status": status, "problems": problems, "checks": checks}


def _timed(check):
    started = time.monotonic()
    try:
        result = {"ok": True, **check()}
    except Exception as exc:  # a failed dependency is the finding itself
        db.session.rollback()
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
    result["ms"] = round((time.monotonic() - started) * 1000, 1)
    return result


def _postgres():
    db.session.execute(sa.text("SET LOCAL statement_timeout = 1000"))
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    return {}


def _redis():
    redis_conn().ping()
    return {}


def workers_alive():
    """RQ's registered workers, and which of them beat within the last seconds."""
    conn = redis_conn()
    workers = Worker.all(connection=conn)
    rows = []
    for worker in workers:
        rows.append(
            {
                "name": worker.name,
                "state": str(getattr(worker.get_state(), "value", worker.get_state())),
                "alive": bool(conn.exists(ALIVE_KEY.format(worker.name))),
                "queues": worker.queue_names(),
                "current_job": worker.get_current_job_id(),
                "last_heartbeat": iso(worker.last_heartbeat),
                "successful": worker.successful_job_count,
                "failed": worker.failed_job_count,
            }
        )
    return {"alive": sum(row["alive"] for row in rows), "workers": rows}


def queue_depths():
    depths = {}
    for name in QUEUES:
        q = queue(name)
        depths[name] = {
            "queued": q.count,
            "scheduled": ScheduledJobRegistry(queue=q).count,
            "started": StartedJobRegistry(queue=q).count,
            "failed": FailedJobRegistry(queue=q).count,
        }
    return {"depths": depths}


def unrouted():
    """Orders asked to be routed whose routing has not committed: count and oldest age."""
    count, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.job == ROUTE_JOB, OutboxMessage.done_at.is_(None)
        )
    ).one()
    age = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return {"count": count, "oldest_seconds": round(age, 1)}


def outbox_backlog():
    unsent, oldest = db.session.execute(
        sa.select(sa.func.count(), sa.func.min(OutboxMessage.created_at)).where(
            OutboxMessage.sent_at.is_(None)
        )
    ).one()
    age = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return {"unsent": unsent, "oldest_unsent_seconds": round(age, 1)}


def _problems(checks):
    config = current_app.config
    found = [f"{name}: {check['error']}" for name, check in checks.items() if not check["ok"]]
    if checks.get("workers", {}).get("ok") and not checks["workers"]["alive"]:
        found.append("workers: none alive")
    limit = config["READY_UNROUTED_SECONDS"]
    if checks.get("unrouted", {}).get("ok") and checks["unrouted"]["oldest_seconds"] > limit:
        found.append(f"unrouted: oldest order waits {checks['unrouted']['oldest_seconds']} s")
    return found


def sweep_findings():
    try:
        return last_findings()
    except Exception:
        return None
