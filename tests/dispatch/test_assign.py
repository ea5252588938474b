import threading

import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.dispatch.kit import FAR, NEAR, events_of, notes_for


def count_events():
    return db.session.scalar(sa.select(sa.func.count()).select_from(WorkOrderEvent))


def setup_two(make):
    zone = make.zone()
    near = make.technician(team=zone.team, at=NEAR)
    far = make.technician(team=zone.team, at=FAR)
    return near, far, make.work_order()


def test_dispatcher_assigns_the_top_suggestion_and_the_technician_is_told(
    client, make, office_open
):
    near, _, order = setup_two(make)
    dispatcher = make.user("dispatcher")
    resp = client.post(
        f"/api/workorders/{order.id}/assign",
        headers=make.headers(dispatcher),
        json={"technician_id": near.id},
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "assigned" and resp.json["technician_id"] == near.id
    event = resp.json["timeline"][-1]
    assert event["kind"] == "assign" and event["actor_id"] == dispatcher.id
    assert event["payload"]["rank"] == 1 and event["payload"]["suggested_technician_id"] == near.id
    assert event["payload"]["reasons"]["distance_m"] < 200
    [note] = notes_for(near.user_id, "assignment")
    assert note.payload["number"] == order.number


def test_overriding_the_top_suggestion_needs_a_reason(client, make, office_open):
    near, far, order = setup_two(make)
    headers = make.headers(make.user("dispatcher"))
    before = count_events()
    resp = client.post(
        f"/api/workorders/{order.id}/assign", headers=headers, json={"technician_id": far.id}
    )
    assert resp.status_code == 422 and "override_reason" in resp.json["errors"]
    assert count_events() == before
    assert db.session.get(WorkOrder, order.id).status == "new"
    resp = client.post(
        f"/api/workorders/{order.id}/assign",
        headers=headers,
        json={"technician_id": far.id, "override_reason": "熟悉该小区管网"},
    )
    assert resp.status_code == 200
    payload = resp.json["timeline"][-1]["payload"]
    assert payload["override_reason"] == "熟悉该小区管网" and payload["rank"] == 2
    assert payload["suggested_technician_id"] == near.id


def test_unfit_technician_is_refused(client, make, office_open):
    _, _, order = setup_two(make)
    meter_only = make.technician(skills=("meter",))
    resp = client.post(
        f"/api/workorders/{order.id}/assign",
        headers=make.headers(make.user("dispatcher")),
        json={"technician_id": meter_only.id, "override_reason": "试试"},
    )
    assert resp.status_code == 422 and "technician_id" in resp.json["errors"]


def test_two_dispatchers_at_once_exactly_one_wins(app, make, office_open):
    near, far, order = setup_two(make)
    heads = [make.headers(make.user("dispatcher")) for _ in range(2)]
    bodies = [{"technician_id": near.id}, {"technician_id": far.id, "override_reason": "就近"}]
    url = f"/api/workorders/{order.id}/assign"
    barrier, results = threading.Barrier(2), []

    def post(i):
        client = app.test_client()
        barrier.wait()
        resp = client.post(url, headers=heads[i], json=bodies[i])
        results.append((resp.status_code, resp.json))

    threads = [threading.Thread(target=post, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(code for code, _ in results) == [200, 409]
    loser = next(body for code, body in results if code == 409)
    assert loser["code"] == "illegal_transition"
    assert len(events_of(order.id, "assign")) == 1


def test_stale_version_is_a_conflict(client, make, office_open):
    near, far, order = setup_two(make)
    headers = make.headers(make.user("dispatcher"))
    client.post(
        f"/api/workorders/{order.id}/assign", headers=headers, json={"technician_id": near.id}
    )
    resp = client.post(
        f"/api/workorders/{order.id}/reassign",
        headers=headers,
        json={"technician_id": far.id, "reason": "改派", "version": 1},
    )
    assert resp.status_code == 409 and resp.json["code"] == "version_conflict"


def test_reassign_tells_the_previous_technician(client, make, office_open):
    near, far, order = setup_two(make)
    headers = make.headers(make.user("dispatcher"))
    client.post(
        f"/api/workorders/{order.id}/assign", headers=headers, json={"technician_id": near.id}
    )
    resp = client.post(
        f"/api/workorders/{order.id}/reassign",
        headers=headers,
        json={"technician_id": far.id, "reason": "原维修工请假"},
    )
    assert resp.status_code == 200, resp.json
    assert resp.json["technician_id"] == far.id and resp.json["status"] == "assigned"
    assert resp.json["timeline"][-1]["reason"] == "原维修工请假"
    assert notes_for(near.user_id, "assignment_withdrawn")
    assert notes_for(far.user_id, "assignment")


def test_technician_accepts_own_order_only(client, make, office_open):
    near, far, order = setup_two(make)
    client.post(
        f"/api/workorders/{order.id}/assign",
        headers=make.headers(make.user("dispatcher")),
        json={"technician_id": near.id},
    )
    resp = client.post(f"/api/workorders/{order.id}/accept", headers=make.headers(far.user))
    assert resp.status_code == 404
    resp = client.post(f"/api/workorders/{order.id}/accept", headers=make.headers(near.user))
    assert resp.status_code == 200 and resp.json["status"] == "accepted"
    assert resp.json["accepted_at"] is not None
    resp = client.post(f"/api/workorders/{order.id}/accept", headers=make.headers(near.user))
    assert resp.status_code == 409


def test_decline_returns_the_order_to_the_queue_and_routes_it_again(
    client, make, office_open, run_jobs
):
    near, far, order = setup_two(make)
    near_id, far_id, order_id = near.id, far.id, order.id
    dispatcher = make.user("dispatcher")
    headers = make.headers(dispatcher)
    client.post(
        f"/api/workorders/{order.id}/assign", headers=headers, json={"technician_id": near.id}
    )
    resp = client.post(
        f"/api/workorders/{order.id}/decline", headers=make.headers(near.user), json={}
    )
    assert resp.status_code == 422 and "reason" in resp.json["errors"]
    resp = client.post(
        f"/api/workorders/{order.id}/decline",
        headers=make.headers(near.user),
        json={"reason": "车辆故障"},
    )
    assert resp.status_code == 200
    assert resp.json["status"] == "new" and resp.json["technician_id"] is None
    assert notes_for(dispatcher.id, "assignment_declined")
    run_jobs()
    assert events_of(order_id)[-1].kind == "awaiting_dispatcher"
    body = client.get(f"/api/workorders/{order_id}/suggestions", headers=headers).json
    assert [c["technician_id"] for c in body["candidates"]] == [far_id]
    assert {e["technician_id"]: e["reasons"] for e in body["excluded"]} == {
        near_id: ["already_tried"]
    }


def test_auto_assignment_is_set_per_type_and_team(client, make, office_open, run_jobs):
    zone = make.zone()
    tech_id = make.technician(team=zone.team).id
    team_id = zone.team_id
    headers = make.headers(make.user("admin"))
    manual_id = make.work_order().id
    run_jobs()
    assert db.session.get(WorkOrder, manual_id).status == "new"
    assert events_of(manual_id)[-1].kind == "awaiting_dispatcher"
    resp = client.put(
        f"/api/admin/teams/{team_id}/auto-assign/general_repair",
        headers=headers,
        json={"enabled": True},
    )
    assert resp.status_code == 200
    setting = next(s for s in resp.json if s["type"] == "general_repair")
    assert setting == {**setting, "team_override": True, "effective": True, "type_default": False}
    auto_id = make.work_order().id
    run_jobs()
    order = db.session.get(WorkOrder, auto_id)
    assert order.status == "assigned" and order.technician_id == tech_id
    [event] = events_of(auto_id, "assign")
    assert event.actor_label == "system:router" and "top candidate" in event.reason
    # Run the routing job again: nothing happens twice.
    from app.jobs import queue, run

    queue("default").enqueue(run, "app.dispatch.jobs.route_order", manual_id)
    queue("default").enqueue(run, "app.dispatch.jobs.route_order", auto_id)
    run_jobs()
    assert len(events_of(auto_id, "assign")) == 1
    assert len(events_of(manual_id, "awaiting_dispatcher")) == 1
