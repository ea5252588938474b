from datetime import timedelta

import sqlalchemy as sa

from app.common.models import IdempotencyKey
from app.extensions import db
from app.visits.models import Visit
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.visits.kit import assigned_order, iso, now


def sync(ph, items):
    return ph.client.post("/api/sync", json={"items": items}, headers=ph.headers)


def offline_steps(order, start_minutes_ago=30):
    at = now() - timedelta(minutes=start_minutes_ago)
    steps = [
        ("depart", {}),
        ("arrive", {"position": {"lat": 36.77, "lon": 121.16}}),
        ("checklist", {"item": "uniform"}),
        ("checklist", {"item": "id_shown"}),
        ("complete", {"note": "已修复"}),
    ]
    return [
        {
            "idempotency_key": f"o{order.id}-{i}",
            "path": f"/api/workorders/{order.id}/{name}",
            "body": body,
            "device_time": iso(at + timedelta(minutes=i)),
        }
        for i, (name, body) in enumerate(steps)
    ]


def order_events(order_id):
    return db.session.scalars(
        sa.select(WorkOrderEvent)
        .where(
            WorkOrderEvent.work_order_id == order_id,
            WorkOrderEvent.actor_label.like("technician:%"),
            WorkOrderEvent.kind != "accept",
        )
        .order_by(WorkOrderEvent.id)
    ).all()


def test_queued_steps_are_applied_in_order_keeping_device_and_receipt_times(phone):
    ph, order = phone
    items = offline_steps(order)
    resp = sync(ph, items)
    assert resp.status_code == 200, resp.json
    results = resp.json["results"]
    assert [r["status"] for r in results] == [200, 200, 201, 201, 200]
    assert [r["idempotency_key"] for r in results] == [i["idempotency_key"] for i in items]
    assert results[-1]["body"]["status"] == "completed"
    events = order_events(order.id)
    assert [e.kind for e in events] == [
        "depart",
        "arrive",
        "checklist:uniform",
        "checklist:id_shown",
        "complete",
    ]
    for event, item in zip(events, items, strict=True):
        assert event.device_time.isoformat() == item["device_time"].replace("Z", "+00:00")
        assert event.server_time > event.device_time + timedelta(minutes=20)
    assert results[0]["device_time"] and results[0]["received_at"]


def test_a_replayed_batch_changes_nothing_and_returns_the_same_results(phone):
    ph, order = phone
    items = offline_steps(order)
    first = sync(ph, items).json["results"]
    again = sync(ph, items).json["results"]
    assert [r["body"] for r in again] == [r["body"] for r in first]
    assert all(r["replayed"] for r in again)
    assert len(order_events(order.id)) == 5


def test_one_bad_item_fails_alone_and_changes_nothing_of_its_own(phone):
    ph, order = phone
    items = offline_steps(order)
    items.insert(
        2,
        {
            "idempotency_key": "bad-1",
            "path": f"/api/workorders/{order.id}/checklist",
            "body": {"item": "juggling"},
        },
    )
    items.insert(
        3, {"idempotency_key": "bad-2", "action": "complete", "work_order_id": order.id, "body": {}}
    )  # before id_shown: refused, rolled back to its savepoint
    items.insert(
        4, {"idempotency_key": "bad-3", "path": "/api/workorders/999999/depart", "body": {}}
    )
    items.insert(5, {"idempotency_key": "bad-4", "path": "/api/nowhere", "body": {}})
    results = sync(ph, items).json["results"]
    by_key = {r["idempotency_key"]: r for r in results}
    assert by_key["bad-1"]["status"] == 422 and "item" in by_key["bad-1"]["body"]["errors"]
    assert by_key["bad-2"]["status"] == 409
    assert by_key["bad-2"]["body"]["errors"]["missing"] == ["id_shown"]
    assert by_key["bad-3"]["status"] == 404 and by_key["bad-4"]["status"] == 404
    assert results[-1]["status"] == 200 and results[-1]["body"]["status"] == "completed"
    assert db.session.get(WorkOrder, order.id).status == "completed"
    assert len(order_events(order.id)) == 5


def test_a_step_sent_live_then_replayed_in_a_batch_is_applied_once(phone):
    ph, order = phone
    device_time = iso(now())
    live = ph.post(order.id, "depart", {"device_time": device_time}, key="live-1")
    assert live.status_code == 200
    results = sync(
        ph,
        [
            {
                "idempotency_key": "live-1",
                "path": f"/api/workorders/{order.id}/depart",
                "body": {},
                "device_time": device_time,
            }
        ],
    ).json["results"]
    assert results[0]["replayed"] is True and results[0]["body"] == live.json
    # ... and the other way round: a batch item replayed as a single request.
    sync(
        ph,
        [
            {
                "idempotency_key": "b-2",
                "action": "arrive",
                "work_order_id": order.id,
                "body": {"position": {"lat": 36.77, "lon": 121.16}},
            }
        ],
    )
    single = ph.post(order.id, "arrive", {"position": {"lat": 36.77, "lon": 121.16}}, key="b-2")
    assert single.status_code == 200 and single.headers["Idempotent-Replayed"] == "true"
    assert [e.kind for e in order_events(order.id)] == ["depart", "arrive"]


def test_same_key_with_another_body_in_a_batch_is_422(phone):
    ph, order = phone
    ph.post(order.id, "contact-attempts", {"outcome": "called"}, key="c-1")
    results = sync(
        ph,
        [
            {
                "idempotency_key": "c-1",
                "action": "contact-attempts",
                "work_order_id": order.id,
                "body": {"outcome": "agreed"},
            }
        ],
    ).json["results"]
    assert results[0]["status"] == 422
    assert results[0]["body"]["code"] == "idempotency_key_reused"


def test_foreign_orders_in_a_batch_are_404_and_claims_are_kept_per_item(phone, make):
    ph, order = phone
    stranger = make.work_order()
    results = sync(
        ph,
        [{"idempotency_key": "f-1", "path": f"/api/workorders/{stranger.id}/depart", "body": {}}],
    ).json["results"]
    assert results[0]["status"] == 404
    row = db.session.scalar(sa.select(IdempotencyKey).where(IdempotencyKey.key == "f-1"))
    assert row.status == "done" and row.response_status == 404


def test_batch_shape_is_validated(phone):
    ph, _ = phone
    assert sync(ph, []).status_code == 422
    resp = ph.client.post(
        "/api/sync", json={"items": [{"idempotency_key": "x"}]}, headers=ph.headers
    )
    assert resp.status_code == 422


def test_accept_and_decline_queued_offline_run_the_dispatch_services(client, make, storage_dir):
    from tests.visits.kit import Phone, assigned_order

    order, tech = assigned_order(make, accept=False)
    other, _ = assigned_order(make, tech=tech, accept=False)
    ph = Phone(client, make, tech)
    accepted_at = iso(now() - timedelta(minutes=10))
    results = sync(
        ph,
        [
            {
                "idempotency_key": "a-1",
                "action": "accept",
                "work_order_id": order.id,
                "body": {},
                "device_time": accepted_at,
            },
            {
                "idempotency_key": "a-2",
                "action": "decline",
                "work_order_id": other.id,
                "body": {"reason": "不在我的片区"},
            },
            {"idempotency_key": "a-3", "path": f"/api/workorders/{order.id}/depart", "body": {}},
        ],
    ).json["results"]
    assert [r["status"] for r in results] == [200, 200, 200]
    assert results[0]["body"]["status"] == "accepted" and results[1]["body"]["status"] == "new"
    accept = db.session.scalar(
        sa.select(WorkOrderEvent).where(
            WorkOrderEvent.work_order_id == order.id, WorkOrderEvent.kind == "accept"
        )
    )
    assert accept.device_time.isoformat() == accepted_at


def _same_shape(event):
    return (
        event.kind,
        event.from_status,
        event.to_status,
        event.device_time,
        event.payload,
        event.reason,
        event.accuracy_m,
        event.actor_id,
    )


def test_interleaved_orders_in_a_batch_end_as_single_requests_leave_them(phone, make):
    """Two orders' steps interleaved, a refused arrival and a foreign order in between: every
    result, event and visit is what the same steps sent one by one give."""
    ph, live = phone
    batch_a, _ = assigned_order(make, tech=ph.tech)
    batch_b, _ = assigned_order(make, tech=ph.tech)
    stranger = make.work_order()
    at = now() - timedelta(minutes=30)
    steps = [
        ("depart", {}),
        ("arrive", {"position": {"lat": 95, "lon": 121.16}}),  # 422
        ("arrive", {"position": {"lat": 36.77, "lon": 121.16}, "accuracy_m": 5}),
        ("checklist", {"item": "uniform"}),
        ("checklist", {"item": "uniform"}),  # 409
        ("checklist", {"item": "id_shown"}),
        ("complete", {"note": "好了"}),
    ]
    bodies = [
        {**body, "device_time": iso(at + timedelta(minutes=i))} for i, (_, body) in enumerate(steps)
    ]
    names = [name for name, _ in steps]
    singles = [ph.post(live.id, name, body) for name, body in zip(names, bodies, strict=True)]
    items = []
    for i, (name, body) in enumerate(zip(names, bodies, strict=True)):
        for order in (batch_a, stranger, batch_b):
            items.append(
                {
                    "idempotency_key": f"{order.id}-{i}",
                    "body": body,
                    "path": f"/api/workorders/{order.id}/{name}",
                }
            )
    results = sync(ph, items).json["results"]

    assert [r["status"] for r in results[1::3]] == [404, 422, 404, 404, 404, 404, 404]
    expected = [(s.status_code, s.json.get("kind"), s.json.get("status")) for s in singles]
    assert [s for s, _, _ in expected] == [200, 422, 200, 201, 409, 201, 200]
    for batch_results in (results[0::3], results[2::3]):
        assert [
            (r["status"], r["body"].get("kind"), r["body"].get("status")) for r in batch_results
        ] == expected
    want = [_same_shape(e) for e in order_events(live.id)]
    for order in (batch_a, batch_b):
        assert [_same_shape(e) for e in order_events(order.id)] == want
        visit, live_visit = (db.session.get(Visit, o.id) for o in (order, live))
        assert (visit.checklist.keys(), visit.arrival_distance_m, visit.arrival_flagged) == (
            live_visit.checklist.keys(),
            live_visit.arrival_distance_m,
            live_visit.arrival_flagged,
        )
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(WorkOrderEvent)
            .where(WorkOrderEvent.work_order_id == stranger.id, WorkOrderEvent.kind == "depart")
        )
        == 0
    )


def test_a_refused_item_does_not_publish_the_others_live_events_twice(client, make, storage_dir):
    """A refusal makes the batch run again item by item: what the first pass queued is dropped."""
    import json
    import time

    from app.jobs import redis_conn
    from app.notifications.models import Notification
    from app.notifications.services import channel_for
    from tests.visits.kit import Phone

    order, tech = assigned_order(make, accept=False)
    dispatcher_id = make.user("dispatcher").id
    listener = redis_conn().pubsub(ignore_subscribe_messages=True)
    listener.subscribe(channel_for(dispatcher_id))
    ph = Phone(client, make, tech)
    results = sync(
        ph,
        [
            {
                "idempotency_key": "d-1",
                "action": "decline",
                "work_order_id": order.id,
                "body": {"reason": "车辆故障"},
            },
            {
                "idempotency_key": "d-2",
                "path": f"/api/workorders/{order.id}/arrive",
                "body": {"position": {"lat": 99, "lon": 121.16}},
            },
        ],
    ).json["results"]
    assert [r["status"] for r in results] == [200, 422]
    heard, deadline = [], time.monotonic() + 1.5
    while time.monotonic() < deadline:
        message = listener.get_message(timeout=0.1)
        if message:
            heard.append(json.loads(message["data"])["kind"])
    listener.close()
    assert heard.count("assignment_declined") == 1
    stored = db.session.scalars(
        sa.select(Notification.id).where(
            Notification.recipient_id == dispatcher_id, Notification.kind == "assignment_declined"
        )
    ).all()
    assert len(stored) == 1
