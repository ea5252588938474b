"""What an admin keeps for complaints: the duty roster and department recipients."""

from datetime import date, datetime

import sqlalchemy as sa

from app.calendar.rules import TZ
from app.complaints import services
from app.complaints.models import ComplaintDutyShift, ComplaintRecipient
from app.extensions import db
from tests.complaints.kit import complaint_body, count, notifications


def test_admin_keeps_the_duty_roster_and_the_rostered_staff_get_the_alert(client, office, make):
    admin = make.user("admin")
    duty = make.user("hotline_agent", display_name="节日值班员")
    resp = client.post(
        "/api/complaints/duty-shifts",
        headers=office.h(admin),
        json={"day": "2026-10-05", "user_id": duty.id, "note": "国庆值班"},
    )
    assert resp.status_code == 201 and resp.json["user_name"] == "节日值班员"
    again = client.post(
        "/api/complaints/duty-shifts",
        headers=office.h(admin),
        json={"day": "2026-10-05", "user_id": duty.id},
    )
    assert again.status_code == 409
    for payload, field in (
        ({"day": "2026-10-05", "user_id": 999999}, "user_id"),
        ({"day": "someday", "user_id": duty.id}, "day"),
    ):
        bad = client.post("/api/complaints/duty-shifts", headers=office.h(admin), json=payload)
        assert bad.status_code == 422 and field in bad.json["errors"]
    assert (
        client.post(
            "/api/complaints/duty-shifts",
            headers=office.h(office.agent),
            json={"day": "2026-10-06", "user_id": duty.id},
        ).status_code
        == 403
    )
    listed = client.get(
        "/api/complaints/duty-shifts?from=2026-10-01&to=2026-10-07", headers=office.h(office.agent)
    ).json
    assert [(s["day"], s["user_id"]) for s in listed] == [("2026-10-05", duty.id)]
    assert count(ComplaintDutyShift) == 1

    services.intake(
        complaint_body(office), office.agent, now=datetime(2026, 10, 5, 15, 0, tzinfo=TZ)
    )
    db.session.commit()
    assert [n.recipient_id for n in notifications("complaint_duty_alert")] == [duty.id]

    shift_id = listed[0]["id"]
    assert (
        client.delete(
            f"/api/complaints/duty-shifts/{shift_id}", headers=office.h(admin)
        ).status_code
        == 204
    )
    assert db.session.get(ComplaintDutyShift, shift_id) is None
    assert not db.session.scalars(
        sa.select(ComplaintDutyShift).filter_by(day=date(2026, 10, 5))
    ).all()


def test_department_recipients_are_told_with_the_lead(client, office, make, handed_off):
    admin = make.user("admin")
    deputy = make.user("department_lead", display_name="副主任")
    url = f"/api/complaints/departments/{office.department.id}/recipients"
    resp = client.put(url, headers=office.h(admin), json={"user_ids": [deputy.id]})
    assert resp.status_code == 200 and resp.json == {"user_ids": [deputy.id]}
    bad = client.put(url, headers=office.h(admin), json={"user_ids": [deputy.id, 999999]})
    assert bad.status_code == 422 and count(ComplaintRecipient) == 1
    not_a_department = client.put(
        f"/api/complaints/departments/{make.team().id}/recipients",
        headers=office.h(admin),
        json={"user_ids": []},
    )
    assert not_a_department.status_code == 422
    assert client.get(url, headers=office.h(office.lead)).status_code == 403
    handed_off()
    told = {n.recipient_id for n in notifications("complaint_handed_off")}
    assert told == {office.lead.id, deputy.id}


def test_the_hand_off_rule_is_stated_in_the_api_docs(client):
    spec = client.get("/api/openapi.json").json
    [tag] = [t for t in spec["tags"] if t["name"] == "complaints"]
    assert "before 11:00" in tag["description"] and "next working half-day" in tag["description"]
    assert "/api/complaints/{complaint_id}/replies/{reply_id}/approval" in spec["paths"]
