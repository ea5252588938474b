"""Water outage notices (R8): the 24 h rule, PostGIS look-up, SMS, changes, restoration,
the fire service, the 24 h emergency-water task, the desk's look-up and linked calls."""

from datetime import timedelta

import responses
import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.jobs import queue, run
from app.notifications.models import Notification
from app.outages.models import Outage, OutageCall
from app.workorders.models import WorkOrder
from tests.messaging.kit import delivered, messages

INSIDE = (121.16, 36.77)
OUTSIDE = (121.30, 36.90)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[121.15, 36.76], [121.17, 36.76], [121.17, 36.78], [121.15, 36.78], [121.15, 36.76]]
    ],
}


def body(**over):
    start = utcnow() + timedelta(hours=30)
    return {
        "kind": "planned",
        "area_name": "东村街道幸福小区",
        "area": SQUARE,
        "start_at": start.isoformat(),
        "expected_end_at": (start + timedelta(hours=6)).isoformat(),
        "reason": "更换供水主管阀门",
        **over,
    }


def residents(make):
    make.customer(at=INSIDE, phone="13800000001")
    make.customer(at=(121.155, 36.765), phone="13800000002")
    make.customer(at=(121.165, 36.775), phone="13800000002")  # same household, one SMS
    make.customer(at=(121.151, 36.761), phone="0535-6660000")  # a landline
    make.customer(at=OUTSIDE, phone="13800000009")


def declare(client, make, user=None, **over):
    user = user or make.user("dispatcher")
    return client.post("/api/outages", headers=make.headers(user), json=body(**over))


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_planned_outage_finds_customers_in_the_area_and_texts_them(client, make, run_jobs):
    residents(make)
    resp = declare(client, make)
    assert resp.status_code == 201, resp.json
    assert resp.json["affected_count"] == 4 and resp.json["notify"] == ["受影响用户"]
    run_jobs()
    assert sorted(d.phone for d in delivered()) == ["13800000001", "13800000002"]
    assert "停水通知:因更换供水主管阀门,东村街道幸福小区将于" in delivered()[0].text
    assert [m.status for m in messages(status="invalid")] == ["invalid"]
    page = client.get("/outages").get_data(as_text=True)
    assert "东村街道幸福小区" in page and "计划停水" in page and "13800000001" not in page


def test_notices_lost_half_way_are_sent_later_and_none_twice(sms_config, client, make):
    """Each message is its own send job committing its own answer: a worker and Redis lost
    after the first of two leaves one sent and recorded, one pending; the sweep sends the
    other, and the provider is called exactly once per number."""
    from rq import SimpleWorker

    from app.jobs import QUEUES, redis_conn

    sms_config.update(
        SMS_PROVIDER="aliyun",
        SMS_ACCESS_KEY_ID="test-key-id",
        SMS_ACCESS_KEY_SECRET="test-key-secret",
        SMS_TEMPLATES="outage_notice=SMS_100009",
    )
    ok = {"Code": "OK", "BizId": "900002^0", "Message": "OK", "RequestId": "req-3"}

    def one_job():
        worker = SimpleWorker([queue(name) for name in QUEUES], connection=redis_conn())
        worker.work(burst=True, max_jobs=1)
        db.session.remove()

    residents(make)
    with responses.RequestsMock() as http:
        http.add(responses.POST, "https://dysmsapi.aliyuncs.com/", json=ok)
        assert declare(client, make).status_code == 201
        one_job()  # the chunk: its messages committed, then one send job each
        pending = messages(status="pending")
        assert len(pending) == 2 and not http.calls
        assert sorted(queue("default").job_ids) == sorted(f"sms-{m.id}" for m in pending)
        one_job()  # the first message goes out...
        redis_conn().flushdb()  # ...and the other's job is lost with Redis and the worker
        db.session.expire_all()
        [sent] = messages(status="sent")
        [left] = messages(status="pending")
        assert len(http.calls) == 1 and sent.attempts == 1
        left.next_attempt_at = utcnow() - timedelta(minutes=5)  # time passes
        db.session.commit()
        queue("default").enqueue(run, "app.messaging.jobs.sweep")
        SimpleWorker([queue(name) for name in QUEUES], connection=redis_conn()).work(burst=True)
        assert len(http.calls) == 2
        assert f"OutId={left.id}" in http.calls[1].request.url
    db.session.expire_all()
    sent = messages(status="sent")
    assert sorted(m.phone for m in sent) == ["13800000001", "13800000002"]
    assert [m.attempts for m in sent] == [1, 1]


def test_planned_outage_with_short_notice_needs_a_leads_approval(client, make):
    residents(make)
    soon = utcnow() + timedelta(hours=3)
    times = {
        "start_at": soon.isoformat(),
        "expected_end_at": (soon + timedelta(hours=2)).isoformat(),
    }
    resp = declare(client, make, **times)
    assert resp.status_code == 409 and resp.json["code"] == "short_notice"
    resp = declare(client, make, approval_reason="我批的", **times)  # a dispatcher cannot approve
    assert resp.status_code == 409
    assert count(Outage) == 0 and messages() == []
    lead = make.user("department_lead")
    resp = declare(client, make, user=lead, approval_reason="管道爆裂风险,须尽快更换", **times)
    assert resp.status_code == 201 and resp.json["approval_reason"].startswith("管道爆裂")


def test_emergency_outage_is_linked_to_its_repair_order(client, make, run_jobs):
    residents(make)
    resp = declare(client, make, kind="emergency")
    assert resp.status_code == 422 and "work_order_id" in resp.json["errors"]
    order = make.work_order(type="emergency_repair")
    started = (utcnow() - timedelta(minutes=20)).isoformat()
    resp = declare(client, make, kind="emergency", work_order_id=order.id, start_at=started)
    assert resp.status_code == 201 and resp.json["work_order_id"] == order.id


def test_changes_and_restoration_are_texted_and_the_fire_service_is_told(
    app, client, make, run_jobs
):
    residents(make)
    app.config["FIRE_SERVICE_PHONE"] = "13900000119"
    try:
        resp = declare(client, make, fire_supply_affected=True)
        outage_id = resp.json["id"]
        assert resp.json["notify"] == ["受影响用户", "消防部门"]
        dispatcher = make.user("dispatcher")
        headers = make.headers(dispatcher)
        later = utcnow() + timedelta(hours=40)
        resp = client.patch(
            f"/api/outages/{outage_id}",
            headers=make.headers(dispatcher),
            json={"expected_end_at": later.isoformat(), "note": "施工延长"},
        )
        assert resp.status_code == 200, resp.json
        resp = client.post(f"/api/outages/{outage_id}/restore", headers=make.headers(dispatcher))
        assert resp.status_code == 200 and resp.json["status"] == "restored"
        run_jobs()
    finally:
        app.config["FIRE_SERVICE_PHONE"] = ""
    by_phone = {}
    for delivery in delivered():
        by_phone.setdefault(delivery.phone, []).append(delivery.text[7:11])
    assert by_phone["13800000001"] == ["停水通知", "停水变更", "东村街道"]
    assert len(by_phone["13900000119"]) == 3 and "13800000009" not in by_phone
    resp = client.post(f"/api/outages/{outage_id}/restore", headers=headers)
    assert resp.status_code == 409


def test_an_outage_past_24_hours_raises_one_emergency_water_task(client, make, run_jobs):
    dispatcher = make.user("dispatcher")
    dispatcher_id = dispatcher.id
    order = make.work_order(type="emergency_repair")
    started = (utcnow() - timedelta(hours=25)).isoformat()
    resp = declare(
        client, make, dispatcher, kind="emergency", work_order_id=order.id, start_at=started
    )
    assert resp.status_code == 201
    fresh = declare(client, make, dispatcher, kind="emergency", work_order_id=order.id)
    assert fresh.status_code == 201
    for _ in range(2):
        queue("default").enqueue(run, "app.outages.jobs.watch")
        run_jobs()
    tasks = db.session.scalars(
        sa.select(Notification).where(Notification.kind == "emergency_water_supply")
    ).all()
    assert [(t.recipient_id, t.payload["outage_id"]) for t in tasks] == [
        (dispatcher_id, resp.json["id"])
    ]
    assert db.session.get(Outage, fresh.json["id"]).emergency_water_at is None


def test_the_desk_finds_the_outage_at_the_callers_address_and_links_the_call(client, make):
    residents(make)
    inside = make.customer(at=INSIDE, phone="13800000003")
    outage_id = declare(client, make).json["id"]
    agent = make.user("hotline_agent")
    headers = make.headers(agent)
    found = client.get(f"/api/outages?account_no={inside.account_no}", headers=headers).json
    assert [o["id"] for o in found] == [outage_id]
    away = client.get(f"/api/outages?lon={OUTSIDE[0]}&lat={OUTSIDE[1]}", headers=headers).json
    assert away == []
    orders_before = count(WorkOrder)
    resp = client.post(
        f"/api/outages/{outage_id}/calls",
        headers=headers,
        json={"customer_id": inside.id, "caller_phone": "13800000003", "note": "家里没水"},
    )
    assert resp.status_code == 201 and resp.json["outage_id"] == outage_id
    assert count(WorkOrder) == orders_before and count(OutageCall) == 1


def test_a_bad_area_is_refused_and_nothing_is_stored(client, make):
    resp = declare(client, make, area={"type": "Polygon", "coordinates": [[[1, 1], [1, 1]]]})
    assert resp.status_code == 422 and "area" in resp.json["errors"]
    resp = declare(client, make, expected_end_at=utcnow().isoformat())
    assert resp.status_code == 422
    assert count(Outage) == 0
