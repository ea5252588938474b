"""The list filters the office screens need: mine, deadline state, awaiting approval, the
inbox sorted by clock, where a sensitive reply waits, the lead's sign-for (签收)."""

import pytest

from tests.complaints.kit import rewind


def numbers(client, office, user, **query):
    resp = client.get("/api/complaints", headers=office.h(user), query_string=query)
    assert resp.status_code == 200, resp.json
    return [item["number"] for item in resp.json["items"]]


def test_mine_lists_only_the_complaints_the_agent_took(client, office, file_complaint, make):
    mine = file_complaint()["number"]
    other_agent = make.user("hotline_agent")
    resp = client.post(
        "/api/complaints",
        headers=make.headers(other_agent),
        json={
            "kind": "proposal",
            "channel": "hotline",
            "caller_name": "赵先生",
            "caller_phone": "13900001111",
            "description": "建议延长营业时间",
            "justified": False,
            "department_id": office.department.id,
        },
    )
    theirs = resp.json["number"]
    assert numbers(client, office, office.agent, mine="true") == [mine]
    assert set(numbers(client, office, office.agent)) == {mine, theirs}


def test_deadline_state_follows_the_worst_running_clock(client, office, handed_off):
    fresh = handed_off()["number"]
    late = handed_off()
    rewind(late["id"], 30)  # 30 h after the hand-off: the 24-hour limit has passed
    warned = handed_off()
    rewind(warned["id"], 19)  # past 75% of the 24 hours, not yet due
    assert numbers(client, office, office.agent, deadline="breached") == [late["number"]]
    assert numbers(client, office, office.agent, deadline="warning") == [warned["number"]]
    assert numbers(client, office, office.agent, deadline="running") == [fresh]
    resp = client.get(f"/api/complaints/{late['id']}", headers=office.h(office.agent))
    assert resp.json["deadline"] == "breached"
    assert resp.json["next_clock"]["kind"] in ("resolution", "progress_call")


def test_the_inbox_sorted_by_clock_puts_the_next_due_first(client, office, handed_off):
    later = handed_off()["number"]
    sooner = handed_off()
    rewind(sooner["id"], 5)
    assert numbers(client, office, office.lead, sort="clock")[:2] == [sooner["number"], later]


def test_a_bad_deadline_state_is_a_422_in_the_error_format(client, office):
    resp = client.get(
        "/api/complaints", headers=office.h(office.agent), query_string={"deadline": "soon"}
    )
    assert resp.status_code == 422
    assert set(resp.json) >= {"code", "message", "errors"} and "deadline" in str(resp.json)


@pytest.fixture
def submitted(client, office, handed_off):
    body = handed_off(sensitive=True, sensitive_reason="媒体关注")
    reply = client.post(
        f"/api/complaints/{body['id']}/replies",
        headers=office.h(office.lead),
        json={"body": "经检测水质合格,已冲洗管道。"},
    ).json
    return body, reply


def test_a_sensitive_complaint_says_where_its_reply_waits(client, office, submitted):
    body, reply = submitted
    url = f"/api/complaints/{body['id']}"
    assert client.get(url, headers=office.h(office.lead)).json["waiting_for"] == (
        "答复草稿待提交分管领导"
    )
    client.post(
        f"{url}/replies/{reply['id']}/submit",
        headers=office.h(office.lead),
        json={"leader_in_charge_id": office.supervisor.id},
    )
    assert client.get(url, headers=office.h(office.lead)).json["waiting_for"] == (
        "待分管领导客服主管阅、总经理批示"
    )
    assert numbers(client, office, office.gm, awaiting_approval="true") == [body["number"]]
    client.post(
        f"{url}/replies/{reply['id']}/approval",
        headers=office.h(office.gm),
        json={"decision": "approved"},
    )
    assert client.get(url, headers=office.h(office.lead)).json["waiting_for"] == (
        "总经理已批准,待发出答复"
    )
    assert numbers(client, office, office.gm, awaiting_approval="true") == []


def test_the_lead_signs_for_a_complaint_once(client, office, handed_off):
    body = handed_off()
    url = f"/api/complaints/{body['id']}/accept"
    resp = client.post(url, headers=office.h(office.lead))
    assert resp.status_code == 200
    assert resp.json["accepted"]["by"].endswith(office.lead.username)
    assert "accepted" in [e["kind"] for e in resp.json["timeline"]]
    again = client.post(url, headers=office.h(office.lead))
    assert again.status_code == 409 and again.json["code"] == "already_accepted"
    assert client.post(url, headers=office.h(office.agent)).status_code == 403


def test_signing_for_a_complaint_not_yet_handed_off_is_refused(client, office, file_complaint):
    body = file_complaint()
    resp = client.post(f"/api/complaints/{body['id']}/accept", headers=office.h(office.lead))
    assert resp.status_code == 409
