"""Fault runs against a running `make run` stack: nothing is lost, nothing duplicated.

    make run PORT=8020 PGPORT=54320 REDIS_PORT=63720 WORKERS=4     # in one terminal
    .venv/bin/python -m bench.faults --port 8020 --pgport 54320 --redis-port 63720 \
        [--scenarios steady,redis,worker,postgres,web,throughput] [--rate 10]

Loopback only, every loop bounded in time. Orders are created over HTTP by hotline agent
`agent01` (demo data) at --rate per second from a few threads, each with its own
Idempotency-Key and retried with it, as the desk does. Per scenario it prints requests,
5xx/connection failures, orders acknowledged, orders lost (acknowledged but missing, or
never routed), orders duplicated (two orders for one key), the time from the end of the
fault until every order is routed, and created-to-routed delays (from the outbox rows:
done_at - created_at). Scenarios:

  steady      no fault: created-to-routed p50/p95 at --rate (use --rate 30 for the peak)
  redis       kill -9 Redis, keep creating orders for --redis-down seconds (60), restart it
  worker      kill -9 a worker while it runs jobs (supervisord restarts it)
  postgres    restart PostgreSQL (pg_ctl restart -m fast) under load
  web         kill -9 a gunicorn worker process under load
  throughput  stop all workers, build a backlog of --backlog orders, start 1, 2, 4 workers
              and time how fast each drains it (needs make run WORKERS=4)
"""

import argparse
import os
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
CENTRE = (121.16, 36.77)


class Stack:
    def __init__(self, args):
        self.base = f"http://127.0.0.1:{args.port}"
        self.engine = sa.create_engine(
            f"postgresql+psycopg://postgres@127.0.0.1:{args.pgport}/tapline",
            pool_pre_ping=True,
        )
        self.redis_port = args.redis_port
        self.conf = ROOT / "var/supervisor/supervisord.conf"
        self.token = self.login()

    def login(self):
        resp = requests.post(
            f"{self.base}/api/auth/login",
            json={"username": "agent01", "password": "demo1234"},
            timeout=10,
        )
        resp.raise_for_status()
        return resp.json()["access_token"]

    def ctl(self, *words):
        out = subprocess.run(
            [str(ROOT / ".venv/bin/supervisorctl"), "-c", str(self.conf), *words],
            capture_output=True,
            text=True,
            timeout=60,
        )
        return out.stdout

    def pids(self, prefix):
        found = []
        for line in self.ctl("status").splitlines():
            parts = line.split()
            if parts and parts[0].startswith(prefix) and "pid" in parts:
                found.append(int(parts[parts.index("pid") + 1].rstrip(",")))
        return found

    def ready(self):
        try:
            return requests.get(f"{self.base}/readyz", timeout=3).json()
        except Exception:
            return None


class Load:
    """--rate orders/s over HTTP from a few threads, each retried with its key until done."""

    def __init__(self, stack, tag, rate, threads=4):
        self.stack, self.tag, self.rate, self.threads = stack, tag, rate, threads
        self.requests = self.failures = 0
        self.acked = {}  # key -> order id
        self.keys = []
        self.lock = threading.Lock()
        self.stop_at = None
        self._stop = threading.Event()

    def start(self):
        self.workers = [
            threading.Thread(target=self._run, args=(i,), daemon=True) for i in range(self.threads)
        ]
        for t in self.workers:
            t.start()

    def stop(self, settle=60):
        self._stop.set()
        for t in self.workers:
            t.join(settle)

    def _run(self, i):
        interval = self.threads / self.rate
        n = 0
        next_at = time.monotonic() + i * interval / self.threads
        while not self._stop.is_set():
            time.sleep(max(0, next_at - time.monotonic()))
            next_at += interval
            n += 1
            self._create(f"{self.tag}-{i}-{n}")

    def _create(self, key):
        with self.lock:
            self.keys.append(key)
        lon, lat = CENTRE[0] + (hash(key) % 200 - 100) / 10000, CENTRE[1]
        body = {
            "type": "general_repair",
            "channel": "hotline",
            "caller_name": "压测",
            "caller_phone": "13800000000",
            "address": "海阳市方圆街道",
            "description": f"bench {key}",
            "location": {"lon": lon, "lat": lat},
        }
        deadline = time.monotonic() + 120  # the desk gives up after a while; so do we
        while time.monotonic() < deadline:
            with self.lock:
                self.requests += 1
            try:
                resp = requests.post(
                    f"{self.stack.base}/api/workorders",
                    json=body,
                    headers={
                        "Authorization": f"Bearer {self.stack.token}",
                        "Idempotency-Key": key,
                    },
                    timeout=15,
                )
                if resp.status_code == 201:
                    with self.lock:
                        self.acked[key] = resp.json()["id"]
                    return
                if resp.status_code == 401:
                    self.stack.token = self.stack.login()
                    continue
                if resp.status_code < 500 and resp.status_code != 409:
                    print(f"  refused {resp.status_code}: {resp.text[:200]}")
                    return
            except Exception:
                pass
            with self.lock:
                self.failures += 1
            time.sleep(1)


def orders_of(stack, tag):
    """(order id, description, created_at, routed_at) of this run's orders."""
    with stack.engine.connect() as conn:
        return conn.execute(
            sa.text(
                """
                SELECT w.id, w.description, m.created_at, m.done_at
                FROM work_orders w
                LEFT JOIN outbox_messages m
                  ON m.job = 'app.dispatch.jobs.route_order' AND (m.args ->> 0)::int = w.id
                WHERE w.description LIKE :pattern
                """
            ),
            {"pattern": f"bench {tag}-%"},
        ).all()


def wait_routed(stack, tag, bound):
    """Seconds until every order of the run is routed (None when the bound passed)."""
    started = time.monotonic()
    while time.monotonic() - started < bound:
        try:
            rows = orders_of(stack, tag)
            if rows and all(row.done_at is not None for row in rows):
                return time.monotonic() - started
        except Exception:
            pass
        time.sleep(1)
    return None


def report(stack, load, name, recovery):
    rows = orders_of(stack, load.tag)
    by_key = {}
    for row in rows:
        by_key.setdefault(row.description.removeprefix("bench "), []).append(row)
    lost = [k for k, oid in load.acked.items() if k not in by_key]
    unrouted = [row.id for row in rows if row.done_at is None]
    dupes = sum(len(found) - 1 for found in by_key.values() if len(found) > 1)
    delays = sorted((r.done_at - r.created_at).total_seconds() for r in rows if r.done_at)
    p = (lambda q: delays[min(len(delays) - 1, int(q * len(delays)))]) if delays else None
    line = {
        "scenario": name,
        "requests": load.requests,
        "5xx/conn": load.failures,
        "acked": len(load.acked),
        "in db": len(rows),
        "lost": len(lost) + len(unrouted),
        "duplicated": dupes,
        "recovery s": None if recovery is None else round(recovery, 1),
        "routed p50 s": round(p(0.5), 2) if p else None,
        "p95 s": round(p(0.95), 2) if p else None,
        "max s": round(delays[-1], 2) if delays else None,
    }
    print("  " + "  ".join(f"{k}={v}" for k, v in line.items()), flush=True)
    return line


def redis_pid(stack):
    return int((ROOT / "var/redis/redis.pid").read_text().strip())


def start_redis(stack):
    """The same command line as scripts/services.sh start_redis (AOF on)."""
    d = ROOT / "var/redis"
    subprocess.run(
        ["redis-server", "--port", str(stack.redis_port), "--bind", "127.0.0.1", "--dir", str(d),
         "--daemonize", "yes", "--pidfile", str(d / "redis.pid"), "--logfile",
         str(d / "redis.log"), "--save", "", "--appendonly", "yes", "--appendfsync", "everysec"],
        check=True,
    )  # fmt: skip


def pg_data():
    for area in (ROOT / "var/pg",):
        if (area / "data/PG_VERSION").exists():
            return area / "data"
    raise SystemExit("no PostgreSQL data under var/pg (run make run first)")


def scenario(stack, args, name):
    tag = f"{name}-{uuid.uuid4().hex[:6]}"
    print(f"\n== {name}", flush=True)
    if name == "throughput":
        return throughput(stack, args, tag)
    load = Load(stack, tag, args.rate, threads=max(4, int(args.rate)))
    load.start()
    time.sleep(args.before)
    fault_ended = time.monotonic()
    if name == "redis":
        os.kill(redis_pid(stack), signal.SIGKILL)
        print(f"  Redis killed; down for {args.redis_down} s", flush=True)
        time.sleep(args.redis_down)
        start_redis(stack)
        fault_ended = time.monotonic()
    elif name == "worker":
        victim = stack.pids("worker")[0]
        os.kill(victim, signal.SIGKILL)
        print(f"  worker pid {victim} killed -9", flush=True)
        fault_ended = time.monotonic()
    elif name == "postgres":
        data = pg_data()
        pg_ctl = "/usr/lib/postgresql/15/bin/pg_ctl"
        log = str(data.parent / "postgresql.log")
        subprocess.run(
            ["runuser", "-u", "postgres", "--", pg_ctl, "restart", "-D", str(data), "-m", "fast",
             "-w", "-l", log],
            check=True, capture_output=True, cwd="/",
        )  # fmt: skip
        print("  PostgreSQL restarted", flush=True)
        fault_ended = time.monotonic()
    elif name == "web":
        master = stack.pids("web")[0]
        children = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True
        ).stdout.split()
        os.kill(int(children[0]), signal.SIGKILL)
        print(f"  gunicorn worker {children[0]} killed -9", flush=True)
        fault_ended = time.monotonic()
    time.sleep(args.after)
    load.stop()
    waited = wait_routed(stack, tag, args.bound)
    recovery = None if waited is None else time.monotonic() - fault_ended
    return report(stack, load, name, recovery)


def throughput(stack, args, tag):
    """Drain the same backlog with 1, 2 and 4 workers; orders routed per second each."""
    results = []
    for n in (1, 2, 4):
        stack.ctl("stop", "worker:*")
        load = Load(stack, f"{tag}-{n}", args.rate * 3, threads=max(4, int(args.rate * 3)))
        load.start()
        while len(load.acked) < args.backlog:
            time.sleep(0.5)
        load.stop()
        started = time.monotonic()
        stack.ctl("start", *[f"worker:worker_{i:02d}" for i in range(n)])
        waited = wait_routed(stack, f"{tag}-{n}", args.bound)
        drained = None if waited is None else time.monotonic() - started
        rows = orders_of(stack, f"{tag}-{n}")
        rate = None if drained is None else round(len(rows) / drained, 1)
        # The workers' start-up (imports, several seconds each on a loaded machine) is not
        # routing: the sustained rate runs from the first order routed to the last.
        done = sorted(r.done_at for r in rows if r.done_at)
        span = (done[-1] - done[0]).total_seconds() if len(done) > 1 else None
        sustained = round((len(done) - 1) / span, 1) if span else None
        took = drained and round(drained, 1)
        print(f"  {n} worker(s): {len(load.acked)} orders drained in {took} s = {rate} routed/s"
              f" with start-up; {sustained} routed/s from the first routed to the last"
              f" ({span and round(span, 1)} s)", flush=True)  # fmt: skip
        results.append({"workers": n, "routed/s": sustained, "with start-up": rate})
    stack.ctl("start", "worker:*")
    base = results[0]["routed/s"]
    for row in results:
        row["vs 1 worker"] = round(row["routed/s"] / base, 2) if base and row["routed/s"] else None
    print("  " + "; ".join(str(r) for r in results), flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--pgport", type=int, default=54329)
    parser.add_argument("--redis-port", type=int, default=63799)
    parser.add_argument("--scenarios", default="steady,redis,worker,postgres,web")
    parser.add_argument("--rate", type=float, default=10.0)
    parser.add_argument("--before", type=float, default=10.0)
    parser.add_argument("--after", type=float, default=20.0)
    parser.add_argument("--redis-down", type=float, default=60.0)
    parser.add_argument("--bound", type=float, default=180.0)
    parser.add_argument("--backlog", type=int, default=300)
    args = parser.parse_args()
    stack = Stack(args)
    rows = [scenario(stack, args, name) for name in args.scenarios.split(",")]
    print("\nsummary")
    for row in rows:
        print(" ", row)
    print(f"(load average during the run: {os.getloadavg()})")


if __name__ == "__main__":
    main()
