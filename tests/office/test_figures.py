"""Every management figure on a small fixed data set; the answers are worked out by hand in
the comments next to each assertion (one ISO week, 2-8 November 2026, Asia/Shanghai).

Orders (team A unless noted; h = hours after the order was created):
  O1 general, tech T1, completed 10 h (deadline 72 h: on time), arrived, form 5/4/5/4, clean,
     a comment
  O2 general, tech T1, completed 100 h (late), 2 reschedules, arrival flagged, form 3/2/4/3,
     not clean
  O3 general, tech T2, completed 30 h, returned to the queue once (unassign), arrived, no form
  O4 emergency, tech T2, accepted 15 min, arrived 45 min, completed 2 h (deadline 4 h), form 4/5/4/5
     clean, a suggestion
  O5 general, tech T1, still assigned, deadline passed: overdue now
  O6 general, received in October (outside the period), still new, deadline passed: overdue now
  O7 general, team B, completed 20 h, on time, no technician, no visit
Complaints (received in the week):
  C1 水质管理部 water quality, justified, sensitive; handed off on time; resolved 20 h after;
     follow-up satisfied
  C2 水质管理部 service quality, not justified; handed off late; resolved 30 h after; follow-up
     dissatisfied
  C3 营业部 water quality, justified; handed off on time; not resolved
  C4 closed at intake: no department, proposal, not judged
"""

import io
from datetime import date, datetime, timedelta

import openpyxl
import pytest

from app.calendar.rules import TZ
from app.complaints.models import Complaint, ComplaintFollowUp
from app.extensions import db
from app.office import figures, report
from app.visits.models import SatisfactionForm, Visit
from app.workorders.models import WorkOrderEvent

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=TZ)  # Monday 09:00
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ)
H = timedelta(hours=1)
MIN = timedelta(minutes=1)


def order(make, team, created, deadline_h, tech=None, type="general_repair", **cols):
    wo = make.work_order(type=type, at=None, address="海阳市方圆街道1号")
    cols = {"status": "completed"} | cols
    for name, value in dict(
        created_at=created,
        deadline_at=created + deadline_h * H,
        team_id=team.id,
        zone_id=None,
        technician_id=tech.id if tech else None,
        **cols,
    ).items():
        setattr(wo, name, value)
    db.session.flush()
    return wo


def form(wo, tech, team, scores, clean, comments="", suggestions="", at=None):
    overall, timeliness, attitude, professionalism = scores
    db.session.add(
        SatisfactionForm(
            work_order_id=wo.id,
            technician_id=tech.id,
            team_id=team.id,
            overall=overall,
            timeliness=timeliness,
            attitude=attitude,
            professionalism=professionalism,
            site_clean=clean,
            comments=comments,
            suggestions=suggestions,
            channel="technician_phone",
            submitted_at=at,
        )
    )


def event(wo, kind, at):
    db.session.add(
        WorkOrderEvent(work_order_id=wo.id, kind=kind, actor_label="test", server_time=at)
    )


def complaint(agent, n, kind, received, department=None, **cols):
    c = Complaint(
        number=f"CPT{n:04d}",
        kind=kind,
        channel="hotline",
        status=cols.pop("status", "in_progress"),
        caller_name="李女士",
        caller_phone="13812345678",
        description="测试",
        received_at=received,
        received_by_id=agent.id,
        department_id=department.id if department else None,
        **cols,
    )
    db.session.add(c)
    db.session.flush()
    return c


@pytest.fixture
def data(make):
    team_a, team_b = make.team(name="城区维修一班"), make.team(name="城区维修二班")
    t1 = make.technician(team=team_a, name="张师傅")
    t2 = make.technician(team=team_a, name="李师傅")
    o1 = order(make, team_a, T0, 72, t1, completed_at=T0 + 10 * H)
    o2 = order(make, team_a, T0 + H, 72, t1, completed_at=T0 + 101 * H)
    o3 = order(make, team_a, T0 + 2 * H, 72, t2, completed_at=T0 + 32 * H)
    o4 = order(
        make,
        team_a,
        T0 + 3 * H,
        4,
        t2,
        type="emergency_repair",
        accepted_at=T0 + 3 * H + 15 * MIN,
        completed_at=T0 + 5 * H,
    )
    order(make, team_a, T0 + 4 * H, 24, t1, status="assigned")
    order(make, team_a, datetime(2026, 10, 20, 9, tzinfo=TZ), 72, status="new")
    order(make, team_b, T0 + 5 * H, 72, completed_at=T0 + 25 * H)
    db.session.add_all(
        [
            Visit(work_order_id=o1.id, arrived_at=T0 + 5 * H),
            Visit(work_order_id=o2.id, arrived_at=T0 + 30 * H, arrival_flagged=True),
            Visit(work_order_id=o3.id, arrived_at=T0 + 20 * H),
            Visit(work_order_id=o4.id, arrived_at=T0 + 3 * H + 45 * MIN),
        ]
    )
    event(o2, "reschedule", T0 + 10 * H)
    event(o2, "reschedule", T0 + 20 * H)
    event(o3, "unassign", T0 + 5 * H)
    form(o1, t1, team_a, (5, 4, 5, 4), True, comments="很好", at=T0 + 11 * H)
    form(o2, t1, team_a, (3, 2, 4, 3), False, at=T0 + 102 * H)
    form(o4, t2, team_a, (4, 5, 4, 5), True, suggestions="建议提前电话", at=T0 + 6 * H)

    agent = make.user("hotline_agent")
    water = make.team(code="WQ", name="水质管理部", kind="department")
    sales = make.team(code="YY", name="营业部", kind="department")
    due = T0 + 3 * H
    c1 = complaint(
        agent,
        1,
        "water_quality",
        T0,
        water,
        justified=True,
        sensitive=True,
        handoff_due_at=due,
        handed_off_at=T0 + H,
        resolved_at=T0 + 21 * H,
        status="closed",
    )
    c2 = complaint(
        agent,
        2,
        "service_quality",
        T0,
        water,
        justified=False,
        handoff_due_at=due,
        handed_off_at=T0 + 5 * H,
        resolved_at=T0 + 35 * H,
        status="closed",
    )
    complaint(
        agent,
        3,
        "water_quality",
        T0 + H,
        sales,
        justified=True,
        handoff_due_at=T0 + 4 * H,
        handed_off_at=T0 + 2 * H,
    )
    complaint(agent, 4, "proposal", T0 + 2 * H, status="closed", closed_at_intake=True)
    for c, satisfied in ((c1, True), (c2, False)):
        db.session.add(
            ComplaintFollowUp(
                complaint_id=c.id,
                opened_at=c.resolved_at,
                due_at=c.resolved_at + 72 * H,
                done_at=c.resolved_at + 24 * H,
                satisfied=satisfied,
            )
        )
    db.session.commit()
    return {"team_a": team_a, "team_b": team_b, "water": water}


WEEK = figures.Filters.of(date(2026, 11, 2), date(2026, 11, 8))


def test_work_order_figures(data):
    got = figures.order_figures(WEEK, NOW)
    assert got["received"] == 6  # O1-O5, O7 (O6 came in October)
    assert got["completed"] == 5  # O1, O2, O3, O4, O7
    assert got["on_time_pct"] == 80.0  # 4 of 5: all but O2
    assert got["overdue_now"] == 2  # O5 and O6: open, past their deadline on 20 November
    # hours to complete: O4 2, O1 10, O7 20, O3 30, O2 100 -> median 20
    assert got["median_hours"] == 20.0
    # p90, interpolated: rank 0.9 * 4 = 3.6 -> 30 + 0.6 * (100 - 30) = 72
    assert got["p90_hours"] == 72.0
    assert got["emergencies"] == 1
    assert got["emergency_accept_minutes"] == 15.0
    assert got["emergency_arrive_minutes"] == 45.0


def test_work_order_figures_for_one_team(data):
    team = figures.Filters.of(date(2026, 11, 2), date(2026, 11, 8), team_id=data["team_a"].id)
    got = figures.order_figures(team, NOW)
    assert (got["received"], got["completed"], got["on_time_pct"]) == (5, 4, 75.0)
    assert got["overdue_now"] == 2  # O5 and O6 are both team A's
    assert got["median_hours"] == 20.0  # 2, 10, 30, 100 -> (10 + 30) / 2
    assert got["p90_hours"] == 79.0  # rank 2.7 -> 30 + 0.7 * 70


def test_visit_figures(data):
    got = figures.visit_figures(WEEK)
    assert got["first_visit_pct"] == 60.0  # O1, O4, O7 of 5 (O2 rescheduled, O3 sent back)
    assert got["reschedules"] == 2
    assert (got["arrivals"], got["flagged_arrivals"], got["flagged_pct"]) == (4, 1, 25.0)


def test_satisfaction_figures(data):
    got = figures.survey_figures(WEEK)
    assert (got["answered"], got["answered_pct"]) == (3, 60.0)  # O1, O2, O4 of 5 completed
    assert got["avg_overall"] == 4.0  # (5 + 3 + 4) / 3
    assert got["avg_timeliness"] == 3.67  # (4 + 2 + 5) / 3
    assert got["avg_attitude"] == 4.33  # (5 + 4 + 4) / 3
    assert got["avg_professionalism"] == 4.0  # (4 + 3 + 5) / 3
    assert got["site_clean_pct"] == 66.7  # 2 of 3
    # comments to read, newest first: O1's comment (11 h) after O4's suggestion (6 h)
    assert [(c["comments"], c["suggestions"]) for c in got["comments"]] == [
        ("很好", ""),
        ("", "建议提前电话"),
    ]


def test_complaint_figures(data):
    got = figures.complaint_figures(WEEK)
    assert (got["received"], got["justified"], got["sensitive"]) == (4, 2, 1)
    assert got["handoff_on_time_pct"] == 66.7  # C1 and C3 of the 3 handed off
    assert got["within_24h_pct"] == 50.0  # C1 (20 h) of C1, C2 resolved
    assert got["within_48h_pct"] == 100.0  # C2 took 30 h
    assert got["follow_up_satisfied_pct"] == 50.0  # C1 of C1, C2
    one = figures.Filters.of(date(2026, 11, 2), date(2026, 11, 8), team_id=data["water"].id)
    assert figures.complaint_figures(one)["received"] == 2  # C1, C2


def test_complaints_by_kind_and_department(data):
    rows = {
        (r["department"], r["kind"]): (r["n"], r["justified"])
        for r in figures.complaints_by_kind_and_department(WEEK)
    }
    assert rows == {
        ("水质管理部", "water_quality"): (1, 1),
        ("水质管理部", "service_quality"): (1, 0),
        ("营业部", "water_quality"): (1, 1),
        ("未移交", "proposal"): (1, 0),
    }


def test_weekly_trend(data):
    two_weeks = figures.Filters.of(date(2026, 10, 19), date(2026, 11, 8))
    assert figures.weekly_trend(two_weeks) == [
        # O6, received Tuesday 20 October, still open
        {"week": "2026-10-19", "received": 1, "completed": 0, "on_time_pct": None}
        | {"complaints": 0, "justified": 0},
        {"week": "2026-11-02", "received": 6, "completed": 5, "on_time_pct": 80.0}
        | {"complaints": 4, "justified": 2},
    ]


def test_technicians_show_workload_beside_outcomes_and_their_team(data):
    rows = figures.technician_rows(WEEK)
    assert [(r["name"], r["team"]) for r in rows] == [
        ("张师傅", "城区维修一班"),
        ("李师傅", "城区维修一班"),
    ]
    zhang, li = rows
    # 张: O1, O2, O5 -> 2 completed, O1 on time; forms 5 and 3
    assert (zhang["assigned"], zhang["emergencies"], zhang["completed"]) == (3, 0, 2)
    assert (zhang["on_time_pct"], zhang["forms"], zhang["satisfaction"]) == (50.0, 2, 4.0)
    # 李: O3, O4 -> both on time; one form (4)
    assert (li["assigned"], li["emergencies"], li["completed"]) == (2, 1, 2)
    assert (li["on_time_pct"], li["forms"], li["satisfaction"]) == (100.0, 1, 4.0)
    # the team: 3 of its 4 completed on time, shown beside each person
    assert zhang["team_on_time_pct"] == li["team_on_time_pct"] == 75.0


def test_the_report_gives_every_figure_a_definition_and_exports_every_table(data):
    built = report.build(WEEK, NOW)
    assert all(f["definition"] and f["label"] for f in built["figures"])
    assert {t["key"] for t in built["tables"]} == {
        "weekly",
        "complaints_by_kind",
        "technicians",
        "comments",
    }
    book = openpyxl.load_workbook(io.BytesIO(report.xlsx(built)))
    assert book.sheetnames == [
        "指标",
        "每周趋势",
        "投诉按类别与部门",
        "维修工",
        "用户意见(最近20条)",
    ]
    assert book["指标"]["B2"].value == "受理工单" and book["指标"]["C2"].value == 6


def test_the_figures_api_refuses_an_agent_and_a_backwards_period(client, make):
    query = {"from": "2026-11-08", "to": "2026-11-02"}
    lead = make.headers(make.user("department_lead"))
    resp = client.get("/api/office/figures", headers=lead, query_string=query)
    assert resp.status_code == 422 and "to" in resp.json["errors"]
    agent = make.headers(make.user("hotline_agent"))
    query = {"from": "2026-11-02", "to": "2026-11-08"}
    assert client.get("/api/office/figures", headers=agent, query_string=query).status_code == 403
    resp = client.get("/api/office/figures", headers=lead, query_string=query)
    assert resp.status_code == 200 and len(resp.json["figures"]) == len(report.FIGURES)
