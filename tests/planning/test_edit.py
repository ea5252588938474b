from datetime import datetime, time

from app.calendar.rules import TZ
from tests.planning.kit import (
    BASE,
    EAST,
    NORTH,
    WEST,
    propose,
    route_of,
    stop_ids,
    unassigned_reasons,
)


def _patch(client, crew, plan_id, **body):
    return client.patch(f"/api/dispatch/plans/{plan_id}", headers=crew.headers, json=body)


def _local(iso):
    return datetime.fromisoformat(iso).astimezone(TZ).strftime("%H:%M")


def test_moving_a_stop_to_another_technician_recomputes_both_routes(client, crew, day):
    east = crew.technician(at=EAST)
    west = crew.technician(at=WEST)
    a, b = crew.order(at=EAST), crew.order(at=(121.21, 36.785))
    c = crew.order(at=WEST)
    plan = propose(client, crew, day)
    assert set(stop_ids(route_of(plan, east))) == {a.id, b.id}
    before = route_of(plan, west)["totals"]["travel_km"]

    resp = _patch(client, crew, plan["id"], order_id=b.id, technician_id=west.id, position=0)

    assert resp.status_code == 200, resp.json
    moved = resp.json
    assert stop_ids(route_of(moved, west)) == [b.id, c.id]
    assert stop_ids(route_of(moved, east)) == [a.id]
    assert [s["sequence"] for s in route_of(moved, west)["stops"]] == [1, 2]
    assert route_of(moved, west)["totals"]["travel_km"] > before
    assert moved["edits"][0]["order_id"] == b.id
    assert moved["edits"][0]["from"]["technician_id"] == east.id
    assert client.get(f"/api/dispatch/plans/{plan['id']}", headers=crew.headers).json == moved


def test_a_move_that_misses_a_window_is_flagged_not_refused(client, crew, day):
    tech = crew.technician(at=BASE)
    early = crew.order(at=EAST, window=(time(8, 30), time(9, 0)), day=day)
    others = [crew.order(at=WEST), crew.order(at=NORTH), crew.order(at=(121.12, 36.80))]
    plan = propose(client, crew, day)
    assert route_of(plan, tech)["stops"][0]["order"]["id"] == early.id

    resp = _patch(client, crew, plan["id"], order_id=early.id, technician_id=tech.id)

    assert resp.status_code == 200
    route = route_of(resp.json, tech)
    assert stop_ids(route)[-1] == early.id and len(route["stops"]) == 1 + len(others)
    last = route["stops"][-1]
    assert [v["code"] for v in last["violations"]] == ["window_missed"]
    assert _local(last["planned_start"]) > "09:00"
    assert resp.json["totals"]["inside_window"] == 0 and resp.json["totals"]["violations"] >= 1


def test_out_of_the_plan_and_back_in(client, crew, day):
    tech = crew.technician()
    order = crew.order()
    plan = propose(client, crew, day)
    out = _patch(client, crew, plan["id"], order_id=order.id, technician_id=None).json
    assert route_of(out, tech)["stops"] == []
    assert unassigned_reasons(out) == {order.id: "removed_by_dispatcher"}
    back = _patch(client, crew, plan["id"], order_id=order.id, technician_id=tech.id).json
    assert stop_ids(route_of(back, tech)) == [order.id] and back["unassigned"] == []


def test_bad_moves_are_422_and_change_nothing(client, crew, day, make):
    plumber = crew.technician(skills=("plumbing",))
    fitter = crew.technician(skills=("meter",))
    order = crew.order()
    stranger = make.work_order(at=(110.0, 30.0))  # unrouted: in no team's plan
    plan = propose(client, crew, day)
    cases = [
        ({"order_id": order.id, "technician_id": fitter.id}, "technician_id"),
        ({"order_id": stranger.id, "technician_id": plumber.id}, "order_id"),
        ({"order_id": order.id, "technician_id": 99999}, "technician_id"),
        ({"order_id": order.id, "technician_id": plumber.id, "position": 5}, "position"),
        ({"order_id": order.id, "technician_id": plumber.id, "position": -1}, "position"),
        ({"order_id": order.id}, "technician_id"),
    ]
    for body, field in cases:
        resp = _patch(client, crew, plan["id"], **body)
        assert resp.status_code == 422 and field in resp.json["errors"], (body, resp.json)
    assert client.get(f"/api/dispatch/plans/{plan['id']}", headers=crew.headers).json == plan
    agent = make.user("hotline_agent")
    resp = client.patch(
        f"/api/dispatch/plans/{plan['id']}",
        headers=make.headers(agent),
        json={"order_id": order.id, "technician_id": None},
    )
    assert resp.status_code == 403
    assert client.get("/api/dispatch/plans/424242", headers=crew.headers).status_code == 404


def test_an_accepted_plan_cannot_be_edited(client, crew, day):
    tech = crew.technician()
    order = crew.order()
    plan = propose(client, crew, day)
    assert (
        client.post(f"/api/dispatch/plans/{plan['id']}/accept", headers=crew.headers).status_code
        == 200
    )
    resp = _patch(client, crew, plan["id"], order_id=order.id, technician_id=tech.id)
    assert resp.status_code == 409 and resp.json["code"] == "plan_not_proposed"


def test_moving_an_assigned_order_to_someone_else_reassigns_it_on_accept(client, crew, day):
    from app.extensions import db
    from app.workorders.models import WorkOrder

    first = crew.technician(at=EAST)
    second = crew.technician(at=WEST)
    order = crew.order(at=EAST, status="accepted", technician_id=first.id)
    plan = propose(client, crew, day)
    _patch(client, crew, plan["id"], order_id=order.id, technician_id=second.id)
    accepted = client.post(f"/api/dispatch/plans/{plan['id']}/accept", headers=crew.headers)
    assert accepted.status_code == 200
    db.session.expire_all()
    row = db.session.get(WorkOrder, order.id)
    assert (row.status, row.technician_id) == ("assigned", second.id)
    event = row.events[-1]
    assert (event.kind, event.from_status, event.payload["from_technician_id"]) == (
        "reassign",
        "accepted",
        first.id,
    )


def test_each_stop_offers_only_the_technicians_who_can_take_it_and_says_why_not(client, crew, day):
    plumber = crew.technician(skills=("plumbing",))
    other_plumber = crew.technician(skills=("plumbing",))
    fitter = crew.technician(skills=("meter",))
    order = crew.order()  # needs plumbing
    plan = propose(client, crew, day)
    stop = next(s for r in plan["routes"] for s in r["stops"] if s["order"]["id"] == order.id)
    holder = next(r["technician"]["id"] for r in plan["routes"] if stop in r["stops"])
    moves = {m["technician_id"]: m for m in stop["moves"]}
    assert holder not in moves  # not offered to the technician who has it
    assert moves[fitter.id]["allowed"] is False
    assert moves[fitter.id]["why_not"] == "该维修工不具备此类工单所需的技能"
    for tech in (plumber, other_plumber):
        if tech.id != holder:
            assert moves[tech.id] == {
                "technician_id": tech.id,
                "name": tech.name,
                "allowed": True,
                "why_not": None,
            }
    # What the list refuses, the move refuses, with the same words.
    resp = _patch(client, crew, plan["id"], order_id=order.id, technician_id=fitter.id)
    assert resp.status_code == 422
    assert resp.json["errors"]["technician_id"][0].startswith("该维修工不具备此类工单所需的技能")
