import threading
from datetime import timedelta

import sqlalchemy as sa

from app.common.models import IdempotencyKey
from app.database import utcnow
from app.extensions import db
from app.workorders.models import WorkOrderEvent
from tests.visits.kit import Phone, assigned_order, iso, now


def count_events(order_id, kind):
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == kind
        )
    )


def test_same_key_same_body_gives_the_first_response_and_acts_once(phone):
    ph, order = phone
    body = {"outcome": "called", "device_time": iso(now())}
    first = ph.post(order.id, "contact-attempts", body, key="k-1")
    again = ph.post(order.id, "contact-attempts", body, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count_events(order.id, "contact_attempt") == 1
    # Key order and spacing do not make a different body.
    text = '{ "device_time": "' + body["device_time"] + '",  "outcome": "called"}'
    resp = ph.client.post(
        f"/api/workorders/{order.id}/contact-attempts",
        data=text,
        headers={**ph.headers, "Idempotency-Key": "k-1", "Content-Type": "application/json"},
    )
    assert resp.status_code == 201 and resp.json == first.json


def test_same_key_different_body_is_422_and_changes_nothing(phone):
    ph, order = phone
    ph.post(order.id, "contact-attempts", {"outcome": "called"}, key="k-2")
    resp = ph.post(order.id, "contact-attempts", {"outcome": "agreed"}, key="k-2")
    assert resp.status_code == 422 and resp.json["code"] == "idempotency_key_reused"
    assert count_events(order.id, "contact_attempt") == 1
    resp = ph.post(order.id, "depart", {}, key="k-2")  # another endpoint, same key
    assert resp.status_code == 422


def test_refusals_are_stored_too_so_a_retry_gets_the_same_answer(phone):
    ph, order = phone
    first = ph.post(order.id, "complete", {}, key="k-3")
    assert first.status_code == 409
    ph.on_site(order)
    again = ph.post(order.id, "complete", {}, key="k-3")
    assert again.status_code == 409 and again.json == first.json


def test_key_still_in_progress_is_409(phone, app):
    ph, order = phone
    db.session.add(
        IdempotencyKey(
            user_id=ph.tech.user_id,
            key="k-4",
            method="POST",
            path=f"/api/workorders/{order.id}/depart",
            body_sha256=_digest({}),
            status="in_progress",
        )
    )
    db.session.commit()
    resp = ph.post(order.id, "depart", {}, key="k-4")
    assert resp.status_code == 409 and resp.json["code"] == "idempotency_in_progress"
    assert count_events(order.id, "depart") == 0


def test_a_stale_claim_with_no_effect_is_taken_over(phone):
    ph, order = phone
    db.session.add(
        IdempotencyKey(
            user_id=ph.tech.user_id,
            key="k-5",
            method="POST",
            path=f"/api/workorders/{order.id}/depart",
            body_sha256=_digest({}),
            status="in_progress",
            created_at=utcnow() - timedelta(minutes=10),
        )
    )
    db.session.commit()
    resp = ph.post(order.id, "depart", {}, key="k-5")
    assert resp.status_code == 200 and count_events(order.id, "depart") == 1


def test_keys_are_per_user(client, make, storage_dir):
    order_a, tech_a = assigned_order(make)
    order_b, tech_b = assigned_order(make)
    a, b = Phone(client, make, tech_a), Phone(client, make, tech_b)
    assert a.post(order_a.id, "depart", {}, key="same").status_code == 200
    assert b.post(order_b.id, "depart", {}, key="same").status_code == 200


def test_concurrent_retries_apply_the_step_once(app, make, storage_dir):
    order, tech = assigned_order(make)
    headers = {**make.headers(tech.user), "Idempotency-Key": "k-race"}
    url = f"/api/workorders/{order.id}/depart"
    statuses = []

    def send():
        with app.test_client() as c:
            statuses.append(c.post(url, json={}, headers=headers).status_code)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert count_events(order.id, "depart") == 1
    assert set(statuses) <= {200, 409} and 200 in statuses


def test_bad_key_is_422(phone):
    ph, order = phone
    resp = ph.post(order.id, "depart", {}, key="x" * 300)
    assert resp.status_code == 422 and "Idempotency-Key" in resp.json["errors"]


def test_openapi_documents_the_header(client):
    spec = client.get("/api/openapi.json").json
    params = spec["paths"]["/api/workorders/{order_id}/arrive"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)


def _digest(body):
    from app.common.idempotency import body_sha256

    return body_sha256(body)
