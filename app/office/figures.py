"""The management figures (issue 14): work orders, visits, satisfaction forms, complaints and
technicians for one period, team, zone and order type. Each figure is one SQL aggregate over
indexed columns (orders by created_at, complaints by received_at) and carries its definition,
which the page shows next to it.

A period is a cohort: the orders received (created) in it and the complaints received in it;
what happened to them later (completion, follow-up) counts for that cohort. "Overdue now"
is the exception: open orders past their deadline at this moment, whatever their period.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.calendar.rules import TZ
from app.extensions import db
from app.office import summary
from app.office.models import COUNTS, SCORES
from app.workorders.states import OPEN_STATUSES

HOUR = 3600.0


@dataclass(frozen=True)
class Filters:
    start: datetime
    end: datetime
    team_id: int | None = None
    zone_id: int | None = None
    type_code: str | None = None

    @classmethod
    def of(cls, first_day, last_day, team_id=None, zone_id=None, type_code=None):
        """From local dates (both included) to [start, end) instants in Asia/Shanghai."""
        start = datetime.combine(first_day, time(0), tzinfo=TZ)
        end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=TZ)
        return cls(start, end, team_id, zone_id, type_code)

    def orders_where(self, alias="wo", period=True):
        parts = [f"{alias}.created_at >= :start AND {alias}.created_at < :end"] if period else []
        for column, value in (
            ("team_id", self.team_id),
            ("zone_id", self.zone_id),
            ("type_code", self.type_code),
        ):
            if value is not None:
                parts.append(f"{alias}.{column} = :{column}")
        return " AND ".join(parts) or "TRUE"

    def complaints_where(self, alias="c"):
        where = f"{alias}.received_at >= :start AND {alias}.received_at < :end"
        if self.team_id is not None:
            where += f" AND {alias}.department_id = :team_id"
        return where

    def __post_init__(self):
        for instant in (self.start, self.end):
            if instant.astimezone(TZ).time() != time(0):
                raise ValueError("a period is whole days: from and to are local midnights")

    @property
    def params(self):
        return {
            "start": self.start,
            "end": self.end,
            "first": self.start.astimezone(TZ).date(),
            "last": (self.end.astimezone(TZ) - timedelta(days=1)).date(),
            "team_id": self.team_id,
            "zone_id": self.zone_id,
            "type_code": self.type_code,
        }


def analytic_session():
    """No JIT for these one-off aggregates: compiling costs more than it saves (seconds on a
    year of data); memory enough to sort a year's durations without temporary files. SET LOCAL
    ends with the request's transaction."""
    db.session.execute(sa.text("SET LOCAL jit = off"))
    db.session.execute(sa.text("SET LOCAL work_mem = '64MB'"))


def _one(sql, filters, **extra):
    return db.session.execute(sa.text(sql), filters.params | extra).mappings().one()


def _all(sql, filters, **extra):
    return db.session.execute(sa.text(sql), filters.params | extra).mappings().all()


def percent(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def hours(seconds):
    return None if seconds is None else round(seconds / HOUR, 1)


COHORT = """
    WITH facts AS ({facts}),
    f AS MATERIALIZED (
        SELECT facts.*, t.is_emergency, date_trunc('week', facts.day::timestamp)::date AS week
        FROM facts JOIN work_order_types t ON t.code = facts.type_code),
    pct AS (
        SELECT (SELECT percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY x)
                FROM f, unnest(f.complete_s) x) AS complete_s,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
                FROM f, unnest(f.accept_s) x WHERE f.is_emergency) AS accept_s,
               (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x)
                FROM f, unnest(f.arrive_s) x WHERE f.is_emergency) AS arrive_s),
    g AS (
        SELECT GROUPING(week) AS all_weeks, GROUPING(technician_id) AS all_technicians,
               week, technician_id,
               {sums},
               coalesce(sum(received) FILTER (WHERE is_emergency), 0)::bigint AS emergencies,
               {averages}
        FROM f GROUP BY GROUPING SETS ((), (week), (technician_id)))
    SELECT g.*, tech.name, team.name AS team, pct.*
    FROM g CROSS JOIN pct
    LEFT JOIN technicians tech ON tech.id = g.technician_id
    LEFT JOIN teams team ON team.id = tech.team_id
"""
QUESTIONS = tuple(score for score in SCORES if score != "site_clean")  # the form's 1-5 answers


def cohort(f):
    """The period's orders with their visits, forms and second visits, from the summary
    (app.office.summary) in one statement: the totals, each week and each technician."""
    sql = COHORT.format(
        facts=summary.facts(f),
        sums=", ".join(f"coalesce(sum({c}), 0)::bigint AS {c}" for c in COUNTS),
        averages=", ".join(f"sum({c})::numeric / nullif(sum(answered), 0) AS {c}" for c in SCORES),
    )
    rows = _all(sql, f)
    total = next(r for r in rows if r["all_weeks"] and r["all_technicians"])
    median, p90 = total["complete_s"] or (None, None)
    return {
        "total": dict(total) | {"median_s": median, "p90_s": p90},
        "weeks": [r for r in rows if not r["all_weeks"]],
        "technicians": sorted(
            (r for r in rows if not r["all_technicians"] and r["team"] is not None),
            key=lambda r: (r["team"], r["name"]),
        ),
    }


def cohort_row(f):
    """Every order, visit and survey figure of the period at once."""
    return cohort(f)["total"]


def order_figures(f, now, row=None):
    row = row or cohort_row(f)
    overdue = _one(
        f"""
        SELECT count(*) AS n FROM work_orders wo
        WHERE wo.deadline_at < :now AND wo.status = ANY(CAST(:open AS work_order_status[]))
          AND {f.orders_where(period=False)}
        """,
        f,
        now=now,
        open=list(OPEN_STATUSES),
    )
    return {
        "received": row["received"],
        "completed": row["completed"],
        "on_time_pct": percent(row["on_time"], row["completed"]),
        "overdue_now": overdue["n"],
        "median_hours": hours(row["median_s"]),
        "p90_hours": hours(row["p90_s"]),
        "emergencies": row["emergencies"],
        "emergency_accept_minutes": _minutes(row["accept_s"]),
        "emergency_arrive_minutes": _minutes(row["arrive_s"]),
    }


def _minutes(seconds):
    return None if seconds is None else round(seconds / 60.0, 1)


def visit_figures(f, row=None):
    row = row or cohort_row(f)
    return {
        "first_visit_pct": percent(row["first_visit"], row["completed"]),
        "reschedules": int(row["reschedules"]),
        "arrivals": row["arrivals"],
        "flagged_arrivals": row["flagged"],
        "flagged_pct": percent(row["flagged"], row["arrivals"]),
    }


def survey_figures(f, row=None):
    row = row or cohort_row(f)
    comments = _all(
        f"""
        SELECT wo.number, s.overall, s.comments, s.suggestions, s.submitted_at
        FROM satisfaction_forms s JOIN work_orders wo ON wo.id = s.work_order_id
        WHERE {f.orders_where()} AND (s.comments <> '' OR s.suggestions <> '')
        ORDER BY s.submitted_at DESC LIMIT 20
        """,
        f,
    )
    clean = row["site_clean"]
    return {
        "answered": row["answered"],
        "answered_pct": percent(row["answered"], row["completed"]),
        **{f"avg_{q}": _round(row[q], 2) for q in QUESTIONS},
        "site_clean_pct": None if clean is None else round(100 * float(clean), 1),
        "comments": [dict(c) for c in comments],
    }


def _round(value, digits):
    return None if value is None else round(float(value), digits)


def complaint_figures(f):
    row = _one(
        f"""
        SELECT count(*) AS received,
               count(*) FILTER (WHERE c.justified) AS justified,
               count(*) FILTER (WHERE c.sensitive) AS sensitive,
               count(c.handed_off_at) AS handed_off,
               count(*) FILTER (WHERE c.handed_off_at <= c.handoff_due_at) AS handoff_on_time,
               count(*) FILTER (WHERE c.resolved_at IS NOT NULL
                                AND c.handed_off_at IS NOT NULL) AS resolved,
               count(*) FILTER (WHERE c.resolved_at - c.handed_off_at
                                <= interval '24 hours') AS within_24h,
               count(*) FILTER (WHERE c.resolved_at - c.handed_off_at
                                <= interval '48 hours') AS within_48h,
               (SELECT count(*) FROM complaint_follow_ups u JOIN complaints c2
                    ON c2.id = u.complaint_id
                WHERE u.done_at IS NOT NULL AND {f.complaints_where("c2")}) AS followed_up,
               (SELECT count(*) FROM complaint_follow_ups u JOIN complaints c2
                    ON c2.id = u.complaint_id
                WHERE u.satisfied AND {f.complaints_where("c2")}) AS satisfied
        FROM complaints c WHERE {f.complaints_where()}
        """,
        f,
    )
    return {
        "received": row["received"],
        "justified": row["justified"],
        "sensitive": row["sensitive"],
        "handoff_on_time_pct": percent(row["handoff_on_time"], row["handed_off"]),
        "within_24h_pct": percent(row["within_24h"], row["resolved"]),
        "within_48h_pct": percent(row["within_48h"], row["resolved"]),
        "follow_up_satisfied_pct": percent(row["satisfied"], row["followed_up"]),
    }


def complaints_by_kind_and_department(f):
    return _all(
        f"""
        SELECT coalesce(t.name, '未移交') AS department, c.kind, count(*) AS n,
               count(*) FILTER (WHERE c.justified) AS justified
        FROM complaints c LEFT JOIN teams t ON t.id = c.department_id
        WHERE {f.complaints_where()}
        GROUP BY 1, 2 ORDER BY 1, 2
        """,
        f,
    )


def weekly_trend(f, orders=None):
    """Per ISO week (Monday, Asia/Shanghai) of the period: orders and complaints."""
    orders = cohort(f)["weeks"] if orders is None else orders
    complaints = _all(
        f"""
        SELECT date_trunc('week', c.received_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
               count(*) AS complaints, count(*) FILTER (WHERE c.justified) AS justified
        FROM complaints c WHERE {f.complaints_where()} GROUP BY 1
        """,
        f,
    )
    weeks = {}
    for r in orders:
        weeks.setdefault(r["week"], {}).update(
            received=r["received"],
            completed=r["completed"],
            on_time_pct=percent(r["on_time"], r["completed"]),
        )
    for r in complaints:
        weeks.setdefault(r["week"], {}).update(complaints=r["complaints"], justified=r["justified"])
    return [_week_row(week, weeks[week]) for week in sorted(weeks)]


def _week_row(week: date, data):
    return {
        "week": week.isoformat(),
        "received": data.get("received", 0),
        "completed": data.get("completed", 0),
        "on_time_pct": data.get("on_time_pct"),
        "complaints": data.get("complaints", 0),
        "justified": data.get("justified", 0),
    }


def technician_rows(f, rows=None):
    """Workload next to outcomes, with the team's own rate beside each person's (no ranking)."""
    rows = cohort(f)["technicians"] if rows is None else rows
    teams = {}
    for r in rows:
        done, on_time = teams.get(r["team"], (0, 0))
        teams[r["team"]] = (done + r["completed"], on_time + r["on_time"])
    return [
        {
            "name": r["name"],
            "team": r["team"],
            "assigned": r["received"],
            "emergencies": r["emergencies"],
            "completed": r["completed"],
            "on_time_pct": percent(r["on_time"], r["completed"]),
            "team_on_time_pct": percent(teams[r["team"]][1], teams[r["team"]][0]),
            "forms": r["answered"],
            "satisfaction": _round(r["overall"], 2),
        }
        for r in rows
    ]


def filter_choices():
    def refs(sql):
        return [dict(r) for r in db.session.execute(sa.text(sql)).mappings()]

    return {
        "teams": refs("SELECT id, name FROM teams ORDER BY kind DESC, code"),
        "zones": refs(
            "SELECT id, name || '(' || code || ')' AS name FROM service_zones ORDER BY code"
        ),
        "types": refs(
            "SELECT code AS id, name_zh AS name FROM work_order_types WHERE active ORDER BY code"
        ),
    }
