"""The management figures from the daily summary equal the straightforward computation over the
orders: before the summary exists, after the job summarised the past days (today and yesterday
still computed), after edits to orders of summarised days, and after the job caught up again.

The reference below is the page's original SQL: one pass over orders, visits, forms and second
visits for the totals, and the orders joined to technicians for the technician table.
"""

import random
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.calendar.rules import TZ
from app.extensions import db
from app.jobs import run
from app.office import figures, summary
from app.visits.models import SatisfactionForm, Visit
from app.workorders.models import WorkOrderEvent

H = timedelta(hours=1)
DAY = timedelta(days=1)

REFERENCE_TOTAL = """
    SELECT count(*) AS received, count(wo.completed_at) AS completed,
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
           count(v.arrived_at) AS arrivals, count(*) FILTER (WHERE v.arrival_flagged) AS flagged,
           count(s.id) AS answered, avg(s.overall) AS overall, avg(s.timeliness) AS timeliness,
           avg(s.attitude) AS attitude, avg(s.professionalism) AS professionalism,
           avg(s.site_clean::int) AS site_clean
    FROM work_orders wo
    JOIN work_order_types t ON t.code = wo.type_code
    LEFT JOIN visits v ON v.work_order_id = wo.id
    LEFT JOIN satisfaction_forms s ON s.work_order_id = wo.id
    LEFT JOIN (SELECT work_order_id, count(*) FILTER (WHERE kind = 'reschedule') AS reschedules
               FROM work_order_events WHERE kind IN ('reschedule', 'unassign')
               GROUP BY work_order_id) r ON r.work_order_id = wo.id
    WHERE {where}
"""
REFERENCE_WEEKS = """
    SELECT date_trunc('week', wo.created_at AT TIME ZONE 'Asia/Shanghai')::date AS week,
           count(*) AS received,
           count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
           count(*) FILTER (WHERE wo.completed_at IS NOT NULL) AS completed
    FROM work_orders wo WHERE {where} GROUP BY 1
"""
REFERENCE_TECHNICIANS = """
    SELECT tech.name, team.name AS team, count(*) AS received,
           count(*) FILTER (WHERE t.is_emergency) AS emergencies,
           count(*) FILTER (WHERE wo.completed_at IS NOT NULL) AS completed,
           count(*) FILTER (WHERE wo.completed_at <= wo.deadline_at) AS on_time,
           count(s.id) AS answered, avg(s.overall) AS overall
    FROM work_orders wo
    JOIN technicians tech ON tech.id = wo.technician_id
    JOIN teams team ON team.id = tech.team_id
    JOIN work_order_types t ON t.code = wo.type_code
    LEFT JOIN satisfaction_forms s ON s.work_order_id = wo.id
    WHERE {where}
    GROUP BY tech.id, tech.name, team.name ORDER BY team.name, tech.name
"""


def reference(f):
    def rows(sql):
        return figures._all(sql.format(where=f.orders_where()), f)

    return {"total": rows(REFERENCE_TOTAL)[0], "weeks": rows(REFERENCE_WEEKS)}, rows(
        REFERENCE_TECHNICIANS
    )


def page(f, now, total, weeks, technicians):
    """Every orders-side figure and table of the page, from the given totals and rows."""
    return {
        "orders": figures.order_figures(f, now, total),
        "visits": figures.visit_figures(f, total),
        "surveys": figures.survey_figures(f, total),
        "weekly": figures.weekly_trend(f, weeks),
        "technicians": figures.technician_rows(f, technicians),
    }


def assert_fast_equals_reference(f, now):
    fast = figures.cohort(f)
    ref, ref_technicians = reference(f)
    for key in ("received", "completed", "on_time", "median_s", "p90_s", "accept_s"):
        assert fast["total"][key] == ref["total"][key], key
    got = page(f, now, fast["total"], fast["weeks"], fast["technicians"])
    assert got == page(f, now, ref["total"], ref["weeks"], ref_technicians)
    db.session.rollback()
    return got


@pytest.fixture
def today():
    return datetime.now(TZ).date()


@pytest.fixture
def orders(make, today):
    """~80 orders over the last 12 days and today, two teams, four technicians, every kind of
    detail the figures read (completion, acceptance, visit, flag, form, second visits)."""
    rnd = random.Random(14)
    agent = make.user("hotline_agent")
    teams = [make.team(), make.team()]
    zones = [make.zone(team=team) for team in teams]
    techs = [make.technician(team=teams[i % 2]) for i in range(4)]
    made = []
    for n in range(80):
        day = today - timedelta(days=n % 13)
        created = datetime.combine(day, time(8), tzinfo=TZ) + rnd.randint(0, 14 * 60) * H / 60
        made.append(_order(make, agent, rnd, created, rnd.choice(techs), zones, teams))
    db.session.commit()
    return made


def _order(make, agent, rnd, created, tech, zones, teams):
    emergency = rnd.random() < 0.25
    wo = make.work_order(by=agent, type="emergency_repair" if emergency else "general_repair")
    side = tech.team_id == teams[1].id
    done = rnd.random() < 0.8
    for name, value in dict(
        created_at=created,
        deadline_at=created + (4 if emergency else 48) * H,
        team_id=tech.team_id,
        zone_id=zones[side].id,
        technician_id=tech.id if rnd.random() < 0.9 else None,
        accepted_at=created + rnd.randint(5, 90) * H / 60,
        completed_at=created + rnd.randint(1, 80) * H if done else None,
        status="completed" if done else "assigned",
    ).items():
        setattr(wo, name, value)
    if done and rnd.random() < 0.8:
        db.session.add(
            Visit(
                work_order_id=wo.id,
                arrived_at=created + rnd.randint(10, 300) * H / 60,
                arrival_flagged=rnd.random() < 0.2,
            )
        )
    if done and rnd.random() < 0.6:
        _form(wo, rnd)
    for _ in range(rnd.choice((0, 0, 0, 1, 2))):
        _event(wo, rnd.choice(("reschedule", "unassign")), created + H)
    db.session.flush()
    return wo


def _form(wo, rnd):
    db.session.add(
        SatisfactionForm(
            work_order_id=wo.id,
            technician_id=wo.technician_id,
            team_id=wo.team_id,
            overall=rnd.randint(1, 5),
            timeliness=rnd.randint(1, 5),
            attitude=rnd.randint(1, 5),
            professionalism=rnd.randint(1, 5),
            site_clean=rnd.random() < 0.8,
            comments="",
            suggestions="",
            channel="technician_phone",
            submitted_at=wo.completed_at or wo.created_at,
        )
    )


def _event(wo, kind, at):
    db.session.add(
        WorkOrderEvent(work_order_id=wo.id, kind=kind, actor_label="test", server_time=at)
    )


def _summarised_days():
    return set(db.session.scalars(sa.text("SELECT day FROM order_figure_summarised")))


def _changed_days():
    return set(db.session.scalars(sa.text("SELECT DISTINCT day FROM order_figure_changes")))


def _live_days(f):
    return set(db.session.scalars(sa.text(summary.LIVE_DAYS), f.params))


def test_the_summary_equals_the_orders_before_and_after_the_job_and_after_edits(orders, today):
    now = datetime.now(TZ)
    period = figures.Filters.of(today - timedelta(days=12), today)
    filtered = [
        period,
        figures.Filters.of(today - timedelta(days=12), today, team_id=orders[0].team_id),
        figures.Filters.of(
            today - timedelta(days=9),
            today - timedelta(days=3),
            zone_id=orders[1].zone_id,
            type_code="emergency_repair",
        ),
    ]
    before = [assert_fast_equals_reference(f, now) for f in filtered]
    assert before[0]["orders"]["received"] == 80

    run("app.office.jobs.summarise_figures")
    assert _summarised_days() == {today - timedelta(days=n) for n in range(2, 13)}
    assert _changed_days() == set()
    assert _live_days(period) == {today - DAY, today}  # today's rows are not summarised
    assert [assert_fast_equals_reference(f, now) for f in filtered] == before

    edited_days = _edit_summarised_days(orders, today)
    assert _changed_days() == edited_days
    edited = [assert_fast_equals_reference(f, now) for f in filtered]
    assert edited != before

    run("app.office.jobs.summarise_figures")
    assert _changed_days() == set()
    assert _live_days(period) == {today - DAY, today}
    assert [assert_fast_equals_reference(f, now) for f in filtered] == edited


def _edit_summarised_days(orders, today):
    """Complete an open order, answer a form, reschedule, move an order to another team and
    one to another day, each on an order of a different summarised day; returns those days."""
    days = iter(range(12, 1, -1))
    pick = _picker(orders, today, days)
    open_one = pick(lambda wo: wo.completed_at is None)
    open_one.completed_at, open_one.status = open_one.created_at + 3 * H, "completed"
    with_forms = set(db.session.scalars(sa.text("SELECT work_order_id FROM satisfaction_forms")))
    _form(
        pick(lambda wo: wo.completed_at is not None and wo.id not in with_forms), random.Random(6)
    )
    rescheduled = pick(lambda wo: True)
    _event(rescheduled, "reschedule", rescheduled.created_at + 2 * H)
    moved = pick(lambda wo: True)
    moved.team_id = next(t for t in {w.team_id for w in orders} if t != moved.team_id)
    late = pick(lambda wo: True)
    late.created_at += 2 * DAY
    db.session.commit()
    return pick.days | {late.created_at.astimezone(TZ).date()}


def _picker(orders, today, ages):
    """An order matching `wanted` from the next summarised day that has one."""

    def pick(wanted):
        for age in ages:
            day = today - timedelta(days=age)
            found = [wo for wo in orders if wo.created_at.astimezone(TZ).date() == day]
            if any(wanted(wo) for wo in found):
                pick.days.add(day)
                return next(wo for wo in found if wanted(wo))
        raise AssertionError("the data set ran out of summarised days")

    pick.days = set()
    return pick


def test_a_change_committed_while_the_job_ran_keeps_its_day_dirty(app, orders, today):
    run("app.office.jobs.summarise_figures")
    period = figures.Filters.of(today - timedelta(days=12), today)
    wo = next(w for w in orders if (today - w.created_at.astimezone(TZ).date()).days == 4)
    with db.engine.connect() as other:  # a request that commits after the job looked
        other.execute(
            sa.text("UPDATE work_orders SET deadline_at = created_at WHERE id = :id"),
            {"id": wo.id},
        )
        assert summary.summarise() == []
        db.session.commit()
        other.commit()
    assert _changed_days() == {today - timedelta(days=4)}
    assert today - timedelta(days=4) in _live_days(period)
    assert_fast_equals_reference(period, datetime.now(TZ))
    assert summary.summarise() == [today - timedelta(days=4)]
    db.session.commit()
    assert _changed_days() == set()
