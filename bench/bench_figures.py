"""Benchmark: the management view (app.office.report) on a year of a 100-technician company.

    python -m bench.bench_figures [--orders 200000] [--complaints 10000] [--runs 5] [--keep]

Builds, in its own database, one year of data: 100 technicians in 10 teams/zones, ~200k work
orders (5% emergencies, ~6 events each, a visit per completed order, a satisfaction form for
60% of them) and ~10k complaints with hand-offs, resolutions and follow-ups. Then times what
the page asks for (report.build: every figure and table) for the whole year, for one month,
and for one team over the year; p50 and worst of --runs each. The orders' figures come from the
daily summary (app.office.summary), which the job builds first here (timed); the page is also
timed before that (every day computed from the orders) and with a few past days edited (those
days computed from the orders until the job rebuilds them). The baseline, measured in the same
run: fetch the year's orders into Python and compute just three of the figures there
(received, on-time rate, median time to complete), which is what the page would cost
without SQL aggregation.
"""

import argparse
import statistics
import time
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.calendar.rules import TZ
from app.office import figures, report, summary
from bench import bench_app, drop_database

# The summary follows the database's clock (today is never summarised): a year up to now.
NOW = datetime.now(TZ).replace(minute=0, second=0, microsecond=0)
TODAY = NOW.date()
YEAR_START = datetime.combine(TODAY - timedelta(days=365), datetime.min.time(), tzinfo=TZ)

SETUP = """
INSERT INTO teams (id, code, name, kind)
  SELECT i, 'T' || i, '维修' || i || '班', 'field' FROM generate_series(1, 10) i;
INSERT INTO teams (id, code, name, kind)
  SELECT 10 + i, 'D' || i, '部门' || i, 'department' FROM generate_series(1, 5) i;
INSERT INTO service_zones (id, code, name, team_id, geom)
  SELECT i, 'Z' || i, '片区' || i, i,
         ST_Multi(ST_MakeEnvelope(121 + i * 0.01, 36.7, 121.01 + i * 0.01, 36.71, 4326))
  FROM generate_series(1, 10) i;
INSERT INTO users (id, username, password_hash, display_name, roles, active, created_at)
  SELECT i, 'u' || i, '-', '用户' || i,
         ARRAY[CASE WHEN i <= 100 THEN 'technician' ELSE 'hotline_agent' END::user_role],
         true, now()
  FROM generate_series(1, 110) i;
INSERT INTO technicians (id, user_id, employee_no, name, team_id, base_point, status, on_call,
                         max_open_orders, created_at)
  SELECT i, i, 'E' || i, '师傅' || i, 1 + (i - 1) % 10,
         ST_SetSRID(ST_MakePoint(121.1, 36.7), 4326), 'available', false, 8, now()
  FROM generate_series(1, 100) i;
"""

ORDERS = """
INSERT INTO work_orders (id, number, type_code, channel, status, priority, address, description,
    limited_mobility, property_side, flags, deadline_at, deadline_rule, calendar_unconfirmed,
    last_announced_sla_state, first_contact_user_id, created_by_id, created_at, updated_at,
    version_id,
    team_id, zone_id, technician_id, accepted_at, completed_at)
SELECT i, 'WO' || lpad(i::text, 12, '0'), o.type, 'hotline',
       CASE WHEN o.done THEN 'completed' ELSE 'assigned' END::work_order_status,
       CASE WHEN o.emergency THEN 2 ELSE 0 END, '地址' || i, '', false, 'unknown', '{}'::jsonb,
       o.created + CASE WHEN o.emergency THEN interval '4 hours' ELSE interval '72 hours' END,
       'bench', false, 'on_track', 101, 101, o.created, o.created, 1,
       1 + (o.tech - 1) % 10, 1 + (o.tech - 1) % 10, o.tech,
       o.created + interval '10 minutes' * (1 + random() * 3),
       CASE WHEN o.done THEN o.created + interval '1 hour' * (1 + random() * random() * 120) END
FROM generate_series(1, :n) i,
LATERAL (SELECT i % 20 = 0 AS emergency) e,
LATERAL (SELECT :start + (:span * random()) * interval '1 second' AS created,
                CASE WHEN e.emergency THEN 'emergency_repair'
                     ELSE (ARRAY['general_repair', 'meter_replacement', 'water_connection',
                                 'meter_reading_check'])[1 + (i % 4)] END AS type,
                random() < 0.97 AS done,
                1 + (i % 100) AS tech,
                e.emergency) o
"""

EVENTS = """
INSERT INTO work_order_events (work_order_id, kind, actor_label, server_time, payload)
SELECT wo.id, k.kind, 'bench', wo.created_at + k.n * interval '1 hour', '{}'::jsonb
FROM work_orders wo,
LATERAL (VALUES (0, 'created'), (1, 'assign'), (2, 'accept'), (3, 'depart'), (4, 'arrive'),
                (5, 'complete')) k(n, kind)
WHERE k.n < 5 OR wo.completed_at IS NOT NULL;
INSERT INTO work_order_events (work_order_id, kind, actor_label, server_time, payload)
SELECT id, CASE WHEN id % 3 = 0 THEN 'unassign' ELSE 'reschedule' END, 'bench',
       created_at + interval '2 hours', '{}'::jsonb
FROM work_orders WHERE id % 17 = 0;
INSERT INTO visits (work_order_id, arrived_at, arrival_flagged, checklist, notes, parts,
                    updated_at)
SELECT id, created_at + (completed_at - created_at) / 2, id % 31 = 0, '{}', '', '[]', now()
FROM work_orders WHERE completed_at IS NOT NULL;
INSERT INTO satisfaction_forms (work_order_id, technician_id, team_id, overall, timeliness,
    attitude, professionalism, site_clean, comments, suggestions, channel, submitted_at)
SELECT id, technician_id, team_id, 3 + id % 3, 2 + id % 4, 3 + id % 3, 4 + id % 2, id % 7 > 0,
       CASE WHEN id % 50 = 0 THEN '师傅很耐心' ELSE '' END, '', 'technician_phone',
       completed_at + interval '10 minutes'
FROM work_orders WHERE completed_at IS NOT NULL AND id % 5 < 3;
"""

COMPLAINTS = """
INSERT INTO complaints (id, number, kind, channel, status, caller_name, caller_phone,
    description, customer_request, explanation, sensitive, received_at, received_by_id,
    received_on_non_working_day, calendar_unconfirmed, closed_at_intake, updated_at,
    justified, department_id, handoff_due_at, handed_off_at, resolved_at)
SELECT i, 'CP' || lpad(i::text, 12, '0'),
       (ARRAY['water_quality', 'service_quality', 'proposal'])[1 + i % 3]::complaint_kind,
       'hotline', CASE WHEN i % 10 = 0 THEN 'in_progress' ELSE 'closed' END::complaint_status,
       '用户', '13800000000', '经过', '', '', i % 40 = 0, c.at, 105, false, false, false,
       c.at, i % 3 = 0, 11 + i % 5, c.at + interval '3 hours',
       c.at + interval '1 minute' * (30 + i % 240),
       CASE WHEN i % 10 <> 0 THEN c.at + interval '1 hour' * (4 + i % 50) END
FROM generate_series(1, :n) i,
LATERAL (SELECT :start + (:span * random()) * interval '1 second' AS at) c;
INSERT INTO complaint_follow_ups (complaint_id, opened_at, due_at, done_at, satisfied, reopened)
SELECT id, resolved_at, resolved_at + interval '3 days', resolved_at + interval '1 day',
       id % 7 > 0, false
FROM complaints WHERE resolved_at IS NOT NULL;
"""


def populate(engine, orders, complaints):
    span = (NOW - YEAR_START).total_seconds()
    with engine.begin() as conn:
        for statement in filter(str.strip, SETUP.split(";\n")):
            conn.execute(sa.text(statement))
        conn.execute(sa.text(ORDERS), {"n": orders, "start": YEAR_START, "span": span})
        for statement in filter(str.strip, EVENTS.split(";\n")):
            conn.execute(sa.text(statement))
        for i, statement in enumerate(filter(str.strip, COMPLAINTS.split(";\n"))):
            params = {"n": complaints, "start": YEAR_START, "span": span} if i == 0 else {}
            conn.execute(sa.text(statement), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def timed(fn, runs):
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        fn()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times), max(times)


def python_baseline(db, f):
    rows = db.session.execute(
        sa.text(
            "SELECT created_at, completed_at, deadline_at FROM work_orders "
            "WHERE created_at >= :start AND created_at < :end"
        ),
        {"start": f.start, "end": f.end},
    ).all()
    done = [r for r in rows if r.completed_at is not None]
    on_time = sum(1 for r in done if r.completed_at <= r.deadline_at)
    median = statistics.median((r.completed_at - r.created_at).total_seconds() for r in done)
    return len(rows), on_time, median


def _zero():
    keys = ("received", "completed", "on_time", "median_s", "p90_s", "emergencies")
    return dict.fromkeys(
        keys + ("accept_s", "arrive_s", "answered", "site_clean") + figures.QUESTIONS, 0
    )


def row(name, p50, worst):
    print(f"{name:40} {p50:8.0f} {worst:9.0f}")


def page(db, f):
    """What one request of the page costs: every figure and table, its own transaction."""
    report.build(f, NOW)
    db.session.rollback()


def summarise(db):
    days = len(summary.summarise())
    db.session.commit()
    return days


def edit_past_days(db, n):
    """Complete one open order on each of `n` past days, as late updates would."""
    db.session.execute(
        sa.text(
            """
            UPDATE work_orders SET completed_at = created_at + interval '5 hours',
                                   status = 'completed'
            WHERE id IN (SELECT DISTINCT ON (created_at::date) id FROM work_orders
                         WHERE completed_at IS NULL AND created_at < :before
                         ORDER BY created_at::date DESC LIMIT :n)
            """
        ),
        {"before": NOW - timedelta(days=20), "n": n},
    )
    db.session.commit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--complaints", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    app, db, url = bench_app("tapline_bench_figures")
    try:
        with app.app_context():
            began = time.perf_counter()
            populate(db.engine, args.orders, args.complaints)
            counts = {
                t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))
                for t in ("work_orders", "work_order_events", "visits", "satisfaction_forms")
                + ("complaints", "complaint_follow_ups")
            }
            print(f"built in {time.perf_counter() - began:.0f} s: {counts}")
            year = figures.Filters.of(TODAY - timedelta(days=364), TODAY)
            cases = {
                "whole year, all teams": year,
                "one month, all teams": figures.Filters.of(
                    TODAY - timedelta(days=60), TODAY - timedelta(days=31)
                ),
                "whole year, one team": figures.Filters.of(
                    TODAY - timedelta(days=364), TODAY, team_id=3
                ),
                "whole year, one zone + type": figures.Filters.of(
                    TODAY - timedelta(days=364), TODAY, zone_id=4, type_code="general_repair"
                ),
            }
            print(f"{'case':40} {'p50 ms':>8} {'worst ms':>9}")
            base50, base_worst = timed(lambda: python_baseline(db, year), args.runs)
            row("baseline: fetch year + Python", base50, base_worst)
            plain50, plain_worst = timed(lambda: page(db, year), min(args.runs, 3))
            row("page, no summary: whole year", plain50, plain_worst)
            began = time.perf_counter()
            days = summarise(db)
            print(f"summary built: {days} days in {time.perf_counter() - began:.1f} s")
            for name, f in cases.items():
                p50, worst = timed(lambda f=f: page(db, f), args.runs)
                row("page: " + name, p50, worst)
            edit_past_days(db, 5)
            p50, worst = timed(lambda: page(db, year), args.runs)
            row("page: whole year, 5 past orders edited", p50, worst)
            began = time.perf_counter()
            days = summarise(db)
            print(f"summary caught up: {days} days in {time.perf_counter() - began:.2f} s")
            parts = {
                "orders (summary + today)": lambda: figures.cohort(year),
                "overdue now": lambda: figures.order_figures(year, NOW, _zero()),
                "comments": lambda: figures.survey_figures(year, _zero()),
                "complaints": lambda: figures.complaint_figures(year),
                "complaints by kind": lambda: figures.complaints_by_kind_and_department(year),
                "complaints per week": lambda: figures.weekly_trend(year, []),
            }
            figures.analytic_session()
            for name, fn in parts.items():
                p50, worst = timed(fn, args.runs)
                row("  year, " + name, p50, worst)
            db.session.rollback()
            year50, year_worst = timed(lambda: page(db, year), args.runs)
            print(
                f"whole year again: p50 {year50:.0f} ms, worst {year_worst:.0f} ms; "
                f"ratio to the baseline (3 figures in Python): {year50 / base50:.3f}; "
                f"to the page without the summary: {year50 / plain50:.3f}"
            )
            db.session.remove()
    finally:
        if not args.keep:
            with app.app_context():
                db.engine.dispose()
            drop_database(url)


if __name__ == "__main__":
    main()
