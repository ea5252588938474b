"""Intake (R4.1-R4.3): the record, closing at intake, the hand-off deadline, duty alerts."""

import json
import re
from datetime import datetime

import sqlalchemy as sa

from app.calendar.rules import TZ
from app.complaints import services
from app.complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintDocument,
    ComplaintDutyShift,
    ComplaintEvent,
)
from app.extensions import db
from app.jobs import redis_conn
from app.notifications.models import Notification
from app.notifications.services import channel_for
from app.outbox import OutboxMessage
from app.workorders.models import DailySequence
from tests.complaints.kit import complaint_body, count, event_kinds, notifications


def test_agent_records_a_complaint_that_waits_for_its_hand_off(client, office):
    resp = client.post(
        "/api/complaints", headers=office.h(office.agent), json=complaint_body(office)
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert re.fullmatch(r"CP\d{8}0001", body["number"])
    assert body["status"] == "pending_handoff" and body["status_label"] == "待移交"
    assert body["kind_label"] == "供水质量" and body["department"]["name"] == "水质管理部"
    assert body["received_by_id"] == office.agent.id and body["caller_phone"] == "13812345678"
    assert body["handoff_due_at"] and "移交" in body["handoff_rule"]
    [clock] = body["clocks"]
    assert clock["kind"] == "handoff" and clock["due_at"] == body["handoff_due_at"]
    assert [e["kind"] for e in body["timeline"]][0] == "received"
    # Two checks are scheduled through the outbox: at 75% of the time and at the due moment.
    delays = db.session.scalars(
        sa.select(OutboxMessage.delay_seconds)
        .where(OutboxMessage.job == "app.complaints.jobs.check_clocks")
        .order_by(OutboxMessage.id)
    ).all()
    assert len(delays) == 2 and 0 < delays[0] < delays[1]


def test_working_day_boundaries_through_the_database_calendar(app, office):
    """10:59 and 11:00, 15:59 and 16:00, 17:31 on Wednesday 14 October 2026."""
    cases = [
        ((10, 59), (14, 12, 0)),
        ((11, 0), (14, 17, 30)),
        ((15, 59), (14, 17, 30)),
        ((16, 0), (15, 12, 0)),
        ((17, 31), (15, 12, 0)),
    ]
    for (hh, mm), (day, due_h, due_m) in cases:
        now = datetime(2026, 10, 14, hh, mm, tzinfo=TZ)
        complaint = services.intake(complaint_body(office), office.agent, now=now)
        db.session.commit()
        expected = datetime(2026, 10, day, due_h, due_m, tzinfo=TZ)
        assert complaint.handoff_due_at == expected, (hh, mm)
        assert complaint.received_on_non_working_day is False
    assert notifications("complaint_duty_alert") == []


def test_make_up_saturday_is_a_working_day_and_holidays_alert_the_duty_staff(client, office, make):
    duty = make.user("hotline_agent", display_name="值班员")
    db.session.add(ComplaintDutyShift(day=datetime(2026, 10, 3).date(), user_id=duty.id))
    db.session.commit()
    saturday = services.intake(
        complaint_body(office), office.agent, now=datetime(2026, 10, 10, 10, 59, tzinfo=TZ)
    )
    holiday = services.intake(
        complaint_body(office), office.agent, now=datetime(2026, 10, 3, 9, 0, tzinfo=TZ)
    )
    db.session.commit()
    assert saturday.handoff_due_at == datetime(2026, 10, 10, 12, 0, tzinfo=TZ)
    assert not saturday.received_on_non_working_day
    assert holiday.handoff_due_at == datetime(2026, 10, 8, 12, 0, tzinfo=TZ)
    assert holiday.received_on_non_working_day
    [alert] = notifications("complaint_duty_alert")
    assert alert.recipient_id == duty.id and alert.payload["complaint_id"] == holiday.id
    assert alert.payload["lead_name"] == "王主任" and alert.payload["lead_phone"] == "13900000001"
    assert "电话告知水质管理部负责人" in alert.payload["message"]
    assert "duty_alerted" in event_kinds(holiday.id)
    resp = client.get(f"/api/complaints/{holiday.id}", headers=office.h(office.lead))
    assert resp.json["received_on_non_working_day"] is True


def test_duty_alert_is_also_a_live_event(office):
    pubsub = redis_conn().pubsub()
    pubsub.subscribe(channel_for(office.agent.id))  # no roster: the agent on the call
    assert pubsub.get_message(timeout=2)["type"] == "subscribe"
    complaint = services.intake(
        complaint_body(office), office.agent, now=datetime(2026, 10, 4, 20, 0, tzinfo=TZ)
    )
    db.session.commit()
    message = pubsub.get_message(timeout=2)
    pubsub.close()
    assert message is not None and message["type"] == "message"
    live = json.loads(message["data"])
    assert live["kind"] == "complaint_duty_alert"
    assert live["payload"]["complaint_id"] == complaint.id
    [stored] = notifications("complaint_duty_alert", office.agent)
    assert stored.id == live["id"]


def test_satisfied_at_intake_is_archived_and_the_supervisor_told(client, office):
    resp = client.post(
        "/api/complaints",
        headers=office.h(office.agent),
        json=complaint_body(
            office,
            kind="service_quality",
            satisfied_at_intake=True,
            department_id=None,
            explanation="已解释停水原因,用户表示理解,不再投诉",
        ),
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    assert body["status"] == "closed" and body["closed_at_intake"] is True
    assert body["clocks"] == [] and body["handoff_due_at"] is None
    [told] = notifications("complaint_closed_at_intake")
    assert told.recipient_id == office.supervisor.id
    [record] = body["documents"]
    assert record["kind"] == "record" and record["content_type"].startswith("text/html")
    page = client.get(
        f"/api/complaints/{body['id']}/documents/{record['id']}", headers=office.h(office.agent)
    )
    assert page.status_code == 200 and "用户投诉记录表" in page.get_data(as_text=True)
    assert "已解释停水原因" in page.get_data(as_text=True)


def test_account_number_fills_the_caller_from_the_customer(client, office, make):
    customer = make.customer(name="赵大爷", phone="13700001111", address="海阳市凤城街道2号")
    resp = client.post(
        "/api/complaints",
        headers=office.h(office.agent),
        json=complaint_body(
            office,
            caller_name=None,
            caller_phone=None,
            address=None,
            account_no=customer.account_no,
        ),
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["caller_name"] == "赵大爷" and resp.json["customer_id"] == customer.id
    assert resp.json["address"] == "海阳市凤城街道2号"


def test_sensitive_at_intake_is_reported_to_the_general_manager(client, office):
    body = client.post(
        "/api/complaints",
        headers=office.h(office.agent),
        json=complaint_body(office, sensitive=True, sensitive_reason="用户扬言联系媒体"),
    ).json
    assert body["sensitive"] is True
    readers = {n.recipient_id for n in notifications("complaint_sensitive")}
    assert readers == {office.gm.id, office.lead.id}


def test_bad_input_gets_one_error_shape_and_changes_nothing(client, office, make):
    headers = office.h(office.agent)
    other_team = make.team(kind="field")
    tables = (
        Complaint,
        ComplaintEvent,
        ComplaintClock,
        ComplaintDocument,
        OutboxMessage,
        Notification,
        DailySequence,
    )
    before = [count(t) for t in tables]
    cases = [
        (complaint_body(office, kind="noise"), "kind"),
        (complaint_body(office, channel="pigeon"), "channel"),
        (complaint_body(office, description=""), "description"),
        (complaint_body(office, caller_phone="call me"), "caller_phone"),
        (complaint_body(office, caller_name=None), "caller_name"),
        (complaint_body(office, justified=None), "justified"),
        (complaint_body(office, department_id=None), "department_id"),
        (complaint_body(office, department_id=other_team.id), "department_id"),
        (complaint_body(office, department_id=99999), "department_id"),
        (complaint_body(office, account_no="NOPE"), "account_no"),
        (complaint_body(office, sensitive=True), "sensitive_reason"),
        (complaint_body(office, satisfied_at_intake=True, explanation=""), "explanation"),
        (
            complaint_body(
                office, satisfied_at_intake=True, sensitive=True, sensitive_reason="媒体关注"
            ),
            "satisfied_at_intake",
        ),
        (complaint_body(office, surprise=1), "surprise"),
    ]
    for payload, field in cases:
        resp = client.post("/api/complaints", headers=headers, json=payload)
        assert resp.status_code == 422, (field, resp.json)
        assert resp.json["code"] == "validation_error" and field in resp.json["errors"], resp.json
    resp = client.post(
        "/api/complaints", headers={**headers, "Content-Type": "application/json"}, data="{oops"
    )
    assert resp.status_code == 400 and set(resp.json) == {"code", "message", "errors"}
    assert [count(t) for t in tables] == before


def test_roles_for_intake_and_reading(client, office, make):
    tech = make.technician()
    body = complaint_body(office)
    assert client.post("/api/complaints", json=body).status_code == 401
    for user in (tech.user, office.dispatcher, office.lead, office.gm):
        resp = client.post("/api/complaints", headers=office.h(user), json=body)
        assert resp.status_code == 403 and resp.json["code"] == "forbidden"
    complaint_id = client.post("/api/complaints", headers=office.h(office.agent), json=body).json[
        "id"
    ]
    assert (
        client.get(f"/api/complaints/{complaint_id}", headers=office.h(tech.user)).status_code
        == 403
    )
    for reader in (office.dispatcher, office.gm, office.lead, office.agent):
        assert (
            client.get(f"/api/complaints/{complaint_id}", headers=office.h(reader)).status_code
            == 200
        )
    # The general manager does not need the caller's phone: it is masked.
    assert (
        client.get(f"/api/complaints/{complaint_id}", headers=office.h(office.gm)).json[
            "caller_phone"
        ]
        == "138****5678"
    )


def test_a_lead_sees_only_their_departments_complaints(client, office, make):
    other_lead = make.user("department_lead")
    make.team(code="YY", name="营业部", kind="department", lead_user_id=other_lead.id)
    complaint_id = client.post(
        "/api/complaints", headers=office.h(office.agent), json=complaint_body(office)
    ).json["id"]
    resp = client.get(f"/api/complaints/{complaint_id}", headers=office.h(other_lead))
    assert resp.status_code == 404 and resp.json["code"] == "not_found"
    assert client.get("/api/complaints", headers=office.h(other_lead)).json["total"] == 0
    mine = client.get("/api/complaints", headers=office.h(office.lead)).json
    assert [c["id"] for c in mine["items"]] == [complaint_id]


def test_list_filters(client, office, file_complaint):
    first = file_complaint()
    file_complaint(kind="proposal", caller_name="钱先生", caller_phone="13600000000")
    headers = office.h(office.dispatcher)
    by_kind = client.get("/api/complaints?kind=proposal", headers=headers).json
    assert by_kind["total"] == 1 and by_kind["items"][0]["caller_name"] == "钱先生"
    by_q = client.get(f"/api/complaints?q={first['number']}", headers=headers).json
    assert [c["id"] for c in by_q["items"]] == [first["id"]]
    bad = client.get("/api/complaints?status=lost", headers=headers)
    assert bad.status_code == 422 and "status" in bad.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Complaint)) == 2
