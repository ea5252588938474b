"""Calls to the customer about a complaint (R4.4): the department's lead and the agent who took
it log them, each contact names who made it, and everyone else is refused with nothing changed."""

from datetime import datetime, timedelta

from app.complaints.models import ComplaintContact, ComplaintEvent
from tests.complaints.kit import count


def _url(complaint):
    return f"/api/complaints/{complaint['id']}/contacts"


def test_the_agent_who_took_it_logs_a_progress_call_and_is_named_on_it(client, office, handed_off):
    complaint = handed_off()
    resp = client.post(
        _url(complaint),
        headers=office.h(office.agent),
        json={"kind": "progress_call", "summary": "告知用户水样已送检,明日出结果"},
    )
    assert resp.status_code == 201, resp.json
    [contact] = resp.json["contacts"]
    agent = office.agent
    assert contact["kind"] == "progress_call" and contact["by_id"] == agent.id
    assert contact["by"] == f"hotline_agent:{agent.username}"
    assert contact["by_name"] == agent.display_name
    progress = [c for c in resp.json["clocks"] if c["kind"] == "progress_call"]
    assert progress[0]["stop_reason"] == "progress_call_logged"
    [event] = [e for e in resp.json["timeline"] if e["kind"] == "contact_logged"]
    assert event["actor_label"] == contact["by"] and event["actor_name"] == agent.display_name


def test_the_lead_and_the_agent_both_appear_in_the_history_each_as_themselves(
    client, office, handed_off
):
    complaint = handed_off()
    for user, text in ((office.lead, "已约明早上门取样"), (office.agent, "告知用户部门已在处理")):
        resp = client.post(
            _url(complaint), headers=office.h(user), json={"kind": "call_out", "summary": text}
        )
        assert resp.status_code == 201, resp.json
    for reader in (office.agent, office.lead):
        detail = client.get(f"/api/complaints/{complaint['id']}", headers=office.h(reader)).json
        assert [(c["by_name"], c["summary"]) for c in detail["contacts"]] == [
            ("王主任", "已约明早上门取样"),
            (office.agent.display_name, "告知用户部门已在处理"),
        ]
    record = client.get(f"/api/complaints/{complaint['id']}/record", headers=office.h(office.lead))
    page = record.get_data(as_text=True)
    assert "部门领导 王主任" in page and f"热线坐席 {office.agent.display_name}" in page


def test_a_technician_dispatcher_or_gm_is_refused_and_nothing_changes(
    client, office, make, handed_off
):
    complaint = handed_off()
    before = count(ComplaintContact), count(ComplaintEvent)
    payload = {"kind": "call_out", "summary": "联系用户"}
    for user in (make.user("technician"), office.dispatcher, office.gm):
        resp = client.post(_url(complaint), headers=office.h(user), json=payload)
        assert resp.status_code == 403, resp.json
        assert set(resp.json) >= {"code", "message", "errors"}
    assert (count(ComplaintContact), count(ComplaintEvent)) == before


def test_another_agent_may_not_log_a_call_on_a_complaint_they_did_not_take(
    client, office, make, handed_off
):
    complaint = handed_off()
    before = count(ComplaintContact), count(ComplaintEvent)
    resp = client.post(
        _url(complaint),
        headers=office.h(make.user("hotline_agent")),
        json={"kind": "call_out", "summary": "联系用户"},
    )
    assert resp.status_code == 403 and resp.json["code"] == "not_complaint_owner"
    assert resp.json["errors"] == {} and "agent who took" in resp.json["message"]
    assert (count(ComplaintContact), count(ComplaintEvent)) == before


def test_bad_input_from_the_agent_gets_the_error_format_and_changes_nothing(
    client, office, handed_off, file_complaint
):
    complaint = handed_off()
    waiting = file_complaint()
    future = (datetime.now().astimezone() + timedelta(hours=2)).isoformat()
    before = count(ComplaintContact), count(ComplaintEvent)
    for payload, field in [
        ({"kind": "carrier_pigeon", "summary": "飞鸽传书"}, "kind"),
        ({"kind": "call_out", "summary": ""}, "summary"),
        ({"kind": "call_out", "summary": "提前记录", "contacted_at": future}, "contacted_at"),
        ({"kind": "call_out", "summary": "联系", "by_id": 1}, "by_id"),
    ]:
        resp = client.post(_url(complaint), headers=office.h(office.agent), json=payload)
        assert resp.status_code == 422, resp.json
        assert resp.json["code"] == "validation_error" and field in resp.json["errors"]
    not_yet = client.post(
        _url(waiting), headers=office.h(office.agent), json={"kind": "call_out", "summary": "x" * 3}
    )
    assert not_yet.status_code == 409 and set(not_yet.json) >= {"code", "message", "errors"}
    assert (count(ComplaintContact), count(ComplaintEvent)) == before
