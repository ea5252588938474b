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

    @property
    def params(self):
        return {
            "start": self.start,
            "end": self.end,
            "team_id": self.team_id,
            "zone_id": self.zone_id,
            "type_code": self.type_code,
        }


def analytic_session():
    """No JIT for these one-off aggregates: compiling costs more than it saves (seconds on a
    year of data); SET LOCAL ends with the request's transaction."""
    db.session.execute(sa.text("SET LOCAL jit = off"))


def _one(sql, filters, **extra):
    return db.session.execute(sa.text(sql), filters.params | extra).mappings().one()


def _all(sql, filters, **extra):
    return db.session.execute(sa.text(sql), filters.params | extra).mappings().all()


def percent(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def hours(seconds):
    return None if seconds is None else round(seconds / HOUR, 1)


# Orders that were not done at the first visit: rescheduled or sent back to the queue. The
# partial index ix_work_order_events_revisits keeps this to an index-only scan.
REVISITS = """
    SELECT work_order_id, count(*) FILTER (WHERE kind = 'reschedule') AS reschedules
    FROM work_order_events WHERE kind IN ('reschedule', 'unassign') GROUP BY work_order_id
"""


def cohort_row(f):
    """One pass over the period's orders with their visit, form and revisits: every order,
    visit and survey figure at once (the page's largest query)."""
    return _one(
        f"""
        SELECT count(*) AS received,
               count(wo.completed_at) AS completed,
               count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM wo.completed_at - wo.created_at)) AS median_s,
               percentile_cont(0.9) WITHIN GROUP (
                   ORDER BY extract(epoch FROM wo.completed_at - wo.created_at)) AS p90_s,
               count(*) FILTER (WHERE t.is_emergency) AS emergencies,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM wo.accepted_at - wo.created_at))
                   FILTER (WHERE t.is_emergency) AS accept_s,
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM v.arrived_at - wo.created_at))
                   FILTER (WHERE t.is_emergency) AS arrive_s,
               count(wo.completed_at) FILTER (WHERE r.work_order_id IS NULL) AS first_visit,
               coalesce(sum(r.reschedules), 0) AS reschedules,
               count(v.arrived_at) AS arrivals,
               count(*) FILTER (WHERE v.arrival_flagged) AS flagged,
               count(s.id) AS answered,
               avg(s.overall) AS overall, avg(s.timeliness) AS timeliness,
               avg(s.attitude) AS attitude, avg(s.professionalism) AS professionalism,
               avg(s.site_clean::int) AS site_clean
        FROM work_orders wo
        JOIN work_order_types t ON t.code = wo.type_code
        LEFT JOIN visits v ON v.work_order_id = wo.id
        LEFT JOIN satisfaction_forms s ON s.work_order_id = wo.id
        LEFT JOIN ({REVISITS}) r ON r.work_order_id = wo.id
        WHERE {f.orders_where()}
        """,
        f,
    )


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


QUESTIONS = ("overall", "timeliness", "attitude", "professionalism")


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


def weekly_trend(f):
    """Per ISO week (Monday, Asia/Shanghai) of the period: orders and complaints."""
    orders = _all(
        f"""
        SELECT date_trunc('week', wo.created_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
               count(*) AS received,
               count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
               count(*) FILTER (WHERE wo.completed_at IS NOT NULL) AS completed
        FROM work_orders wo WHERE {f.orders_where()} GROUP BY 1
        """,
        f,
    )
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


def technician_rows(f):
    """Workload next to outcomes, with the team's own rate beside each person's (no ranking)."""
    rows = _all(
        f"""
        SELECT tech.id, tech.name, team.name AS team, count(*) AS assigned,
               count(*) FILTER (WHERE t.is_emergency) AS emergencies,
               count(*) FILTER (WHERE wo.completed_at IS NOT NULL) AS completed,
               count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
               count(s.id) AS forms, avg(s.overall) AS satisfaction
        FROM work_orders wo
        JOIN technicians tech ON tech.id = wo.technician_id
        JOIN teams team ON team.id = tech.team_id
        JOIN work_order_types t ON t.code = wo.type_code
        LEFT JOIN satisfaction_forms s ON s.work_order_id = wo.id
        WHERE {f.orders_where()}
        GROUP BY tech.id, tech.name, team.name ORDER BY team.name, tech.name
        """,
        f,
    )
    teams = {}
    for r in rows:
        done, on_time = teams.get(r["team"], (0, 0))
        teams[r["team"]] = (done + r["completed"], on_time + r["on_time"])
    return [
        {
            "name": r["name"],
            "team": r["team"],
            "assigned": r["assigned"],
            "emergencies": r["emergencies"],
            "completed": r["completed"],
            "on_time_pct": percent(r["on_time"], r["completed"]),
            "team_on_time_pct": percent(teams[r["team"]][1], teams[r["team"]][0]),
            "forms": r["forms"],
            "satisfaction": _round(r["satisfaction"], 2),
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
