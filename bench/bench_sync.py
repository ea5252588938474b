"""A phone reconnecting with 500 queued steps: one POST /api/sync against 500 single requests.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/tapline_bench \\
    REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.bench_sync [--steps 500]

The database is created if missing and migrated; the run adds its own team, technician and
orders. Both sides go through a real HTTP server on 127.0.0.1 (werkzeug, threaded) over one
keep-alive connection, and every step carries an Idempotency-Key and a device time, as the
phone's outbox sends them. Target: the batch at least 5x faster, under 3 s in all.
"""

import argparse
import os
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

os.environ.setdefault("TAPLINE_MODE", "demo")

STEPS_PER_ORDER = (
    [("depart", {}), ("arrive", {"position": {"lat": 36.77, "lon": 121.16}})]
    + [
        ("checklist", {"item": item})
        for item in (
            "uniform",
            "id_shown",
            "purpose_stated",
            "consent_to_enter",
            "shoe_covers",
            "site_cleaned",
            "thanked",
        )
    ]
    + [("complete", {"note": "已处理"})]
)


def build_app(url):
    from app import create_app
    from app.config import Config

    class BenchConfig(Config):
        MODE = "demo"
        SQLALCHEMY_DATABASE_URI = url

    _ensure_database(url)
    app = create_app(BenchConfig)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    return app


def _ensure_database(url):
    url = sa.engine.make_url(url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        ):
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def seed(app, orders):
    """A technician with `orders` accepted orders; returns (bearer token, order ids)."""
    from app.auth import tokens
    from app.auth.models import User
    from app.database import point_wkt
    from app.dispatch.models import Team, Technician
    from app.extensions import db
    from app.workorders.services import create_work_order, transition

    run = uuid.uuid4().hex[:8]
    with app.app_context():
        team = Team(code=f"B{run}", name="压测班组")
        agent = User(
            username=f"bench-agent-{run}",
            password_hash="-",
            display_name="坐席",
            roles=["hotline_agent"],
        )
        user = User(
            username=f"bench-tech-{run}",
            password_hash="-",
            display_name="师傅",
            roles=["technician"],
        )
        db.session.add_all([team, agent, user])
        db.session.flush()
        tech = Technician(
            user_id=user.id,
            employee_no=f"B{run}",
            name="压测师傅",
            team_id=team.id,
            base_point=point_wkt(121.16, 36.77),
        )
        db.session.add(tech)
        ids = []
        for _ in range(orders):
            order = create_work_order(
                {
                    "type": "general_repair",
                    "channel": "hotline",
                    "caller_name": "压测",
                    "caller_phone": "13900000000",
                    "address": "海阳市压测路1号",
                    "location": {"lon": 121.16, "lat": 36.77},
                },
                agent,
            )
            order.technician_id = tech.id
            transition(order, "assign", "system:bench")
            transition(order, "accept", user)
            db.session.flush()
            ids.append(order.id)
        db.session.commit()
        return tokens.access_token(user), ids


def queued_steps(order_ids, count):
    """The phone's outbox: each order's visit in order, each step with key and device time."""
    start = datetime.now(UTC) - timedelta(hours=1)
    steps = []
    for order_id in order_ids:
        for name, body in STEPS_PER_ORDER:
            device_time = (start + timedelta(seconds=len(steps))).isoformat()
            steps.append(
                {
                    "idempotency_key": uuid.uuid4().hex,
                    "method": "POST",
                    "path": f"/api/workorders/{order_id}/{name}",
                    "body": {**body, "device_time": device_time},
                }
            )
    return steps[:count]


def serve(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def run_singles(session, base, steps):
    started = time.perf_counter()
    for step in steps:
        resp = session.post(
            base + step["path"],
            json=step["body"],
            headers={"Idempotency-Key": step["idempotency_key"]},
        )
        assert resp.status_code in (200, 201), (step, resp.status_code, resp.text[:300])
    return time.perf_counter() - started


def run_batch(session, base, steps):
    started = time.perf_counter()
    resp = session.post(base + "/api/sync", json={"items": steps})
    elapsed = time.perf_counter() - started
    assert resp.status_code == 200, resp.text[:300]
    bad = [r for r in resp.json()["results"] if r["status"] not in (200, 201)]
    assert not bad, bad[:3]
    return elapsed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=500)
    args = parser.parse_args(argv)
    url = os.environ.get(
        "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/tapline_bench"
    )
    app = build_app(url)
    orders = -(-args.steps // len(STEPS_PER_ORDER))
    token, ids = seed(app, 2 * orders + 2)
    server, base = serve(app)
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    warm = queued_steps(ids[:2], 2 * len(STEPS_PER_ORDER))
    run_singles(session, base, warm[: len(STEPS_PER_ORDER)])  # warm-up, not measured
    run_batch(session, base, warm[len(STEPS_PER_ORDER) :])
    singles = run_singles(session, base, queued_steps(ids[2 : 2 + orders], args.steps))
    batch = run_batch(session, base, queued_steps(ids[2 + orders :], args.steps))
    server.shutdown()
    n = args.steps
    print(f"{n} queued steps over HTTP on 127.0.0.1 (werkzeug, one keep-alive connection)")
    print(f"  single requests: {singles:7.3f} s in all, {singles / n * 1000:7.2f} ms per step")
    print(f"  one /api/sync:   {batch:7.3f} s in all, {batch / n * 1000:7.2f} ms per step")
    met = singles / batch >= 5 and batch < 3
    print(
        f"  batch is {singles / batch:.1f}x faster "
        f"(target: >= 5x and < 3 s: {'met' if met else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
