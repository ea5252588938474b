"""Benchmark 3: emergency latency, from POST /api/workorders to the technician's SSE stream.

    python -m bench.bench_emergency [--orders 100] [--poll-seconds 5] [--keep]

Everything real: gunicorn (gthread) serving the app, `python worker.py` (RQ SimpleWorker,
emergency queue first) on Redis, PostgreSQL in a database of its own. One on-call technician
holds an SSE stream; each emergency is created by a hotline agent, routed by the worker,
assigned, notified (stored + Redis pub/sub) and read off the stream; then a dispatcher cancels
it so the technician is free for the next. The named baseline, measured in the same run on the
same orders: a phone polling GET /api/notifications every --poll-seconds. Use a Redis database
no other worker listens on (REDIS_URL).
"""

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time

import requests
import sqlalchemy as sa

from app.auth import tokens
from app.auth.models import User
from app.database import point_wkt
from app.dispatch.models import ServiceZone, Skill, Team, Technician
from app.extensions import db
from bench import bench_app, drop_database, free_port, stop

SQUARE = (
    "SRID=4326;MULTIPOLYGON(((121.10 36.72,121.22 36.72,121.22 36.82,121.10 36.82,121.10 36.72)))"
)
SECRET = "bench-emergency-secret-of-32-bytes-or-more"


def seed():
    team = Team(code="QX", name="抢修班")
    db.session.add(team)
    db.session.flush()
    db.session.add(ServiceZone(code="QXZ", name="城区", team_id=team.id, geom=SQUARE))
    people = {
        role: User(
            username=f"bench_{role}",
            password_hash="-",
            display_name=role,
            roles=[role],
            team_id=team.id,
        )
        for role in ("technician", "hotline_agent", "dispatcher")
    }
    db.session.add_all(people.values())
    db.session.flush()
    tech = Technician(
        user_id=people["technician"].id,
        employee_no="QX001",
        name="值班师傅",
        team_id=team.id,
        base_point=point_wkt(121.16, 36.77),
        on_call=True,
    )
    tech.skills = [db.session.scalars(sa.select(Skill).filter_by(code="emergency")).one()]
    db.session.add(tech)
    db.session.commit()
    return {role: tokens.access_token(user) for role, user in people.items()}


def start(url, redis_url, port, processes):
    """The worker and gunicorn, appended to `processes` as they start (for the cleanup)."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "TAPLINE_MODE": "demo",
        "SECRET_KEY": SECRET,
        "LIVE_CHANNEL_PREFIX": f"tapline-bench-{os.getpid()}",
    }
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    processes.append(subprocess.Popen([sys.executable, "worker.py"], **quiet))
    processes.append(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-k",
                "gthread",
                "-w",
                "2",
                "--threads",
                "8",
                "--graceful-timeout",
                "2",
                "-b",
                f"127.0.0.1:{port}",
                "wsgi:app",
            ],
            **quiet,
        )
    )
    for _ in range(60):
        try:
            requests.get(f"http://127.0.0.1:{port}/api/openapi.json", timeout=5)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


class StreamReader(threading.Thread):
    """Holds the technician's SSE stream and clocks each emergency assignment arriving."""

    def __init__(self, port, token):
        super().__init__(daemon=True)
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.conn.request("GET", f"/api/events/stream?access_token={token}")
        self.resp = self.conn.getresponse()
        self.arrived, self.cond = {}, threading.Condition()

    def run(self):
        while True:
            try:
                line = self.resp.readline().decode()
            except Exception:  # the connection is closed at the end of the run
                return
            if not line:
                return
            if line.startswith("data: "):
                message = json.loads(line[6:])
                if message["kind"] == "emergency_assignment":
                    with self.cond:
                        self.arrived[message["payload"]["order_id"]] = time.monotonic()
                        self.cond.notify_all()

    def wait_for(self, order_id, timeout=10):
        with self.cond:
            self.cond.wait_for(lambda: order_id in self.arrived, timeout)
            return self.arrived.get(order_id)


class Poller(threading.Thread):
    """The baseline: a phone that asks for its notifications every `every` seconds."""

    def __init__(self, port, token, every):
        super().__init__(daemon=True)
        self.url = f"http://127.0.0.1:{port}/api/notifications"
        self.headers = {"Authorization": f"Bearer {token}"}
        self.every, self.seen, self.stop = every, {}, threading.Event()

    def run(self):
        while not self.stop.wait(self.every):
            items = requests.get(
                self.url, headers=self.headers, timeout=10, params={"per_page": 200}
            ).json()["items"]
            now = time.monotonic()
            for item in items:
                if item["kind"] == "emergency_assignment":
                    self.seen.setdefault(item["payload"]["order_id"], now)


def one_emergency(port, tokens_, stream, i):
    body = {
        "type": "emergency_repair",
        "channel": "hotline",
        "caller_name": "抢修来电",
        "caller_phone": "13800000000",
        "address": f"海阳市方圆街道{i}号",
        "location": {"lon": 121.16 + i * 1e-4, "lat": 36.77},
        "description": "主管爆裂",
    }
    started = time.monotonic()
    resp = requests.post(
        f"http://127.0.0.1:{port}/api/workorders",
        json=body,
        timeout=10,
        headers={"Authorization": f"Bearer {tokens_['hotline_agent']}"},
    )
    assert resp.status_code == 201, resp.text
    order_id = resp.json()["id"]
    arrived = stream.wait_for(order_id)
    cancel = requests.post(
        f"http://127.0.0.1:{port}/api/workorders/{order_id}/cancel",
        json={"reason": "基准测试结束 / benchmark done"},
        timeout=10,
        headers={"Authorization": f"Bearer {tokens_['dispatcher']}"},
    )
    assert cancel.status_code == 200, cancel.text
    return order_id, started, arrived


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(results, poller, every):
    sse = [(arrived - started) * 1000 for _, started, arrived in results if arrived]
    lost = sum(1 for *_, arrived in results if arrived is None)
    polled = [(poller.seen[o] - started) * 1000 for o, started, _ in results if o in poller.seen]
    med, p95 = statistics.median(sse), pct(sse, 95)
    print(f"{len(results)} emergencies, {lost} not seen on the stream within 10 s")
    print(
        f"  SSE (POST -> event on stream)   median {med:8.1f} ms  p95 {p95:8.1f} ms  "
        f"max {max(sse):8.1f} ms"
    )
    print(
        f"    targets median <= 1000 ms: {'met' if med <= 1000 else 'NOT met'}; "
        f"p95 <= 2000 ms: {'met' if p95 <= 2000 else 'NOT met'}"
    )
    if polled:
        pmed, pp95 = statistics.median(polled), pct(polled, 95)
        print(
            f"  baseline polling every {every:g} s     median {pmed:8.1f} ms  p95 {pp95:8.1f} ms"
            f"  ({len(polled)} seen)"
        )
        print(
            f"  ratio baseline/SSE              median {pmed / med:8.1f} x  p95 {pp95 / p95:8.1f} x"
        )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--orders", type=int, default=100)
    parser.add_argument("--poll-seconds", type=float, default=5.0)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    app, _, url = bench_app("tapline_bench_emergency", SECRET_KEY=SECRET)
    redis_url = app.config["REDIS_URL"]
    print(f"bench_emergency on {url.render_as_string(hide_password=True)}, Redis {redis_url}")
    with app.app_context():
        tokens_ = seed()
        db.session.remove()
        db.engine.dispose()
    port, processes, stream = free_port(), [], None
    try:
        start(url.render_as_string(False), redis_url, port, processes)
        stream = StreamReader(port, tokens_["technician"])
        stream.start()
        poller = Poller(port, tokens_["technician"], args.poll_seconds)
        poller.start()
        results = [one_emergency(port, tokens_, stream, i) for i in range(args.orders)]
        time.sleep(args.poll_seconds + 1)  # let the poller see the last ones
        poller.stop.set()
        report(results, poller, args.poll_seconds)
    finally:
        if stream is not None:
            stream.conn.close()
        stop(processes, grace=10)
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
