"""The RQ worker and the clock: long-running processes that outlive Redis and PostgreSQL.

python worker.py          work the queues (emergency first) and run delayed jobs when due
python worker.py clock    enqueue the periodic jobs (SLA watch, outbox relay, the sweep, ...)

Both wait for Redis with backoff when it is gone, say so in the log, and carry on by
themselves when it is back; neither ever exits because Redis blinked. A worker also beats
a short-lived key (app.ops.reconcile.ALIVE_KEY) so that a job it held when it was killed is
seen as abandoned within seconds, not RQ's minutes.
"""

import ctypes
import importlib
import logging
import os
import signal
import sys
import threading
import time

import redis
from flask import current_app
from rq import SimpleWorker
from rq.cron import CronScheduler
from rq.exceptions import StopRequested

from app import DOMAIN_MODULES, create_app
from app.jobs import JOB_TIMEOUTS, QUEUES, queue, redis_conn, run
from app.ops.reconcile import ALIVE_KEY

log = logging.getLogger("tapline.worker")
REDIS_DOWN = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)
BACKOFF_MAX = 10.0
ALIVE_EVERY = 3  # seconds between beats; the key lives ALIVE_TTL
ALIVE_TTL = 10
PR_SET_PDEATHSIG = 1
_stopping = threading.Event()


def periodic_jobs(config=None):
    """(job path, queue, seconds) from every area's jobs.PERIODIC.

    An area names its interval by the setting that holds it (app/config.py), so the clock
    reads the app's configuration when it starts, not the Config class at import time.
    """
    found = []
    for name in DOMAIN_MODULES:
        try:
            module = importlib.import_module(f"app.{name}.jobs")
        except ModuleNotFoundError:
            continue
        found.extend(getattr(module, "PERIODIC", ()))
    config = current_app.config if config is None else config
    return [(path, queue_name, config[setting]) for path, queue_name, setting in found]


def wait_for_redis(conn, who):
    """Block until Redis answers, backing off to BACKOFF_MAX s, logging what we wait for."""
    delay, since, failed = 0.5, time.monotonic(), False
    while not _stopping.is_set():
        try:
            conn.ping()
        except REDIS_DOWN as exc:
            failed = True
            log.warning("%s: waiting for Redis (%s); next try in %.1f s", who, exc, delay)
            _stopping.wait(delay)
            delay = min(delay * 2, BACKOFF_MAX)
            continue
        if failed:
            waited = time.monotonic() - since
            log.warning("%s: Redis is back after %.1f s; resuming", who, waited)
        return True
    return False


def _beat(conn, name):
    """The liveness key of one worker, refreshed from a thread even while a job runs."""
    while not _stopping.wait(ALIVE_EVERY):
        try:
            conn.set(ALIVE_KEY.format(name), "1", ex=ALIVE_TTL)
        except Exception:  # Redis down: the worker's own loop reports and waits
            pass


class Worker(SimpleWorker):
    """RQ's SimpleWorker that tells our reconnect loop a stop was asked for, not a failure."""

    def request_stop(self, signum, frame):
        _stopping.set()
        super().request_stop(signum, frame)


def _die_with_parent():
    """In a forked child (RQ's scheduler): get SIGTERM when the worker dies, even by kill -9.

    Without it a killed worker left its scheduler process behind, orphaned and holding the
    scheduler lock (found by bench/faults.py). Linux only; elsewhere a no-op.
    """
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (AttributeError, OSError):
        pass


def work(app):
    """Run a SimpleWorker; when it stops because of Redis, wait and start a fresh one."""
    os.register_at_fork(after_in_child=_die_with_parent)
    conn = redis_conn(app)
    while _install_stop_handlers() and wait_for_redis(conn, "worker"):
        # SimpleWorker runs jobs in this process: no fork per job, so an emergency starts at
        # once; app.jobs.run gives every job its own session and commit. The short worker TTL
        # makes RQ notice a dead worker and clean abandoned jobs (retried, else failed) soon.
        worker = Worker(
            [queue(name, app) for name in QUEUES],
            connection=conn,
            worker_ttl=60,
            maintenance_interval=30,
        )
        worker.max_connection_wait_time = BACKOFF_MAX
        conn.set(ALIVE_KEY.format(worker.name), "1", ex=ALIVE_TTL)
        threading.Thread(target=_beat, args=(conn, worker.name), daemon=True).start()
        try:
            worker.work(with_scheduler=True)
        except REDIS_DOWN as exc:
            log.warning("worker %s lost Redis: %s", worker.name, exc)
        if worker._stop_requested or _stopping.is_set():
            break
        log.warning("worker %s stopped on its own; starting a fresh one", worker.name)
        _stopping.wait(1)
    _stopping.set()


class Clock(CronScheduler):
    """rq.cron's scheduler that tells our reconnect loop a stop was asked for."""

    def _request_stop(self, signum, frame):
        _stopping.set()
        super()._request_stop(signum, frame)


def clock(app):
    """rq.cron's scheduler, restarted after a Redis outage instead of dying with it."""
    conn = redis_conn(app)
    while _install_stop_handlers() and wait_for_redis(conn, "clock"):
        scheduler = Clock(connection=conn)
        for job_path, queue_name, seconds in periodic_jobs(app.config):
            scheduler.register(
                run,
                queue_name,
                args=(job_path,),
                interval=seconds,
                name=job_path,
                job_timeout=JOB_TIMEOUTS.get(queue_name, 180),
            )
        try:
            scheduler.start()  # returns on SIGTERM/SIGINT (StopRequested)
            break
        except REDIS_DOWN as exc:
            log.warning("clock lost Redis: %s", exc)
            _stopping.wait(1)
    _stopping.set()


def _install_stop_handlers():
    """While we wait for Redis; RQ's worker and scheduler install their own when they start."""
    signal.signal(signal.SIGTERM, _stop_waiting)
    signal.signal(signal.SIGINT, _stop_waiting)
    return True


def _stop_waiting(signum, frame):
    _stopping.set()
    raise StopRequested


def main(argv):
    app = create_app()
    logging.getLogger().setLevel(logging.INFO)
    with app.app_context():
        try:
            clock(app) if argv[1:] == ["clock"] else work(app)
        except StopRequested:
            log.info("stopped on request")


if __name__ == "__main__":
    main(sys.argv)
