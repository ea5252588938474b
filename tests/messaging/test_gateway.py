"""The SMS gateway end to end: outbox -> RQ worker -> provider, attempts on the order (R8)."""

from datetime import timedelta

import responses
import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.jobs import queue, run
from app.messaging.models import SmsAttempt, SmsMessage
from tests.messaging.kit import delivered, messages

ALIYUN = "https://dysmsapi.aliyuncs.com/"
TENCENT = "https://sms.tencentcloudapi.com/"


def use_provider(config, name):
    config.update(
        SMS_PROVIDER=name,
        SMS_ACCESS_KEY_ID="test-key-id",
        SMS_ACCESS_KEY_SECRET="test-key-secret",
        SMS_APP_ID="1400000001",
        SMS_TEMPLATES="order_received=SMS_100001,survey_link=SMS_100002",
    )


def test_order_received_goes_through_outbox_and_worker_to_the_dev_outbox(client, make, run_jobs):
    order = make.work_order(caller_phone="+86 139-0000-1111")
    order_id, number = order.id, order.number
    [message] = messages(work_order_id=order_id)
    assert message.status == "pending" and message.phone == "13900001111"
    run_jobs()
    db.session.expire_all()
    [message] = messages(work_order_id=order_id)
    assert message.status == "sent" and message.attempts == 1
    [delivery] = delivered("13900001111")
    assert delivery.text.startswith("【海阳自来水】您的报修已受理,工单号" + number)
    assert "https://water.example/t/" in delivery.text
    agent = make.user("hotline_agent")
    body = client.get(f"/api/workorders/{order_id}/sms", headers=make.headers(agent)).json
    assert [m["kind_label"] for m in body] == ["受理通知"]
    assert body[0]["attempt_log"][0]["ok"] is True
    assert body[0]["attempt_log"][0]["answer"]["code"] == "OK"
    admin = make.user("admin")  # an administrator does not need the customer's number (R7)
    page = client.get("/api/sms/messages", headers=make.headers(admin)).json
    assert [m["phone"] for m in page["items"]] == ["139****1111"] and page["total"] == 1


def test_a_duplicate_job_sends_nothing_twice(make, run_jobs):
    order = make.work_order()
    order_id = order.id
    run_jobs()
    [message] = messages(work_order_id=order_id)
    queue("default").enqueue(run, "app.messaging.jobs.send_sms", str(message.id))
    run_jobs()
    assert len(delivered()) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SmsAttempt)) == 1


def test_provider_outage_then_recovery_delivers_exactly_once(sms_config, make, run_jobs):
    use_provider(sms_config, "aliyun")
    ok = {"Code": "OK", "BizId": "900001^0", "Message": "OK", "RequestId": "req-2"}
    with responses.RequestsMock() as http:
        http.add(responses.POST, ALIYUN, status=503, body="Service Unavailable")
        http.add(responses.POST, ALIYUN, json=ok)
        order = make.work_order()
        order_id = order.id
        run_jobs()  # the first attempt meets the outage
        [message] = messages(work_order_id=order_id)
        assert message.status == "pending" and message.deferred_reason == "retry"
        assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
        # Time passes and the delayed job is lost with Redis: the sweep re-drives it.
        message.next_attempt_at = utcnow() - timedelta(minutes=5)
        message_id = message.id
        db.session.commit()
        queue("default").enqueue(run, "app.messaging.jobs.sweep")
        run_jobs()
        queue("default").enqueue(run, "app.messaging.jobs.send_sms", str(message_id))
        run_jobs()  # and a late duplicate changes nothing
        assert len(http.calls) == 2
        assert "TemplateCode=SMS_100001" in http.calls[1].request.url
        assert f"OutId={message_id}" in http.calls[1].request.url
    message = db.session.get(SmsMessage, message_id)
    assert (message.status, message.attempts, message.provider) == ("sent", 2, "aliyun")
    assert message.provider_message_id == "900001^0"
    answers = [(a.ok, a.retryable, a.work_order_id) for a in message.attempt_rows]
    assert answers == [(False, True, order_id), (True, False, order_id)]


def test_a_refusal_by_the_provider_is_not_retried(sms_config, make, run_jobs):
    use_provider(sms_config, "aliyun")
    refused = {"Code": "isv.MOBILE_NUMBER_ILLEGAL", "Message": "非法手机号", "RequestId": "r"}
    with responses.RequestsMock() as http:
        http.add(responses.POST, ALIYUN, json=refused)
        order = make.work_order()
        order_id = order.id
        run_jobs()
    [message] = messages(work_order_id=order_id)
    assert message.status == "failed"
    assert message.attempt_rows[0].answer["code"] == "isv.MOBILE_NUMBER_ILLEGAL"


def test_tencent_sends_the_template_id_with_ordered_parameters(sms_config, make, run_jobs):
    use_provider(sms_config, "tencent")
    status = {"Code": "Ok", "SerialNo": "2640:1", "Message": "send success", "Fee": 1}
    with responses.RequestsMock() as http:
        http.add(
            responses.POST,
            TENCENT,
            json={"Response": {"SendStatusSet": [status], "RequestId": "t1"}},
        )
        order = make.work_order()
        order_id, number = order.id, order.number
        run_jobs()
        import json

        sent = json.loads(http.calls[0].request.body)
        assert http.calls[0].request.headers["X-TC-Action"] == "SendSms"
    assert sent["PhoneNumberSet"] == ["+8613900001111"] and sent["TemplateId"] == "SMS_100001"
    assert sent["TemplateParamSet"][0] == number
    assert sent["TemplateParamSet"][1].startswith("https://water.example/t/")
    [message] = messages(work_order_id=order_id)
    assert (message.status, message.provider_message_id) == ("sent", "2640:1")


def test_tencent_throttling_is_retried_later(sms_config, make, run_jobs):
    use_provider(sms_config, "tencent")
    error = {"Error": {"Code": "LimitExceeded.PhoneNumberThirtySecondLimit", "Message": "x"}}
    with responses.RequestsMock() as http:
        http.add(responses.POST, TENCENT, json={"Response": {**error, "RequestId": "t2"}})
        order = make.work_order()
        order_id = order.id
        run_jobs()
    [message] = messages(work_order_id=order_id)
    assert message.status == "pending" and message.attempts == 1
    assert message.attempt_rows[0].answer["code"] == "LimitExceeded.PhoneNumberThirtySecondLimit"


def test_quiet_hours_hold_order_news_until_morning(sms_config, make, run_jobs):
    now = utcnow().astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    start, end = now - timedelta(hours=1), now + timedelta(hours=2)
    sms_config["SMS_QUIET_HOURS"] = f"{start:%H:%M}-{end:%H:%M}"
    order = make.work_order()
    order_id = order.id
    run_jobs()
    [message] = messages(work_order_id=order_id)
    assert message.status == "pending" and message.deferred_reason == "quiet_hours"
    assert message.next_attempt_at > utcnow() + timedelta(minutes=100)
    assert delivered() == []


def test_opted_out_numbers_get_no_order_news_but_still_appointments(client, make, run_jobs):
    agent = make.user("hotline_agent")
    resp = client.post(
        "/api/sms/opt-outs", headers=make.headers(agent), json={"phone": "139 0000 1111"}
    )
    assert resp.status_code == 201 and resp.json == {"phone": "13900001111", "opted_out": True}
    order = make.work_order()
    order_id = order.id
    run_jobs()
    [message] = messages(work_order_id=order_id)
    assert message.status == "opted_out" and delivered() == []
    from app.messaging.services import queue_sms

    queue_sms("appointment_agreed", "13900001111", {"number": "x", "window": "y"}, work_order=order)
    db.session.commit()
    run_jobs()
    assert [d.phone for d in delivered()] == ["13900001111"]


def test_a_bad_number_is_refused_clearly_and_changes_nothing(client, make):
    agent = make.user("hotline_agent")
    resp = client.post("/api/sms/opt-outs", headers=make.headers(agent), json={"phone": "12345"})
    assert resp.status_code == 422
    assert resp.json["code"] and "phone" in resp.json["errors"]
    order = make.work_order(caller_phone="0535-12345678")  # a landline cannot take SMS
    [message] = messages(work_order_id=order.id)
    assert message.status == "invalid"


def test_the_per_number_limit_holds_back_order_news_only(sms_config, make, run_jobs):
    from app.messaging.services import queue_sms

    sms_config["SMS_RATE_PER_HOUR"] = 2
    order = make.work_order()
    for n in range(2):
        queue_sms("survey_link", "13900001111", {"number": str(n)}, work_order=order)
    queue_sms("outage_notice", "13900001111", {"area": "东村"})
    db.session.commit()
    run_jobs()
    sent = {m.kind: m.status for m in messages()}
    held = [m for m in messages() if m.status == "pending"]
    assert sent["outage_notice"] == "sent" and len(held) == 1
    assert held[0].deferred_reason == "rate_limit" and held[0].kind != "outage_notice"
