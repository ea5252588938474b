"""Order and complaint creation honour Idempotency-Key: a retry never makes a second one."""

import sqlalchemy as sa

from app.complaints.models import Complaint
from app.extensions import db
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrder
from tests.complaints.kit import complaint_body, office  # noqa: F401 - fixture

ORDER = {
    "type": "general_repair",
    "channel": "hotline",
    "caller_name": "孙先生",
    "caller_phone": "13800000003",
    "address": "海阳市东村街道1号",
    "description": "水表井漏水",
}


def count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def post(client, path, headers, body, key):
    return client.post(path, headers={**headers, "Idempotency-Key": key}, json=body)


def test_an_order_retried_with_its_key_is_created_once_and_answered_the_same(client, make):
    headers = make.headers(make.user("hotline_agent"))
    first = post(client, "/api/workorders", headers, ORDER, "desk-1")
    again = post(client, "/api/workorders", headers, ORDER, "desk-1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count(WorkOrder) == 1
    assert count(OutboxMessage) == 1  # routed once, too
    other = post(client, "/api/workorders", headers, ORDER, "desk-2")  # a new submission
    assert other.status_code == 201 and other.json["id"] != first.json["id"]
    assert count(WorkOrder) == 2


def test_a_key_reused_for_another_order_is_refused_and_changes_nothing(client, make):
    headers = make.headers(make.user("hotline_agent"))
    assert post(client, "/api/workorders", headers, ORDER, "desk-1").status_code == 201
    resp = post(client, "/api/workorders", headers, {**ORDER, "description": "别的事"}, "desk-1")
    assert resp.status_code == 422 and resp.json["code"] == "idempotency_key_reused"
    assert count(WorkOrder) == 1


def test_a_refused_order_is_replayed_as_refused_and_creates_nothing(client, make):
    headers = make.headers(make.user("hotline_agent"))
    body = {**ORDER, "type": "no_such_type"}
    first = post(client, "/api/workorders", headers, body, "desk-1")
    again = post(client, "/api/workorders", headers, body, "desk-1")
    assert first.status_code == again.status_code == 422 and again.json == first.json
    assert count(WorkOrder) == 0 and count(OutboxMessage) == 0


def test_without_a_key_each_post_is_a_new_order_built_before_the_commit(client, make):
    headers = make.headers(make.user("hotline_agent"))
    resp = client.post("/api/workorders", headers=headers, json=ORDER)
    assert resp.status_code == 201 and resp.json["timeline"][0]["kind"] == "created"
    assert client.post("/api/workorders", headers=headers, json=ORDER).status_code == 201
    assert count(WorkOrder) == 2


def test_a_complaint_retried_with_its_key_is_taken_once(client, office):  # noqa: F811
    headers = office.make.headers(office.agent)
    body = complaint_body(office)
    first = post(client, "/api/complaints", headers, body, "desk-c1")
    again = post(client, "/api/complaints", headers, body, "desk-c1")
    assert first.status_code == again.status_code == 201
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert count(Complaint) == 1


def test_a_claim_left_by_a_database_failure_is_released_once_the_database_answers(
    client, make, monkeypatch
):
    import time

    from app.common import idempotency
    from app.common.models import IdempotencyKey

    real_delete, calls = idempotency._delete_claims, []

    def database_down_once(engine, row_ids):
        calls.append(row_ids)
        if len(calls) == 1:
            raise sa.exc.OperationalError("DELETE", {}, Exception("the database is restarting"))
        real_delete(engine, row_ids)

    def create_then_lose_the_database(data, user):
        raise sa.exc.OperationalError("INSERT", {}, Exception("terminating connection"))

    monkeypatch.setattr(idempotency, "_delete_claims", database_down_once)
    monkeypatch.setattr("app.workorders.services.create_work_order", create_then_lose_the_database)
    headers = make.headers(make.user("hotline_agent"))
    assert post(client, "/api/workorders", headers, ORDER, "desk-pg").status_code == 500
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and count(IdempotencyKey):
        time.sleep(0.2)
    assert count(IdempotencyKey) == 0 and len(calls) == 2  # released, not stuck for minutes
    monkeypatch.undo()
    assert post(client, "/api/workorders", headers, ORDER, "desk-pg").status_code == 201


def test_a_claim_left_by_a_killed_web_worker_is_taken_over_at_once(client, make):
    from app.common.idempotency import body_sha256
    from app.common.models import IdempotencyKey

    agent = make.user("hotline_agent")
    db.session.add(  # what a web worker killed mid-request leaves: a claim, no order
        IdempotencyKey(
            user_id=agent.id,
            key="desk-killed",
            method="POST",
            path="/api/workorders",
            body_sha256=body_sha256(ORDER),
            status="in_progress",
        )
    )
    db.session.commit()
    resp = post(client, "/api/workorders", make.headers(agent), ORDER, "desk-killed")
    assert resp.status_code == 201 and count(WorkOrder) == 1
    again = post(client, "/api/workorders", make.headers(agent), ORDER, "desk-killed")
    assert again.status_code == 201 and again.json == resp.json and count(WorkOrder) == 1


def test_the_pool_holds_two_connections_for_every_web_thread(app):
    """A keyed request holds its session's connection while it claims the key on another:
    with fewer than two per Flask thread, a burst of keyed POSTs waits on itself until the
    pool times out (30 s)."""
    pool = db.engine.pool
    needed = 2 * app.config["WEB_THREADS"] + app.config["LIVE_DB_THREADS"]
    assert pool.size() + pool._max_overflow >= needed
