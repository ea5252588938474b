"""Hand-off, contacts, the 48-hour extension, resolution and the follow-up visit (R4.3-R4.6)."""

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.complaints.models import (
    Complaint,
    ComplaintClock,
    ComplaintContact,
    ComplaintDocument,
    ComplaintEvent,
    ComplaintFollowUp,
)
from app.extensions import db
from tests.complaints.kit import count, event_kinds, notifications, rewind


def running(body, kind):
    return [c for c in body["clocks"] if c["kind"] == kind and c["stopped_at"] is None]


def test_hand_off_starts_the_24_hour_clocks_and_archives_the_written_record(
    client, office, file_complaint
):
    filed = file_complaint()
    resp = client.post(
        f"/api/complaints/{filed['id']}/handoff",
        headers=office.h(office.agent),
        json={"note": "附用户投诉记录表"},
    )
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["status"] == "in_progress" and body["handed_off_at"]
    handed = datetime.fromisoformat(body["handed_off_at"])
    assert datetime.fromisoformat(body["resolution_due_at"]) == handed + timedelta(hours=24)
    [handoff] = [c for c in body["clocks"] if c["kind"] == "handoff"]
    assert handoff["stopped_at"] and handoff["stop_reason"] == "handed_off"
    assert handoff["stage"] == "met"
    [resolution] = running(body, "resolution")
    [progress] = running(body, "progress_call")
    assert datetime.fromisoformat(resolution["warn_at"]) == handed + timedelta(hours=18)
    assert progress["due_at"] == resolution["due_at"]
    [record] = body["documents"]
    assert record["kind"] == "record" and record["title"] == "移交用户投诉记录表"
    told = notifications("complaint_handed_off", office.lead)
    assert len(told) == 1 and "24小时" in told[0].payload["message"]
    again = client.post(
        f"/api/complaints/{filed['id']}/handoff", headers=office.h(office.agent), json={}
    )
    assert again.status_code == 409 and again.json["code"] == "conflict"


def test_hand_off_to_another_department_and_bad_department(client, office, make, file_complaint):
    other_lead = make.user("department_lead")
    other = make.team(code="GW", name="管网部", kind="department", lead_user_id=other_lead.id)
    filed = file_complaint()
    bad = client.post(
        f"/api/complaints/{filed['id']}/handoff",
        headers=office.h(office.agent),
        json={"department_id": make.team().id},
    )
    assert bad.status_code == 422 and "department_id" in bad.json["errors"]
    assert db.session.get(Complaint, filed["id"]).status == "pending_handoff"
    resp = client.post(
        f"/api/complaints/{filed['id']}/handoff",
        headers=office.h(office.agent),
        json={"department_id": other.id},
    )
    assert resp.json["department"]["id"] == other.id
    assert notifications("complaint_handed_off", other_lead)


def test_department_logs_contacts_and_a_progress_call_answers_its_clock(client, office, handed_off):
    complaint = handed_off()
    url = f"/api/complaints/{complaint['id']}/contacts"
    resp = client.post(
        url,
        headers=office.h(office.lead),
        json={"kind": "call_out", "summary": "已联系用户,约定明早上门取水样"},
    )
    assert resp.status_code == 201, resp.json
    assert len(running(resp.json, "progress_call")) == 1
    resp = client.post(
        url,
        headers=office.h(office.lead),
        json={"kind": "progress_call", "summary": "告知用户水样正在检测"},
    )
    assert resp.status_code == 201
    assert running(resp.json, "progress_call") == []
    assert [c["kind"] for c in resp.json["contacts"]] == ["call_out", "progress_call"]
    assert event_kinds(complaint["id"]).count("contact_logged") == 2


def test_bad_contacts_change_nothing(client, office, handed_off, file_complaint):
    complaint = handed_off()
    waiting = file_complaint()
    url = f"/api/complaints/{complaint['id']}/contacts"
    future = (datetime.now().astimezone() + timedelta(hours=2)).isoformat()
    before = count(ComplaintContact), count(ComplaintEvent)
    for payload, field in [
        ({"kind": "telepathy", "summary": "x" * 5}, "kind"),
        ({"kind": "call_out"}, "summary"),
        ({"kind": "call_out", "summary": "提前记录", "contacted_at": future}, "contacted_at"),
        (
            {"kind": "call_out", "summary": "无时区", "contacted_at": "2026-10-14T10:00:00"},
            "contacted_at",
        ),
    ]:
        resp = client.post(url, headers=office.h(office.lead), json=payload)
        assert resp.status_code == 422 and field in resp.json["errors"], resp.json
    resp = client.post(
        f"/api/complaints/{waiting['id']}/contacts",
        headers=office.h(office.lead),
        json={"kind": "call_out", "summary": "尚未移交"},
    )
    assert resp.status_code == 409
    assert (count(ComplaintContact), count(ComplaintEvent)) == before


def test_roles_on_handling(client, office, make, handed_off):
    complaint = handed_off()
    other_lead = make.user("department_lead")
    make.team(code="YY", name="营业部", kind="department", lead_user_id=other_lead.id)
    url = f"/api/complaints/{complaint['id']}/contacts"
    payload = {"kind": "call_out", "summary": "联系用户"}
    assert client.post(url, headers=office.h(other_lead), json=payload).status_code == 404
    for user in (office.dispatcher, office.gm):
        assert client.post(url, headers=office.h(user), json=payload).status_code == 403
    assert (
        client.post(
            f"/api/complaints/{complaint['id']}/extension",
            headers=office.h(office.dispatcher),
            json={"reason": "需第三方检测机构出具报告"},
        ).status_code
        == 403
    )
    assert count(ComplaintContact) == 0


def test_extension_to_48_hours_needs_a_reason_and_comes_once(client, office, handed_off):
    complaint = handed_off()
    url = f"/api/complaints/{complaint['id']}/extension"
    missing = client.post(url, headers=office.h(office.lead), json={})
    assert missing.status_code == 422 and "reason" in missing.json["errors"]
    resp = client.post(
        url, headers=office.h(office.lead), json={"reason": "需送第三方检测机构,报告48小时内出具"}
    )
    assert resp.status_code == 200, resp.json
    handed = datetime.fromisoformat(resp.json["handed_off_at"])
    assert datetime.fromisoformat(resp.json["resolution_due_at"]) == handed + timedelta(hours=48)
    [clock] = running(resp.json, "resolution")
    assert datetime.fromisoformat(clock["due_at"]) == handed + timedelta(hours=48)
    assert datetime.fromisoformat(clock["warn_at"]) == handed + timedelta(hours=36)
    assert resp.json["extension_reason"].startswith("需送第三方")
    again = client.post(url, headers=office.h(office.lead), json={"reason": "再延一次试试"})
    assert again.status_code == 409 and again.json["code"] == "already_extended"


def test_extension_is_refused_once_the_24_hours_have_passed(client, office, handed_off):
    complaint = handed_off()
    rewind(complaint["id"], 24.1)
    resp = client.post(
        f"/api/complaints/{complaint['id']}/extension",
        headers=office.h(office.lead),
        json={"reason": "已超时后补延期"},
    )
    assert resp.status_code == 409 and resp.json["code"] == "extension_too_late"
    assert db.session.get(Complaint, complaint["id"]).extension_reason is None


def resolve(client, office, complaint_id, **extra):
    body = {"resolution": "水样检测合格,系小区二次供水水箱清洗所致,已清洗", **extra}
    return client.post(
        f"/api/complaints/{complaint_id}/resolution", headers=office.h(office.lead), json=body
    )


def test_resolution_opens_a_follow_up_and_a_satisfied_visit_closes_and_archives(
    client, office, handed_off
):
    complaint = handed_off()
    resp = resolve(client, office, complaint["id"], justified=False)
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["status"] == "resolved" and body["justified"] is False
    assert running(body, "resolution") == [] and running(body, "progress_call") == []
    [follow] = body["follow_ups"]
    assert follow["done_at"] is None and follow["due_at"] > body["resolved_at"]
    assert len(running(body, "follow_up")) == 1
    assert notifications("complaint_follow_up_due", office.agent)
    resp = client.post(
        f"/api/complaints/{complaint['id']}/follow-up",
        headers=office.h(office.agent),
        json={
            "satisfied": True,
            "feedback": "水已清澈,满意",
            "final_result": "二次供水水箱清洗后水质合格",
            "summary": "物业水箱未按期清洗,已通报物业",
        },
    )
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["status"] == "closed" and body["closed_at"]
    assert body["follow_ups"][0]["satisfied"] is True and running(body, "follow_up") == []
    [told] = notifications("complaint_followed_up", office.lead)
    assert told.payload["satisfied"] is True and "满意" in told.payload["message"]
    titles = [d["title"] for d in body["documents"]]
    assert titles == ["移交用户投诉记录表", "用户投诉记录表(办结归档)"]
    final = db.session.scalar(
        sa.select(ComplaintDocument).where(ComplaintDocument.title == "用户投诉记录表(办结归档)")
    )
    page = client.get(
        f"/api/complaints/{complaint['id']}/documents/{final.id}", headers=office.h(office.lead)
    ).get_data(as_text=True)
    assert "二次供水水箱清洗后水质合格" in page and "满意" in page
    assert event_kinds(complaint["id"])[-2:] == ["followed_up", "closed"]


def test_a_dissatisfied_follow_up_can_reopen_the_complaint(client, office, handed_off):
    complaint = handed_off()
    resolve(client, office, complaint["id"])
    url = f"/api/complaints/{complaint['id']}/follow-up"
    visit = {
        "satisfied": False,
        "feedback": "仍有异味",
        "final_result": "用户不认可",
        "summary": "需复查管网",
    }
    wrong = client.post(
        url, headers=office.h(office.agent), json={**visit, "satisfied": True, "reopen": True}
    )
    assert wrong.status_code == 422 and "reopen" in wrong.json["errors"]
    assert db.session.get(Complaint, complaint["id"]).status == "resolved"
    resp = client.post(url, headers=office.h(office.agent), json={**visit, "reopen": True})
    assert resp.status_code == 200, resp.json
    body = resp.json
    assert body["status"] == "in_progress" and body["resolved_at"] is None
    assert len(running(body, "resolution")) == 1 and len(running(body, "progress_call")) == 1
    assert body["follow_ups"][0]["reopened"] is True
    assert notifications("complaint_followed_up", office.lead)[0].payload["satisfied"] is False
    assert "reopened" in event_kinds(complaint["id"])
    # Resolved again, a second follow-up is opened; the first stays on file.
    assert resolve(client, office, complaint["id"]).status_code == 200
    assert count(ComplaintFollowUp) == 2


def test_a_dissatisfied_follow_up_without_reopening_closes(client, office, handed_off):
    complaint = handed_off()
    resolve(client, office, complaint["id"])
    resp = client.post(
        f"/api/complaints/{complaint['id']}/follow-up",
        headers=office.h(office.agent),
        json={
            "satisfied": False,
            "feedback": "对处理速度不满意",
            "final_result": "问题已解决",
            "summary": "加强响应速度",
        },
    )
    assert resp.json["status"] == "closed"
    assert resp.json["follow_ups"][0]["satisfied"] is False


def test_nothing_is_deleted(office, handed_off):
    complaint = handed_off()
    for statement in (
        sa.delete(Complaint).where(Complaint.id == complaint["id"]),
        sa.delete(ComplaintEvent),
        sa.update(ComplaintEvent).values(kind="forged"),
        sa.delete(ComplaintClock),
        sa.delete(ComplaintDocument),
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"):
            db.session.execute(statement)
            db.session.flush()
        db.session.rollback()
    assert count(Complaint) == 1 and count(ComplaintDocument) == 1
