"""Benchmark 1: the suggestion query on PostGIS against a plain Python scan.

    python -m bench.bench_suggestions [--sizes 1000,10000,100000] [--queries 200] [--keep]

Synthetic technicians inside the real Haiyang boundary (app/demo/geo.py), split into 24
zones/teams. For each size: p50/p95 latency of the query the suggestions endpoint runs
(app.dispatch.queries.candidate_rows + rules.rank, two KNN scans on the GiST indexes),
against the named baseline "fetch + scan": read every technician with its load and skills
and rank them in Python (what a non-spatial implementation must do per request, since
positions and loads change all the time). The in-memory scan alone (rows already in Python,
stale in practice) is printed too. Runs in its own database, dropped at the end.
"""

import argparse
import heapq
import math
import random
import statistics
import time
from datetime import timedelta

import numpy as np
import sqlalchemy as sa
from shapely import contains_xy

from app.database import utcnow
from app.demo.geo import boundary, ewkt, split_zones
from app.dispatch import candidates, rules
from bench import bench_app, drop_database

ZONES = 24
SKILLS = ("plumbing", "meter", "connection", "emergency")


def points_inside(rng, n):
    area = boundary()
    minx, miny, maxx, maxy = area.bounds
    found = np.empty((0, 2))
    while len(found) < n:
        xy = np.column_stack([rng.uniform(minx, maxx, n * 3), rng.uniform(miny, maxy, n * 3)])
        found = np.vstack([found, xy[contains_xy(area, xy[:, 0], xy[:, 1])]])
    return found[:n].round(6)


def make_zones(conn, rng):
    seeds = [tuple(p) for p in points_inside(rng, ZONES)]
    for i, geom in enumerate(split_zones(seeds), 1):
        conn.execute(
            sa.text("INSERT INTO teams (id, code, name, kind) VALUES (:i, :c, :n, 'field')"),
            {"i": i, "c": f"B{i}", "n": f"班组{i}"},
        )
        conn.execute(
            sa.text(
                "INSERT INTO service_zones (id, code, name, team_id, geom) VALUES "
                "(:i, :c, :n, :i, ST_GeomFromEWKT(:g))"
            ),
            {"i": i, "c": f"BZ{i}", "n": f"片区{i}", "g": ewkt(geom)},
        )


def populate(engine, n, seed=11):
    rng = np.random.default_rng(seed)
    now = utcnow()
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "TRUNCATE technician_skills, technicians, users, service_zones, "
                "teams, work_orders RESTART IDENTITY CASCADE"
            )
        )
        make_zones(conn, rng)
        base = points_inside(rng, n)
        raw = conn.connection.dbapi_connection
        with raw.cursor() as cur:
            with cur.copy(
                "COPY users (username, password_hash, display_name, role, active, "
                "created_at) FROM STDIN"
            ) as copy:
                for i in range(n):
                    copy.write_row((f"bt{i}", "-", f"师傅{i}", "technician", True, now))
        conn.execute(
            sa.text("""
            INSERT INTO technicians (user_id, employee_no, name, team_id, base_point, status,
                                     on_call, max_open_orders, created_at)
            SELECT u.id, 'B' || u.id, u.display_name, 1, ST_SetSRID(ST_MakePoint(x, y), 4326),
                   CASE WHEN random() < 0.1 THEN 'off_duty' ELSE 'available' END
                       ::technician_status,
                   random() < 0.2, 8, now()
            FROM unnest(CAST(:xs AS float8[]), CAST(:ys AS float8[]))
                 WITH ORDINALITY AS p(x, y, i)
            JOIN users u ON u.id = p.i"""),
            {"xs": base[:, 0].tolist(), "ys": base[:, 1].tolist()},
        )
        conn.execute(
            sa.text("""
            UPDATE technicians t SET team_id = z.team_id FROM service_zones z
            WHERE ST_Contains(z.geom, t.base_point)""")
        )
        # Half were seen within the last ten minutes, up to ~2 km from base; the rest are stale.
        conn.execute(
            sa.text("""
            UPDATE technicians SET
              last_position = ST_SetSRID(ST_MakePoint(
                  ST_X(base_point) + (random() - 0.5) * 0.04,
                  ST_Y(base_point) + (random() - 0.5) * 0.04), 4326),
              last_position_at = CASE WHEN random() < 0.5 THEN :fresh ELSE :stale END"""),
            {"fresh": now - timedelta(minutes=5), "stale": now - timedelta(hours=3)},
        )
        conn.execute(
            sa.text("""
            INSERT INTO technician_skills (technician_id, skill_id)
            SELECT t.id, s.id FROM technicians t JOIN skills s ON s.code = ANY(:skills)
            WHERE random() < CASE s.code WHEN 'plumbing' THEN 0.8 ELSE 0.3 END"""),
            {"skills": list(SKILLS)},
        )
        user_id = conn.scalar(sa.text("SELECT min(id) FROM users"))
        # Open load: on average one order per technician, up to the limit for a few.
        conn.execute(
            sa.text("""
            INSERT INTO work_orders (number, type_code, channel, status, priority, address,
              description, limited_mobility, property_side, flags, technician_id, team_id,
              deadline_at, deadline_rule, calendar_unconfirmed, sla_state,
              first_contact_user_id, created_by_id, created_at, updated_at, version_id, location)
            SELECT 'B' || pick.g, 'general_repair', 'hotline', 'assigned', 0, '-', '', false,
              'unknown', '{}', t.id, t.team_id, now() + interval '2 days', '-', false,
              'on_track', :u, :u, now(), now(), 1, t.base_point
            FROM (SELECT g, 1 + floor(power(random(), 2) * :n)::int AS tid
                  FROM generate_series(1, :n) g) pick
            JOIN technicians t ON t.id = pick.tid"""),
            {"u": user_id, "n": n},
        )
    # A production database is vacuumed as it goes; fresh bulk inserts are not (hint bits).
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        for table in (
            "users",
            "technicians",
            "technician_skills",
            "work_orders",
            "teams",
            "service_zones",
        ):
            conn.execute(sa.text(f"VACUUM (ANALYZE) {table}"))


def order_points(engine, count, seed=5):
    rng = np.random.default_rng(seed)
    out = []
    with engine.connect() as conn:
        for lon, lat in points_inside(rng, count * 2):
            team = conn.scalar(
                sa.text(
                    "SELECT team_id FROM service_zones WHERE ST_Contains(geom,"
                    " ST_SetSRID(ST_MakePoint(:x, :y), 4326))"
                ),
                {"x": lon, "y": lat},
            )
            if team:
                out.append((float(lon), float(lat), team))
            if len(out) == count:
                return out
    return out


def params_for(point, skill_id, now):
    lon, lat, team = point
    return {
        "now": now,
        "skill_id": skill_id,
        "emergency": False,
        "office": True,
        "fresh_since": now - timedelta(minutes=30),
        "preempt_before": now,
        "deadline": now + timedelta(days=3),
        "exclude": [],
        "lon": lon,
        "lat": lat,
        "teams": [team],
    }


def postgis(params):
    return rules.rank(candidates.candidate_rows(params, want=10, k=40))[:10]


FETCH_ALL = sa.text("""
SELECT t.id, t.team_id, t.status, t.on_call, t.max_open_orders, ST_X(t.base_point) AS bx,
       ST_Y(t.base_point) AS by, ST_X(t.last_position) AS lx, ST_Y(t.last_position) AS ly,
       t.last_position_at, COALESCE(l.load, 0) AS load,
       ARRAY(SELECT skill_id FROM technician_skills s WHERE s.technician_id = t.id) AS skills
FROM technicians t LEFT JOIN (SELECT technician_id, count(*) AS load FROM work_orders
  WHERE status IN ('assigned','accepted','scheduled','en_route','on_site')
  GROUP BY technician_id) l ON l.technician_id = t.id""")


def haversine(lon1, lat1, lon2, lat2):
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 12742000 * math.asin(math.sqrt(a))


def python_scan(rows, params):
    lon, lat, team, skill = params["lon"], params["lat"], params["teams"][0], params["skill_id"]
    fresh_since = params["fresh_since"]
    best = []
    for r in rows:
        if (
            r.team_id != team
            or r.status == "off_duty"
            or skill not in r.skills
            or r.load >= r.max_open_orders
        ):
            continue
        fresh = r.last_position_at is not None and r.last_position_at >= fresh_since
        x, y = (r.lx, r.ly) if fresh else (r.bx, r.by)
        best.append((haversine(lon, lat, x, y), r.load, r.id))
    return heapq.nsmallest(10, best)


def fetch_and_scan(db, params):
    return python_scan(db.session.execute(FETCH_ALL).all(), params)


def timed(func, items):
    out = []
    for item in items:
        start = time.perf_counter()
        func(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def pct(values, q):
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def check_same_answer(db, sample):
    """The two methods must agree on who comes first, or the race means nothing."""
    rows = db.session.execute(FETCH_ALL).all()
    agree = sum(
        1
        for p in sample
        if (postgis(p) or [{}])[0].get("technician_id")
        == (python_scan(rows, p) or [(0, 0, None)])[0][2]
    )
    return agree, len(sample)


def run_size(app, db, n, queries_count):
    started = time.perf_counter()
    populate(db.engine, n)
    setup = time.perf_counter() - started
    skill_id = db.session.scalar(sa.text("SELECT id FROM skills WHERE code = 'plumbing'"))
    now = utcnow()
    points = [params_for(p, skill_id, now) for p in order_points(db.engine, queries_count)]
    timed(postgis, points[:50])  # warm caches
    spatial = timed(postgis, points)
    baseline_points = points[: max(20, min(queries_count, 2_000_000 // n))]
    baseline = timed(lambda p: fetch_and_scan(db, p), baseline_points)
    rows = db.session.execute(FETCH_ALL).all()
    memory = timed(lambda p: python_scan(rows, p), baseline_points)
    agree, total = check_same_answer(db, points[:30])
    db.session.rollback()
    return {
        "n": n,
        "setup_s": setup,
        "spatial": spatial,
        "baseline": baseline,
        "memory": memory,
        "agree": f"{agree}/{total}",
    }


TARGETS = {10_000: 10.0, 100_000: 25.0}


def report(r):
    s50, s95 = pct(r["spatial"], 50), pct(r["spatial"], 95)
    b50, b95 = pct(r["baseline"], 50), pct(r["baseline"], 95)
    m50 = pct(r["memory"], 50)
    target = TARGETS.get(r["n"])
    verdict = (
        f"target p95 <= {target:g} ms: {'met' if s95 <= target else 'NOT met'}"
        if target
        else "no latency target"
    )
    print(
        f"{r['n']:>7} technicians (setup {r['setup_s']:.1f} s, {len(r['spatial'])} queries, "
        f"same top candidate {r['agree']})"
    )
    print(f"    PostGIS KNN suggestion   p50 {s50:7.2f} ms  p95 {s95:7.2f} ms   ({verdict})")
    print(
        f"    baseline fetch + scan    p50 {b50:7.2f} ms  p95 {b95:7.2f} ms   "
        f"({len(r['baseline'])} queries)"
    )
    print(
        f"    ratio baseline/PostGIS   p50 {b50 / s50:7.1f} x   p95 {b95 / s95:7.1f} x"
        + (
            "   (target >= 10x at 10k: " + ("met)" if b50 / s50 >= 10 else "NOT met)")
            if r["n"] == 10_000
            else ""
        )
    )
    print(
        f"    in-memory scan only      p50 {m50:7.2f} ms   (ratio {m50 / s50:.1f} x; rows "
        "preloaded, so stale in practice)"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args(argv)
    random.seed(3)
    app, db, url = bench_app("tapline_bench_suggestions")
    print(f"bench_suggestions on {url.render_as_string(hide_password=True)}")
    try:
        with app.app_context():
            for n in (int(s) for s in args.sizes.split(",")):
                report(run_size(app, db, n, args.queries))
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
