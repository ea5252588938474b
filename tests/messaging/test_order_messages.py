"""Every order message end to end (outbox -> worker -> dev provider), and /t/<token> (R8)."""

import re
from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.messaging.models import TrackingLink
from app.notifications.models import Notification
from app.workorders.models import WorkOrderEvent
from tests.messaging.kit import delivered, messages
from tests.visits.kit import Phone, assigned_order, iso, later, now

PHONE = "13900001111"


def texts():
    return [d.text for d in delivered(PHONE)]


def token_in(text):
    return re.search(r"/t/([A-Za-z0-9_-]+)", text).group(1)


def test_a_visit_tells_the_customer_each_step_and_the_codes_match(
    client, make, run_jobs, storage_dir
):
    order, tech = assigned_order(make)
    name, employee_no = tech.name, tech.employee_no
    ph = Phone(client, make, tech)
    start, end = later(days=1), later(days=1, hours=2)
    assert (
        ph.post(order.id, "appointment", {"start": iso(start), "end": iso(end)}).status_code == 200
    )
    move = {
        "start": iso(later(days=2)),
        "end": iso(later(days=2, hours=2)),
        "reason": "临时抢修任务",
        "customer_informed_via": "phone",
        "customer_informed_at": iso(now() - timedelta(minutes=1)),
    }
    assert ph.post(order.id, "reschedule", move).status_code == 200
    assert ph.post(order.id, "depart", {}).status_code == 200
    run_jobs()
    received, agreed, changed, departing = texts()
    assert "您的报修已受理" in received and "上门时间已约定" in agreed
    assert "已改为" in changed and "原定" in changed
    assert f"维修师傅{name}(工号{employee_no})已出发" in departing
    code = re.search(r"核对码(\d{4})", departing).group(1)
    token = token_in(departing)
    assert token == token_in(received)  # one link per order
    page = client.get(f"/t/{token}").get_data(as_text=True)
    assert "师傅已出发" in page and name in page and employee_no in page
    assert f">{code}<" in page
    assert PHONE not in page and "张先生" not in page  # nothing the customer did not give
    assert client.get(f"/t/{token}/photo").status_code == 200


def test_completion_sends_the_survey_link_which_opens_the_form(client, make, run_jobs, storage_dir):
    order, tech = assigned_order(make)
    order_id = order.id
    ph = Phone(client, make, tech)
    ph.on_site(order)
    ph.tick(order, "id_shown")
    assert ph.post(order.id, "complete", {}).status_code == 200
    run_jobs()
    survey = [t for t in texts() if "征求意见书" in t]
    assert len(survey) == 1 and "/survey" in survey[0]
    url = re.search(r"https://water\.example(/t/\S+)", survey[0]).group(1)
    resp = client.get(url)
    assert resp.status_code == 303 and resp.location.startswith("/survey/")
    assert client.get(resp.location).status_code == 200
    page = client.get(url.removesuffix("/survey")).get_data(as_text=True)
    assert "已修好" in page and "填写征求意见书" in page
    [sms] = messages(kind="survey_link")
    assert (sms.phone, sms.status, sms.work_order_id) == (PHONE, "sent", order_id)


def test_the_customer_asks_for_another_time_and_a_dispatcher_gets_the_task(client, make, run_jobs):
    dispatcher_id = make.user("dispatcher").id
    order = make.work_order(caller_phone=PHONE)
    order_id = order.id
    run_jobs()
    token = token_in(texts()[0])
    resp = client.post(f"/t/{token}/reschedule", data={"preferred": "", "note": "x"})
    assert resp.status_code == 422 and "请写下您方便的时间" in resp.get_data(as_text=True)
    resp = client.post(f"/t/{token}/reschedule", data={"preferred": "周六上午", "note": "要上班"})
    assert resp.status_code == 200 and "已收到您的改约申请" in resp.get_data(as_text=True)
    [event] = db.session.scalars(
        sa.select(WorkOrderEvent).where(
            WorkOrderEvent.work_order_id == order_id,
            WorkOrderEvent.kind == "customer_reschedule_request",
        )
    ).all()
    assert event.payload["preferred"] == "周六上午" and event.actor_label == "customer:link"
    [task] = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "customer_reschedule_request")
    ).all()
    assert task.recipient_id == dispatcher_id and task.payload["order_id"] == order_id


def test_forged_and_expired_links_get_a_clear_page_and_nothing_else(client, make, run_jobs):
    order = make.work_order(caller_phone=PHONE)
    order_id = order.id
    run_jobs()
    token = token_in(texts()[0])
    forged = client.get("/t/AAAAAAAAAAAA")
    assert forged.status_code == 404 and "链接无效" in forged.get_data(as_text=True)
    assert client.get("/t/" + "x" * 300).status_code == 404
    link = db.session.get(TrackingLink, token)
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.get(f"/t/{token}")
    assert expired.status_code == 410 and "链接已过期" in expired.get_data(as_text=True)
    resp = client.post(f"/t/{token}/reschedule", data={"preferred": "明天"})
    assert resp.status_code == 410
    kinds = db.session.scalars(
        sa.select(WorkOrderEvent.kind).where(WorkOrderEvent.work_order_id == order_id)
    ).all()
    assert "customer_reschedule_request" not in kinds


def test_the_customer_opts_out_from_the_page(client, make, run_jobs):
    make.work_order(caller_phone=PHONE)
    run_jobs()
    token = token_in(texts()[0])
    resp = client.post(f"/t/{token}/opt-out")
    assert resp.status_code == 200 and "不再给您发送工单进度短信" in resp.get_data(as_text=True)
    make.work_order(caller_phone=PHONE)
    run_jobs()
    assert [m.status for m in messages(phone=PHONE)] == ["sent", "opted_out"]


def test_the_one_time_notification_goes_to_the_applicant_on_request(client, make, run_jobs):
    headers = make.headers(make.user("hotline_agent"))
    body = {
        "phone": "13900003333",
        "business": "transfer",
        "applicant_kind": "resident",
        "have": ["房主的身份证"],
        "not_applicable": ["代办人本人身份证"],
    }
    resp = client.post("/api/sms/one-time-notices", headers=headers, json=body)
    assert resp.status_code == 201 and resp.json["kind_label"] == "一次性告知"
    run_jobs()
    [sms] = delivered("13900003333")
    assert (
        sms.text
        == "【海阳自来水】您办理过户(居民用户)尚缺:新用户房产证。请补齐后到客服中心窗口办理。"
    )
    bad = client.post("/api/sms/one-time-notices", headers=headers, json={**body, "phone": "110"})
    assert bad.status_code == 422 and "phone" in bad.json["errors"]
