"""Audit item 13: how each satisfaction form was filled, who issued its link and how, and a
flag on forms sent from the issuing staff member's browser or device."""

import sqlalchemy as sa

from app.extensions import db
from app.visits.models import SatisfactionForm, SurveyLink
from app.workorders.services import transition
from tests.factories import PASSWORD
from tests.visits.kit import assigned_order

ANSWERS = {
    "overall": "5",
    "timeliness": "5",
    "attitude": "5",
    "professionalism": "5",
    "site_clean": "true",
}


def completed_order(make):
    order, tech = assigned_order(make)
    for action in ("schedule", "depart", "arrive", "complete"):
        transition(order, action, tech.user)
    db.session.commit()
    return order


def sign_in(client, username):
    resp = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200
    return {"Authorization": f"Bearer {resp.json['access_token']}"}


def issue(client, headers, order, delivery):
    resp = client.post(
        f"/api/workorders/{order.id}/satisfaction-link",
        headers=headers,
        json={"delivery": delivery},
    )
    assert resp.status_code == 200, resp.json
    return resp.json["url"].split("localhost", 1)[-1]


def test_a_dispatcher_filling_the_customers_form_is_flagged(app, client, make):
    make.user("dispatcher", username="dispatch09")
    order = completed_order(make)
    dispatcher_browser = app.test_client()
    headers = sign_in(dispatcher_browser, "dispatch09")
    path = issue(dispatcher_browser, headers, order, "sms")
    link = db.session.scalar(sa.select(SurveyLink))
    assert link.delivery == "sms" and link.issuer_addr == "127.0.0.1"
    resp = dispatcher_browser.post(path, data=ANSWERS)
    assert resp.status_code == 200
    form = db.session.scalar(sa.select(SatisfactionForm))
    assert form.channel == "customer_link" and form.survey_link_id == link.id
    assert form.warnings == ["issuer_browser", "issuer_device"]
    report = client.get("/api/satisfaction", headers=headers).json["items"][0]
    assert report["link_delivery"] == "sms" and report["link_issued_by_id"] == link.issued_by_id
    assert report["warning_labels"][0] == "提交自发送链接的员工本人登录过的浏览器"


def test_the_customers_own_phone_raises_no_flag(app, make):
    make.user("dispatcher", username="dispatch10")
    order = completed_order(make)
    desk = app.test_client()
    path = issue(desk, sign_in(desk, "dispatch10"), order, "sms")
    customer_phone = app.test_client()
    resp = customer_phone.post(
        path,
        data=ANSWERS,
        environ_base={"REMOTE_ADDR": "10.8.0.7"},
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) 客户手机"},
    )
    assert resp.status_code == 200
    form = db.session.scalar(sa.select(SatisfactionForm))
    assert form.warnings == [] and form.submitted_addr == "10.8.0.7"


def test_the_hotline_records_a_callback_as_such(client, make):
    order = completed_order(make)
    agent = make.user("hotline_agent")
    resp = client.post(
        f"/api/workorders/{order.id}/satisfaction/callback",
        headers=make.headers(agent),
        json={
            **{k: 4 for k in ("overall", "timeliness", "attitude", "professionalism")},
            "site_clean": True,
        },
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["channel"] == "hotline_callback" and resp.json["submitted_by_id"] == agent.id
    assert resp.json["channel_label"] == "热线回访时代为记录"
