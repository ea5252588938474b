from datetime import timedelta

from app.extensions import db
from app.visits import rules
from app.workorders.models import WorkOrder
from tests.visits.kit import iso, later, now


def book(ph, order, start, end):
    order_row = db.session.get(WorkOrder, order.id)
    order_row.status = "scheduled"
    order_row.appointment_start, order_row.appointment_end = start, end
    db.session.commit()


def move(ph, order, **over):
    body = {
        "start": iso(later(days=1)),
        "end": iso(later(days=1, hours=1)),
        "reason": "临时抢修任务,无法按时上门",
        "customer_informed_via": "phone",
        "customer_informed_at": iso(now() - timedelta(minutes=1)),
        **over,
    }
    return ph.post(order.id, "reschedule", body)


def test_reschedule_before_the_window_records_reason_new_window_and_how_told(phone):
    ph, order = phone
    assert (
        ph.post(
            order.id, "appointment", {"start": iso(later(hours=2)), "end": iso(later(hours=3))}
        ).status_code
        == 200
    )
    resp = move(ph, order)
    assert resp.status_code == 200, resp.json
    assert resp.json["kind"] == "reschedule" and resp.json["reason"].startswith("临时抢修")
    payload = resp.json["payload"]
    assert payload["customer_informed_via"] == "phone" and payload["previous_start"]
    db.session.expire_all()
    assert db.session.get(WorkOrder, order.id).appointment_start > later(hours=20)


def test_technician_cannot_reschedule_once_the_window_started_but_a_dispatcher_can(
    phone, client, make
):
    ph, order = phone
    book(ph, order, now() - timedelta(minutes=5), later(minutes=55))
    resp = move(ph, order)
    assert resp.status_code == 409 and resp.json["code"] == "reschedule_refused"
    dispatcher = make.user("dispatcher")
    resp = client.post(
        f"/api/workorders/{order.id}/reschedule",
        headers=make.headers(dispatcher),
        json={
            "start": iso(later(days=1)),
            "end": iso(later(days=1, hours=1)),
            "reason": "客户改期",
            "customer_informed_via": "phone",
            "customer_informed_at": iso(now()),
        },
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["actor_label"].startswith("dispatcher:")


def test_customer_must_have_been_told_before_the_original_time(phone):
    ph, order = phone
    start = later(hours=2)
    book(ph, order, start, start + timedelta(hours=1))
    resp = move(ph, order, customer_informed_at=iso(start + timedelta(minutes=1)))
    assert resp.status_code == 409 and resp.json["code"] == "reschedule_refused"


def test_new_window_must_make_sense(phone):
    ph, order = phone
    book(ph, order, later(hours=2), later(hours=3))
    resp = move(ph, order, start=iso(later(days=1)), end=iso(later(hours=20)))
    assert resp.status_code == 422 and "end" in resp.json["errors"]
    resp = move(ph, order, reason="")
    assert resp.status_code == 422 and "reason" in resp.json["errors"]


def test_second_appointment_must_be_a_reschedule(phone):
    ph, order = phone
    body = {"start": iso(later(hours=2)), "end": iso(later(hours=3))}
    assert ph.post(order.id, "appointment", body).status_code == 200
    resp = ph.post(order.id, "appointment", body)
    assert resp.status_code == 409 and resp.json["code"] == "already_scheduled"


def test_reschedule_rule_as_a_plain_function():
    start = now()
    assert rules.reschedule_refusal(start, start - timedelta(seconds=1), None, False) is None
    assert rules.reschedule_refusal(start, start, None, False)
    assert rules.reschedule_refusal(start, start + timedelta(hours=1), None, True) is None
    assert rules.reschedule_refusal(None, start, None, False)
