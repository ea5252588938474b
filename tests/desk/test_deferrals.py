"""容缺受理 (R5.2): commitment letter, missing items, the deadline, promises coming due."""

from datetime import timedelta

import sqlalchemy as sa

from app.calendar.rules import local_date
from app.database import utcnow
from app.desk.models import DeferredAcceptance
from app.extensions import db
from app.jobs import queue, run
from app.notifications.models import Notification

URL = "/api/desk/deferrals"
ALL_CONFIRMED = {
    "true_intent": True,
    "informed": True,
    "materials_true": True,
    "supply_in_time": True,
    "accept_liability": True,
}


def today():
    return local_date(utcnow())


def body(**kw):
    return {
        "business": "new_construction",
        "applicant_kind": "developer",
        "applicant_name": "海阳置业有限公司",
        "applicant_phone": "0535-3210000",
        "signer_kind": "entity",
        "signer_name": "赵总",
        "commitment": {**ALL_CONFIRMED, "legal_rep_or_seal": True},
        "missing": ["基础设备配套费发票"],
        "due_on": (today() + timedelta(days=10)).isoformat(),
        **kw,
    }


def test_accept_with_a_missing_item_then_supply_it_then_sign(client, make):
    headers = make.headers(make.user("hotline_agent"))
    resp = client.post(URL, headers=headers, json=body())
    assert resp.status_code == 201, resp.json
    deferral = resp.json
    assert deferral["number"].startswith("RQ") and deferral["status"] == "open"
    assert deferral["title"] == "新建项目供水报装(开发商)" and deferral["days_left"] == 10
    (item,) = deferral["items"]
    assert item["name"] == "基础设备配套费发票" and item["supplied_at"] is None

    resp = client.post(f"{URL}/{deferral['id']}/agreement", headers=headers)
    assert resp.status_code == 409 and resp.json["code"] == "materials_missing"
    assert resp.json["missing"] == ["基础设备配套费发票"]

    resp = client.post(
        f"{URL}/{deferral['id']}/supply", headers=headers, json={"item_ids": [item["id"]]}
    )
    assert resp.status_code == 200 and resp.json["status"] == "complete"
    resp = client.post(f"{URL}/{deferral['id']}/agreement", headers=headers)
    assert resp.status_code == 200 and resp.json["status"] == "signed"
    assert resp.json["agreement_signed_at"]


def test_key_materials_unlisted_items_and_silent_rules_are_refused(client, make):
    headers = make.headers(make.user("hotline_agent"))
    cases = [
        (body(missing=["供水报装申请表(填写)"]), "missing"),  # the application itself is key
        (body(missing=["护照"]), "missing"),
        (body(missing=[]), "missing"),
        (body(business="transfer", applicant_kind="developer"), "business"),  # rules silent
        (
            body(commitment={**ALL_CONFIRMED, "informed": False, "legal_rep_or_seal": True}),
            "commitment",
        ),
        (body(commitment=ALL_CONFIRMED), "signer_kind"),  # a unit needs its seal or legal rep
        (body(signer_kind="agent", commitment={**ALL_CONFIRMED, "id_copy": True}), "signer_kind"),
        (body(due_on=(today() - timedelta(days=1)).isoformat()), "due_on"),
        (body(account_no="NOPE"), "account_no"),
    ]
    for payload, field in cases:
        resp = client.post(URL, headers=headers, json=payload)
        assert resp.status_code == 422 and field in resp.json["errors"], (payload, resp.json)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeferredAcceptance)) == 0
    tech = make.technician()
    assert client.post(URL, headers=make.headers(tech.user), json=body()).status_code == 403


def test_promises_coming_due_are_listed_soonest_first_with_overdue_ones(client, make):
    agent = make.user("hotline_agent")
    headers = make.headers(agent)
    ids = {}
    for name, days in [("late", 20), ("soon", 2), ("today", 0)]:
        ids[name] = client.post(
            URL,
            headers=headers,
            json=body(applicant_name=name, due_on=(today() + timedelta(days=days)).isoformat()),
        ).json["id"]
    past = db.session.get(DeferredAcceptance, ids["today"])
    past.due_on = today() - timedelta(days=1)  # a promise already broken
    db.session.commit()
    due = client.get(URL, query_string={"due_within_days": 7}, headers=headers).json
    assert [d["applicant_name"] for d in due] == ["today", "soon"]
    assert due[0]["overdue"] is True and due[0]["days_left"] == -1
    assert due[1]["overdue"] is False
    assert len(client.get(URL, query_string={"status": "open"}, headers=headers).json) == 3


def test_the_applicants_phone_is_masked_for_roles_that_do_not_need_it(client, make):
    agent = make.headers(make.user("hotline_agent"))
    deferral = client.post(URL, headers=agent, json=body(applicant_phone="13812345678")).json
    assert deferral["applicant_phone"] == "13812345678"
    gm = make.headers(make.user("general_manager"))
    assert client.get(f"{URL}/{deferral['id']}", headers=gm).json["applicant_phone"] == (
        "138****5678"
    )


def test_supply_refuses_foreign_items(client, make):
    headers = make.headers(make.user("hotline_agent"))
    deferral = client.post(URL, headers=headers, json=body()).json
    resp = client.post(f"{URL}/{deferral['id']}/supply", headers=headers, json={"item_ids": [999]})
    assert resp.status_code == 422
    assert client.get(f"{URL}/{deferral['id']}", headers=headers).json["status"] == "open"
    assert client.get(f"{URL}/99999", headers=headers).status_code == 404


def test_the_agent_is_reminded_once_by_a_real_worker(client, make, run_jobs):
    agent = make.user("hotline_agent")
    agent_id, headers = agent.id, make.headers(agent)
    client.post(URL, headers=headers, json=body(due_on=(today() + timedelta(days=1)).isoformat()))
    client.post(URL, headers=headers, json=body(applicant_name="later"))
    for _ in range(2):
        queue("low").enqueue(run, "app.desk.jobs.remind_due_deferrals")
        run_jobs()
    rows = db.session.scalars(sa.select(Notification)).all()
    assert len(rows) == 1 and rows[0].recipient_id == agent_id
    assert rows[0].kind == "deferral_due" and rows[0].payload["missing"] == ["基础设备配套费发票"]
