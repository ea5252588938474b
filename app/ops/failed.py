"""Failed RQ jobs: listed for the admin with what failed, and put back on their queue."""

from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from app.errors import Conflict, NotFound
from app.jobs import QUEUES, queue, redis_conn

LIMIT = 50


def listing(limit=LIMIT):
    """The newest failed jobs of every queue, newest first."""
    found = []
    for name in QUEUES:
        registry = FailedJobRegistry(queue=queue(name))
        ids = registry.get_job_ids(0, limit - 1, desc=True)
        for job in Job.fetch_many(ids, connection=redis_conn()):
            if job is not None:
                found.append(describe(job, name))
    found.sort(key=lambda row: row["ended_at"] or "", reverse=True)
    return found[:limit]


def describe(job, queue_name):
    task = job.args[0] if job.args else job.func_name
    exc = (job.latest_result().exc_string if job.latest_result() else None) or ""
    return {
        "id": job.id,
        "queue": queue_name,
        "job": task,
        "args": [str(arg) for arg in job.args[1:]],
        "error": exc.strip().splitlines()[-1][:300] if exc.strip() else "",
        "ended_at": job.ended_at.isoformat() if job.ended_at else None,
        "outbox_id": job.meta.get("outbox_id"),
        "status": str(getattr(job.get_status(refresh=False), "value", "")),
    }


def retry(job_id):
    try:
        job = Job.fetch(job_id, connection=redis_conn())
    except NoSuchJobError as exc:
        raise NotFound(f"任务不存在 / no job {job_id}") from exc
    registry = FailedJobRegistry(queue=queue(job.origin))
    try:
        registry.requeue(job)
    except InvalidJobOperation as exc:
        raise Conflict(f"任务未失败 / job {job_id} has not failed", code="job_not_failed") from exc
    job.refresh()
    return describe(job, job.origin)
