"""The management figures' orders side, fast: a per-day summary kept current, plus the days it
cannot answer for, computed from the orders themselves in the same statement.

A day's orders (by local creation day) are summarised once the day is two days old by the
periodic job below: one row per team, zone, order type and technician with the sums the
figures add up and, for the medians, every order's durations (exact, not a histogram).
A change to an order of a past day, its visit, its form or a second-visit event makes a
trigger (migration 0011) record the day in `order_figure_changes`; until the job has rebuilt
that day, the page computes it from the orders. So a figure always equals the straightforward
computation over the orders: `facts()` is the union of the clean summarised days and ROWS (the
very query the job stores) over every other day of the period, today included.

The job consumes only the change rows it read, under an advisory lock: a change committed while
it ran leaves its row, and the day is rebuilt again next time. It summarises days up to the day
before yesterday, so a transaction would have to stay open for a day to slip past the trigger,
which records changes to days before its own today.
"""

import sqlalchemy as sa

from app.extensions import db
from app.office.models import SUMMARY_COLUMNS

LOCAL = "'Asia/Shanghai'"
LOCK_KEY = 1_400_014  # pg_advisory_xact_lock: one summariser at a time
SUMMARISE_AFTER_DAYS = 2
COLUMNS = ", ".join(SUMMARY_COLUMNS)


def _local_day_bounds(day):
    return (
        f"wo.created_at >= ({day}::timestamp AT TIME ZONE {LOCAL}) "
        f"AND wo.created_at < (({day} + 1)::timestamp AT TIME ZONE {LOCAL})"
    )


# The summary's rows for the orders created on the days of `days` (a relation with a `day`
# column), with the filters `where`. The triggers of migration 0011 watch exactly the columns
# read here: reading another one needs a trigger on it too. Visit, form (one per order: LIMIT 1
# changes nothing) and second visits (a not-done-at-first-visit event: reschedule or back to
# the queue; the partial index ix_work_order_events_revisits) are looked up per order, which
# keeps a day's computation to that day's rows whatever the planner guesses about the days.
ROWS = f"""
    SELECT days.day, wo.team_id, wo.zone_id, wo.type_code, wo.technician_id,
           count(*) AS received,
           count(wo.completed_at) AS completed,
           count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
           count(wo.completed_at) FILTER (WHERE r.revisits = 0) AS first_visit,
           sum(r.reschedules) AS reschedules,
           count(v.arrived_at) AS arrivals,
           count(*) FILTER (WHERE v.arrival_flagged) AS flagged,
           count(s.id) AS answered,
           coalesce(sum(s.overall), 0) AS overall,
           coalesce(sum(s.timeliness), 0) AS timeliness,
           coalesce(sum(s.attitude), 0) AS attitude,
           coalesce(sum(s.professionalism), 0) AS professionalism,
           coalesce(sum(s.site_clean::int), 0) AS site_clean,
           {{seconds}}
    FROM {{days}} days
    JOIN work_orders wo ON {_local_day_bounds("days.day")}
    LEFT JOIN LATERAL (SELECT arrived_at, arrival_flagged FROM visits
                       WHERE work_order_id = wo.id LIMIT 1) v ON true
    LEFT JOIN LATERAL (SELECT id, overall, timeliness, attitude, professionalism, site_clean
                       FROM satisfaction_forms WHERE work_order_id = wo.id LIMIT 1) s ON true
    CROSS JOIN LATERAL (
        SELECT count(*) AS revisits, count(*) FILTER (WHERE kind = 'reschedule') AS reschedules
        FROM work_order_events
        WHERE work_order_id = wo.id AND kind IN ('reschedule', 'unassign')) r
    WHERE {{where}}
    GROUP BY days.day, wo.team_id, wo.zone_id, wo.type_code, wo.technician_id
"""


def _seconds(expr, present):
    return (
        f"coalesce(array_agg(extract(epoch FROM {expr})::float8) FILTER (WHERE {present}), '{{}}')"
    )


SECONDS = ",\n           ".join(
    (
        _seconds("wo.completed_at - wo.created_at", "wo.completed_at IS NOT NULL")
        + " AS complete_s",
        _seconds("wo.accepted_at - wo.created_at", "wo.accepted_at IS NOT NULL") + " AS accept_s",
        _seconds("v.arrived_at - wo.created_at", "v.arrived_at IS NOT NULL") + " AS arrive_s",
    )
)

# Days of the period [:first, :last] that the summary cannot answer for: never summarised
# (today, yesterday, days before the job first ran) or changed since.
LIVE_DAYS = """
    SELECT CAST(:first AS date) + i AS day
    FROM generate_series(0, CAST(:last AS date) - CAST(:first AS date)) i
    WHERE NOT EXISTS (SELECT 1 FROM order_figure_summarised d
                      WHERE d.day = CAST(:first AS date) + i)
       OR EXISTS (SELECT 1 FROM order_figure_changes c WHERE c.day = CAST(:first AS date) + i)
"""


def facts(filters):
    """SQL (a CTE body) for the period's summary rows under `filters`: clean summarised days
    from the table, every other day computed from the orders, in one snapshot."""
    return f"""
        WITH live AS MATERIALIZED ({LIVE_DAYS})
        SELECT {COLUMNS} FROM order_figure_days d
        WHERE d.day BETWEEN CAST(:first AS date) AND CAST(:last AS date)
          AND d.day NOT IN (SELECT day FROM live) AND {filters.orders_where("d", period=False)}
        UNION ALL
        {ROWS.format(seconds=SECONDS, days="live", where=filters.orders_where(period=False))}
    """


def summarise():
    """Summarise every past day not yet summarised or changed since; returns the days."""
    db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    changes = db.session.execute(sa.text("SELECT id, day FROM order_figure_changes")).all()
    days = db.session.scalars(
        sa.text(
            f"""
            WITH bounds AS (
                SELECT (min(created_at) AT TIME ZONE {LOCAL})::date AS first,
                       (now() AT TIME ZONE {LOCAL})::date - :after AS last
                FROM work_orders)
            SELECT b.first + i FROM bounds b, generate_series(0, b.last - b.first) i
            WHERE NOT EXISTS (SELECT 1 FROM order_figure_summarised d WHERE d.day = b.first + i)
               OR b.first + i = ANY(:changed)
            """
        ),
        {"after": SUMMARISE_AFTER_DAYS, "changed": sorted({day for _, day in changes})},
    ).all()
    if days:
        _rebuild(days)
    if changes:
        db.session.execute(
            sa.text("DELETE FROM order_figure_changes WHERE id = ANY(:ids)"),
            {"ids": [change_id for change_id, _ in changes]},
        )
    return days


def _rebuild(days):
    params = {"days": days}
    rows = ROWS.format(
        seconds=SECONDS, days="(SELECT unnest(CAST(:days AS date[])) AS day)", where="TRUE"
    )
    for sql in (
        "DELETE FROM order_figure_days WHERE day = ANY(:days)",
        f"INSERT INTO order_figure_days ({COLUMNS}) {rows}",
        "INSERT INTO order_figure_summarised (day, summarised_at) "
        "SELECT unnest(CAST(:days AS date[])), now() "
        "ON CONFLICT (day) DO UPDATE SET summarised_at = excluded.summarised_at",
    ):
        db.session.execute(sa.text(sql), params)
