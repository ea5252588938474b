import threading
from datetime import time, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification
from app.planning.models import Plan, PlanStop
from app.workorders.models import WorkOrder, WorkOrderEvent
from tests.planning.kit import EAST, WEST, propose, route_of, stop_ids


def _events(order_id):
    return db.session.scalars(
        sa.select(WorkOrderEvent)
        .where(WorkOrderEvent.work_order_id == order_id)
        .order_by(WorkOrderEvent.id)
    ).all()


def _accept(client, crew, plan_id, headers=None):
    return client.post(f"/api/dispatch/plans/{plan_id}/accept", headers=headers or crew.headers)


def test_accepting_assigns_through_the_state_machine_and_writes_planned_times(client, crew, day):
    tech = crew.technician()
    fresh = crew.order(at=EAST, window=(time(9), time(10)), day=day)
    mine = crew.order(at=WEST, status="accepted", technician_id=tech.id)
    plan = propose(client, crew, day)

    resp = _accept(client, crew, plan["id"])

    assert resp.status_code == 200, resp.json
    assert resp.json["status"] == "accepted"
    assert resp.json["accepted_by_id"] == crew.dispatcher.id
    db.session.expire_all()
    fresh_row, mine_row = db.session.get(WorkOrder, fresh.id), db.session.get(WorkOrder, mine.id)
    assert (fresh_row.status, fresh_row.technician_id) == ("assigned", tech.id)
    assert (mine_row.status, mine_row.technician_id) == ("accepted", tech.id)
    assign = _events(fresh.id)[-1]
    assert (assign.kind, assign.from_status, assign.to_status) == ("assign", "new", "assigned")
    assert assign.actor_id == crew.dispatcher.id and f"#{plan['id']}" in assign.reason
    stop = db.session.scalar(sa.select(PlanStop).where(PlanStop.work_order_id == fresh.id))
    assert assign.payload["plan_id"] == plan["id"]
    assert assign.payload["planned_start"] == stop.planned_start.isoformat()
    planned = _events(mine.id)[-1]
    assert planned.kind == "planned" and planned.to_status is None
    assert planned.payload["sequence"] == stop_ids(route_of(plan, tech)).index(mine.id) + 1
    note = db.session.scalar(
        sa.select(Notification).where(Notification.recipient_id == tech.user_id)
    )
    assert note.kind == "day_plan" and set(note.payload["orders"]) == {fresh.id, mine.id}


def test_accepting_twice_is_409_and_changes_nothing_more(client, crew, day):
    crew.technician()
    order = crew.order()
    plan = propose(client, crew, day)
    assert _accept(client, crew, plan["id"]).status_code == 200
    events = len(_events(order.id))
    resp = _accept(client, crew, plan["id"])
    assert resp.status_code == 409 and resp.json["code"] == "plan_not_proposed"
    assert len(_events(order.id)) == events


def test_an_order_changed_since_the_proposal_makes_accept_409_and_nothing_is_written(
    client, crew, day, make
):
    crew.technician()
    untouched = crew.order(at=WEST)
    cancelled = crew.order(at=EAST)
    plan = propose(client, crew, day)
    agent = make.user("hotline_agent")
    resp = client.post(
        f"/api/workorders/{cancelled.id}/cancel",
        headers=make.headers(agent),
        json={"reason": "用户已自行修好"},
    )
    assert resp.status_code == 200

    resp = _accept(client, crew, plan["id"])

    assert resp.status_code == 409 and resp.json["code"] == "plan_stale"
    assert resp.json["changed"] == [
        {
            "order_id": cancelled.id,
            "number": cancelled.number,
            "planned": {"status": "new"},
            "now": {"status": "cancelled"},
        }
    ]
    db.session.expire_all()
    assert db.session.get(WorkOrder, untouched.id).status == "new"
    assert [e.kind for e in _events(untouched.id)] == ["created"]
    assert db.session.get(Plan, plan["id"]).status == "proposed"


def test_a_moved_appointment_is_a_change_a_row_touch_is_not(client, crew, day):
    crew.technician()
    booked = crew.order(at=EAST, window=(time(9), time(10)), day=day)
    touched = crew.order(at=WEST)
    plan = propose(client, crew, day)
    touched.last_announced_sla_state = (
        "at_risk"  # what the SLA watch does: a new row version, same work
    )
    booked.appointment_start += timedelta(hours=5)  # rescheduled to the afternoon (R3.2)
    booked.appointment_end += timedelta(hours=5)
    db.session.commit()
    resp = _accept(client, crew, plan["id"])
    assert resp.status_code == 409
    assert [c["order_id"] for c in resp.json["changed"]] == [booked.id]
    assert set(resp.json["changed"][0]["now"]) == {"appointment_start", "appointment_end"}
    again = propose(client, crew, day)
    touched.last_announced_sla_state = "breached"
    db.session.commit()
    assert _accept(client, crew, again["id"]).status_code == 200


def test_two_dispatchers_accepting_at_once_one_wins(app, client, crew, day, make):
    crew.technician()
    order = crew.order()
    plan = propose(client, crew, day)
    other = make.headers(make.user("dispatcher"))
    barrier, codes = threading.Barrier(2), []

    def accept(headers):
        with app.test_client() as own:
            barrier.wait()
            codes.append(_accept(own, crew, plan["id"], headers).status_code)

    threads = [threading.Thread(target=accept, args=(h,)) for h in (crew.headers, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(codes) == [200, 409]
    assigns = [e for e in _events(order.id) if e.kind == "assign"]
    assert len(assigns) == 1


def test_a_later_accepted_plan_supersedes_the_earlier_one(client, crew, day):
    crew.technician()
    crew.order()
    first = propose(client, crew, day)
    assert _accept(client, crew, first["id"]).status_code == 200
    second = propose(client, crew, day)  # the order is now assigned to the same technician
    assert second["totals"]["planned"] == 1
    assert _accept(client, crew, second["id"]).status_code == 200
    db.session.expire_all()
    assert db.session.get(Plan, first["id"]).status == "superseded"
    listing = client.get(
        f"/api/dispatch/plans?team_id={crew.team.id}&status=accepted", headers=crew.headers
    ).json
    assert [p["id"] for p in listing["items"]] == [second["id"]] and listing["total"] == 1


def test_orders_planned_for_another_upcoming_day_stay_there(client, crew, day):
    tech = crew.technician()
    order = crew.order()
    plan = propose(client, crew, day)
    assert _accept(client, crew, plan["id"]).status_code == 200
    later = day + timedelta(days=1)
    client.put(
        f"/api/dispatch/day-shifts/{tech.id}/{later}",
        headers=crew.headers,
        json={"start": "08:30", "end": "17:30"},
    )
    next_plan = client.post(
        "/api/dispatch/plans",
        headers=crew.headers,
        json={"team_id": crew.team.id, "date": later.isoformat()},
    ).json
    assert route_of(next_plan, tech)["stops"] == []
    assert next_plan["totals"]["orders"] == 0 and next_plan["unassigned"] == []
    assert order.id in stop_ids(route_of(plan, tech))
