"""Benchmark: declaring a water outage over 100,000 customer points (R8; goal < 5 s).

    python -m bench.bench_outage [--inside 100000] [--outside 20000] [--runs 2] [--keep]

Customers are synthetic points, `--inside` of them in a 2 km x 2 km square and `--outside`
around it, each with its own mobile number. Each run declares a planned outage over the
square through app.outages.services.declare and commits, as POST /api/outages does: the
customer points are found with PostGIS (ST_Covers on the GiST index) and kept with their
phone, and one job per 200 customers is written to the outbox (each job writes its
messages, one per number, then asks for one send job each). Queued means in the outbox: the
relay into Redis is left out.
The named baseline, measured in the same run: the bare PostGIS count of the same points
(finding them, nothing written). The worse of the runs is the figure to quote.
"""

import argparse
import time
from datetime import timedelta

import sqlalchemy as sa

from app.auth.models import User
from app.database import utcnow
from bench import bench_app, drop_database

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[121.14, 36.75], [121.16, 36.75], [121.16, 36.77], [121.14, 36.77], [121.14, 36.75]]
    ],
}


def seed(db, inside, outside):
    """Points on a jittered grid in the square, and a ring of others around it."""
    db.session.execute(
        sa.text(
            """
            INSERT INTO customers (account_no, name, phone, address, location,
                                   limited_mobility, created_at)
            SELECT 'B' || lpad(g::text, 9, '0'), '用户' || g, (13000000000 + g)::text,
                   '海阳市测试小区' || g || '号',
                   ST_SetSRID(ST_MakePoint(
                       CASE WHEN g <= :inside THEN 121.1401 + random() * 0.0198
                            ELSE 121.10 + random() * 0.02 END,
                       CASE WHEN g <= :inside THEN 36.7501 + random() * 0.0198
                            ELSE 36.70 + random() * 0.02 END), 4326),
                   false, now()
            FROM generate_series(1, :total) AS g
            """
        ),
        {"inside": inside, "total": inside + outside},
    )
    user = User(
        username="bench_dispatcher", password_hash="-", display_name="调度", role="dispatcher"
    )
    db.session.add(user)
    db.session.commit()
    # As a live table would be: vacuumed (hint bits, visibility map) and analysed.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE customers"))
    return user


def baseline(db):
    started = time.perf_counter()
    found = db.session.scalar(
        sa.text(
            "SELECT count(*) FROM customers WHERE ST_Covers("
            "ST_Multi(ST_GeomFromGeoJSON(:area)), location)"
        ),
        {"area": __import__("json").dumps(SQUARE)},
    )
    db.session.rollback()
    return time.perf_counter() - started, found


def declare_once(db, user, n):
    from app.outages import services

    start = utcnow() + timedelta(hours=30)
    data = {
        "kind": "planned",
        "area_name": f"测试小区第{n}次",
        "area": SQUARE,
        "start_at": start,
        "expected_end_at": start + timedelta(hours=6),
        "reason": "更换主管阀门",
    }
    started = time.perf_counter()
    outage = services.declare(data, db.session.merge(user))
    db.session.commit()
    elapsed = time.perf_counter() - started
    covered, jobs = db.session.execute(
        sa.text(
            "SELECT coalesce(sum((args->>4)::int - (args->>3)::int + 1), 0), count(*) "
            "FROM outbox_messages WHERE job = 'app.outages.jobs.notify_chunk' "
            "AND (args->>0)::int = :id"
        ),
        {"id": outage.id},
    ).one()
    return elapsed, outage.affected_count, jobs, covered


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--inside", type=int, default=100_000)
    parser.add_argument("--outside", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    # "Queued" means in the outbox, in the declaring transaction; the relay into Redis is the
    # worker's loop and is left out of the figure.
    app, db, url = bench_app("tapline_bench_outage", OUTBOX_RELAY_ON_COMMIT=False)
    try:
        with app.app_context():
            started = time.perf_counter()
            user = seed(db, args.inside, args.outside)
            seconds = time.perf_counter() - started
            print(f"seeded {args.inside + args.outside} customers in {seconds:.1f} s")
            results = []
            for n in range(1, args.runs + 1):
                base, found = baseline(db)
                elapsed, affected, jobs, span = declare_once(db, user, n)
                results.append(elapsed)
                print(
                    f"run {n}: declare {elapsed:.2f} s, {affected} customers found, "
                    f"{jobs} send jobs in the outbox covering customer ids over {span}; "
                    f"baseline (PostGIS count only) {base:.2f} s for {found}; "
                    f"ratio {elapsed / base:.1f}x"
                )
            worst = max(results)
            verdict = "OK" if worst < 5 else "MISSED"
            print(f"worst of {args.runs}: {worst:.2f} s (goal < 5 s): {verdict}")
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
