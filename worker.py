"""The RQ worker: queues in priority order (emergency first), with RQ's scheduler.

python worker.py          work the queues (and run delayed jobs when they fall due)
python worker.py clock    enqueue the periodic jobs (SLA watch, outbox relay, ...)
"""

import importlib
import sys

from rq import SimpleWorker
from rq.cron import CronScheduler

from app import DOMAIN_MODULES, create_app
from app.jobs import QUEUES, queue, redis_conn, run


def periodic_jobs():
    """(job path, queue, seconds) from every area's jobs.PERIODIC, plus the outbox relay."""
    found = [("app.jobs.relay_outbox", "default", 15)]
    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(f"app.{name}.jobs")
        except ModuleNotFoundError:
            continue
        found.extend(getattr(module, "PERIODIC", ()))
    return found


def work(app):
    # SimpleWorker runs jobs in this process: no fork per job, so an emergency starts at once;
    # app.jobs.run gives every job its own session and commit.
    worker = SimpleWorker([queue(name, app) for name in QUEUES], connection=redis_conn(app))
    worker.work(with_scheduler=True)


def clock(app):
    scheduler = CronScheduler(connection=redis_conn(app))
    for job_path, queue_name, seconds in periodic_jobs():
        scheduler.register(run, queue_name, args=(job_path,), interval=seconds, name=job_path)
    scheduler.start()


def main(argv):
    app = create_app()
    with app.app_context():
        if argv[1:] == ["clock"]:
            clock(app)
        else:
            work(app)


if __name__ == "__main__":
    main(sys.argv)
