"""Benchmark: a company day, compressed and bounded (issue 11).

    python -m bench.bench_company_day [--seconds 120] [--technicians 200] [--dispatchers 10]
                                      [--agents 10] [--agent-every 6] [--keep]

The Procfile's web process (gunicorn + 2 uvicorn workers) and `python worker.py`, on
PostgreSQL (a database of its own) and Redis, for --seconds:
- every technician holds a live stream, sends a position ping every 30 s and syncs the visit
  steps of the order assigned to them (depart, arrive, two checklist items, complete) in
  batches through POST /api/sync;
- every dispatcher holds a stream and reads GET /api/dispatch/queue every 10 s;
- every agent opens an order every --agent-every seconds (one in ten an emergency) and a
  complaint every fifth time.
Then it reports requests per second, p50/p95 per endpoint, errors (5xx and others), events
lost (notifications stored for a streaming user that their stream never showed), orders not
routed, and the same server's rate on a trivial JSON endpoint measured alone right after, as
the baseline. The client is one asyncio process on the same machine.
"""

import argparse
import asyncio
import os
import random
import resource
import statistics
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
import uvloop

from app.auth import tokens
from app.auth.models import User
from app.database import point_wkt
from app.dispatch.models import ServiceZone, Skill, Team, Technician
from app.extensions import db
from bench import bench_app, free_port, serving
from bench.bench_live import (
    PREFIX,
    SECRET,
    SQUARE,
    Http,
    Stream,
    order_body,
    pct,
    start,
    timed_calls,
    wait_up,
)

STEPS = [
    ("depart", {}),
    ("arrive", {"position": {"lat": 36.77, "lon": 121.16}}),
    ("checklist", {"item": "uniform"}),
    ("checklist", {"item": "id_shown"}),
    ("complete", {"note": "已修复"}),
]


def seed(args):
    """Staff, technicians in one zone, and one accepted order per technician to work on."""
    from app.workorders.services import create_work_order, transition

    team = Team(code="CS", name="城区维修班")
    db.session.add(team)
    db.session.flush()
    db.session.add(ServiceZone(code="CSZ", name="城区", team_id=team.id, geom=SQUARE))
    skills = db.session.scalars(sa.select(Skill)).all()

    def person(name, role, **kw):
        user = User(username=name, password_hash="-", display_name=name, roles=[role], **kw)
        db.session.add(user)
        return user

    lead = person("d_lead", "department_lead")
    db.session.flush()
    department = Team(code="WQ", name="水质管理部", kind="department", lead_user_id=lead.id)
    db.session.add(department)
    db.session.flush()
    lead.team_id = department.id
    agents = [person(f"d_agent{n}", "hotline_agent") for n in range(args.agents)]
    dispatchers = [person(f"d_disp{n}", "dispatcher") for n in range(args.dispatchers)]
    tech_users = [
        person(f"d_tech{n}", "technician", team_id=team.id) for n in range(args.technicians)
    ]
    db.session.flush()
    techs = []
    for n, user in enumerate(tech_users):
        tech = Technician(
            user_id=user.id,
            employee_no=f"CS{n:04d}",
            name=f"师傅{n}",
            team_id=team.id,
            base_point=point_wkt(121.12 + (n % 20) * 0.004, 36.73 + (n // 20) * 0.008),
            on_call=n % 10 == 0,
        )
        tech.skills = skills
        techs.append(tech)
    db.session.add_all(techs)
    db.session.flush()
    orders = []
    for n, tech in enumerate(techs):
        order = create_work_order(order_body(n), agents[0])
        order.technician_id = tech.id
        transition(order, "assign", "system:bench")
        transition(order, "accept", tech.user)
        orders.append(order.id)
    db.session.commit()
    token = tokens.access_token
    return (
        [token(u) for u in agents],
        [(u.id, token(u)) for u in dispatchers],
        [(u.id, token(u), order_id) for u, order_id in zip(tech_users, orders, strict=True)],
        department.id,
    )


class Day:
    def __init__(self, port, seconds):
        self.port, self.until = port, time.monotonic() + seconds
        self.latency = defaultdict(list)
        self.errors = defaultdict(list)
        self.created = []

    def running(self):
        return time.monotonic() < self.until

    async def call(self, http, name, method, path, token, body=None):
        started = time.perf_counter()
        try:
            status, data = await asyncio.wait_for(http.call(method, path, token, body), 30)
        except Exception as exc:
            self.errors[name].append(repr(exc)[:120])
            return None, None
        self.latency[name].append((time.perf_counter() - started) * 1000)
        if status >= 400:
            self.errors[name].append(f"{status} {str(data)[:120]}")
        return status, data

    async def pause(self, seconds):
        await asyncio.sleep(min(seconds, max(self.until - time.monotonic(), 0)))


async def technician(day, user_id, token, order_id, stream):
    http = Http(day.port)
    await day.pause(random.uniform(0, 30))
    step = 0
    while day.running():
        ping = {
            "lat": 36.77 + random.uniform(-0.01, 0.01),
            "lon": 121.16 + random.uniform(-0.01, 0.01),
            "accuracy_m": 8.0,
            "device_time": datetime.now(UTC).isoformat(),
        }
        await day.call(
            http,
            "POST /api/technicians/me/positions",
            "POST",
            "/api/technicians/me/positions",
            token,
            {"positions": [ping]},
        )
        if step < len(STEPS):
            batch = STEPS[step : step + 2]
            items = [
                {
                    "idempotency_key": f"day-{order_id}-{step + i}",
                    "path": f"/api/workorders/{order_id}/{name}",
                    "body": body,
                    "device_time": (datetime.now(UTC) - timedelta(seconds=5 - i)).isoformat(),
                }
                for i, (name, body) in enumerate(batch)
            ]
            status, data = await day.call(
                http, "POST /api/sync", "POST", "/api/sync", token, {"items": items}
            )
            if status == 200:
                bad = [r for r in data["results"] if r["status"] >= 400]
                if bad:
                    day.errors["POST /api/sync (items)"].append(str(bad[0])[:120])
            step += len(batch)
        await day.pause(30)


async def dispatcher(day, token):
    http = Http(day.port)
    await day.pause(random.uniform(0, 10))
    while day.running():
        await day.call(
            http, "GET /api/dispatch/queue", "GET", "/api/dispatch/queue?per_page=200", token
        )
        await day.pause(10)


async def agent(day, n, token, every, department_id):
    http = Http(day.port)
    await day.pause(random.uniform(0, every))
    i = 0
    while day.running():
        kind = "emergency_repair" if (n + i) % 10 == 0 else "general_repair"
        status, data = await day.call(
            http,
            "POST /api/workorders",
            "POST",
            "/api/workorders",
            token,
            order_body(1000 * n + i, kind),
        )
        if status == 201:
            day.created.append(data["id"])
            await day.call(
                http, "GET /api/workorders/{id}", "GET", f"/api/workorders/{data['id']}", token
            )
        if i % 5 == 0:
            await day.call(
                http,
                "POST /api/complaints",
                "POST",
                "/api/complaints",
                token,
                {
                    "kind": "water_quality",
                    "channel": "hotline",
                    "caller_name": "李女士",
                    "caller_phone": "13812345678",
                    "address": f"海阳市方圆街道海港路{i}号",
                    "description": "自来水发黄,有异味",
                    "customer_request": "尽快检测",
                    "justified": True,
                    "explanation": "已告知将安排水质检测",
                    "department_id": department_id,
                },
            )
        i += 1
        await day.pause(every)


async def open_all(port, people):
    streams = {}
    http = Http(port)
    for user_id, token in people:
        status, body = await http.call("POST", "/api/events/ticket", token)
        stream = Stream(user_id)
        await stream.open(port, body["ticket"])
        await asyncio.wait_for(stream.ok.wait(), 30)
        streams[user_id] = stream
    return streams


def lost_events(app, streams, since_id):
    """Notifications stored for a streaming user after the streams opened, never shown."""
    with app.app_context():
        rows = db.session.execute(
            db.text("SELECT id, recipient_id FROM notifications WHERE id > :since"),
            {"since": since_id},
        ).all()
        db.session.remove()
    mine = [(nid, uid) for nid, uid in rows if uid in streams]
    return len(mine), [nid for nid, uid in mine if nid not in streams[uid].arrived]


def routed(app, order_ids):
    """Orders the worker has decided on: assigned, or left for a dispatcher with a reason."""
    if not order_ids:
        return 0
    with app.app_context():
        count = db.session.scalar(
            db.text(
                "SELECT count(DISTINCT work_order_id) FROM work_order_events WHERE "
                "work_order_id = ANY(:ids) AND kind IN ('assign', 'awaiting_dispatcher', "
                "'no_candidate', 'unrouted')"
            ),
            {"ids": order_ids},
        )
        db.session.remove()
    return count


async def run(app, args, port, people):
    agents, dispatchers, techs, department_id = people
    await wait_up(port, "live")
    with app.app_context():
        since = db.session.scalar(db.text("SELECT coalesce(max(id), 0) FROM notifications"))
        db.session.remove()
    started = time.monotonic()
    streams = await open_all(port, [(u, t) for u, t, _ in techs] + dispatchers)
    print(f"  {len(streams)} streams opened in {time.monotonic() - started:.1f} s")
    day = Day(port, args.seconds)
    began = time.monotonic()
    await asyncio.gather(
        *(technician(day, u, t, o, streams[u]) for u, t, o in techs),
        *(dispatcher(day, t) for _, t in dispatchers),
        *(agent(day, n, t, args.agent_every, department_id) for n, t in enumerate(agents)),
    )
    elapsed = time.monotonic() - began
    deadline = time.monotonic() + 60  # the last routing jobs and their live events
    while time.monotonic() < deadline and routed(app, day.created) < len(day.created):
        await asyncio.sleep(1)
    await asyncio.sleep(2)
    total = sum(len(v) for v in day.latency.values())
    print(f"  {total} requests in {elapsed:.0f} s: {total / elapsed:.1f} requests/s")
    for name in sorted(day.latency):
        values = day.latency[name]
        print(
            f"    {name:<38} {len(values):5d}  p50 {pct(values, 50):7.1f}  p95 "
            f"{pct(values, 95):7.1f} ms  errors {len(day.errors.get(name, []))}"
        )
    errors = [e for v in day.errors.values() for e in v]
    server = [e for e in errors if e[:1] == "5"]
    print(f"  errors: {len(errors)} ({len(server)} 5xx)")
    for name, values in day.errors.items():
        print(f"    {name}: {values[0]}")
    stored, lost = lost_events(app, streams, since)
    print(f"  live events: {stored} stored for streaming users, {len(lost)} never shown")
    print(f"  orders created {len(day.created)}, routed {routed(app, day.created)}")
    byes = sum(len(s.byes) for s in streams.values())
    open_now = sum(1 for s in streams.values() if not s.task.done())
    print(f"  streams still open {open_now} of {len(streams)}, ended by the server {byes}")
    trivial, failures = await timed_calls(
        port, lambda i: ("GET", "/api/signatures/public-key", None, None), 300
    )
    baseline_started = time.perf_counter()
    trivial, failures = await timed_calls(
        port, lambda i: ("GET", "/api/signatures/public-key", None, None), 600
    )
    rate = len(trivial) / (time.perf_counter() - baseline_started)
    print(
        f"  baseline, trivial JSON alone (streams still open): {rate:.0f}/s, p50 "
        f"{statistics.median(trivial):.1f} ms; the day's request rate is "
        f"{total / elapsed / rate:.3f} of it"
    )
    for stream in streams.values():
        stream.close()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--technicians", type=int, default=200)
    parser.add_argument("--dispatchers", type=int, default=10)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument("--agent-every", type=float, default=6.0)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4096)), hard))
    random.seed(11)
    app, _, url = bench_app("tapline_bench_day", SECRET_KEY=SECRET, LIVE_CHANNEL_PREFIX=PREFIX)
    print(
        f"bench_company_day on {url.render_as_string(hide_password=True)}, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    with app.app_context():
        people = seed(args)
        db.session.remove()
    port = free_port()
    processes = start("live", url.render_as_string(False), app.config["REDIS_URL"], port, 500)
    with serving(app, url, processes, keep=args.keep):
        uvloop.run(run(app, args, port, people))


if __name__ == "__main__":
    main()
