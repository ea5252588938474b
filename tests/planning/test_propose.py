from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.calendar.rules import TZ, at_local
from app.dispatch.models import DutyShift
from app.extensions import db
from app.planning.models import Plan, PlanStop
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


def _clock(iso):
    return datetime.fromisoformat(iso).astimezone(TZ).strftime("%H:%M")


def test_dispatcher_gets_a_stored_proposal_with_routes_etas_and_reasons(client, crew, day):
    plumber = crew.technician(skills=("plumbing",), at=BASE)
    fitter = crew.technician(skills=("meter",), at=WEST)
    leak = crew.order(at=EAST)
    meter = crew.order(at=WEST, type="meter_replacement")
    booked = crew.order(at=NORTH, window=(time(14), time(15)), day=day)
    quality = crew.order(at=EAST, type="water_quality_check")  # nobody has that skill
    crew.order(at=EAST, type="emergency_repair")  # emergencies are never day-planned

    plan = propose(client, crew, day)

    assert plan["status"] == "proposed" and plan["date"] == day.isoformat()
    assert "1.3" in plan["travel_estimate"] and "25" in plan["travel_estimate"]
    assert set(stop_ids(route_of(plan, plumber))) == {leak.id, booked.id}
    assert stop_ids(route_of(plan, fitter)) == [meter.id]
    assert unassigned_reasons(plan) == {quality.id: "no_skill"}
    stops = {s["order"]["id"]: s for r in plan["routes"] for s in r["stops"]}
    assert "14:00" <= _clock(stops[booked.id]["planned_start"]) <= "15:00"
    assert stops[booked.id]["window"] is not None and stops[booked.id]["violations"] == []
    first = route_of(plan, plumber)["stops"][0]
    assert _clock(first["eta"]) > "08:30" and first["travel_minutes"] > 0
    assert stops[leak.id]["service_minutes"] == 45 and stops[meter.id]["service_minutes"] == 40
    assert route_of(plan, plumber)["shift"]["lunch_minutes"] == 90
    assert plan["totals"]["orders"] == 4 and plan["totals"]["planned"] == 3
    assert plan["totals"]["with_window"] == 1 and plan["totals"]["inside_window"] == 1
    stored = client.get(f"/api/dispatch/plans/{plan['id']}", headers=crew.headers).json
    assert stored["routes"] == plan["routes"] and stored["unassigned"] == plan["unassigned"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PlanStop)) == 4


def test_stops_run_in_order_and_never_overlap(client, crew, day):
    tech = crew.technician()
    for n in range(5):
        crew.order(at=(121.125 + 0.015 * n, 36.775))  # none at the base
    route = route_of(propose(client, crew, day), tech)
    assert [s["sequence"] for s in route["stops"]] == [1, 2, 3, 4, 5]
    for before, after in zip(route["stops"], route["stops"][1:], strict=False):
        assert before["planned_end"] <= after["eta"] <= after["planned_start"]
    assert route["back_at"] > route["stops"][-1]["planned_end"]


def test_orders_outside_reach_window_or_capacity_come_back_with_reasons(client, crew, day):
    crew.technician(max_open_orders=2)
    # Elderly customers living alone come first (R1.4) when the day is short.
    kept = [crew.order(at=WEST, limited_mobility=True), crew.order(at=NORTH, limited_mobility=True)]
    extra = crew.order(at=EAST)
    dawn = crew.order(at=EAST, window=(time(6), time(7)), day=day)
    nowhere = crew.make.work_order(at=None)  # no map location at all
    nowhere.team_id = crew.team.id
    db.session.commit()
    reasons = unassigned_reasons(propose(client, crew, day))
    assert reasons == {
        extra.id: "capacity",
        dawn.id: "window_impossible",
        nowhere.id: "no_location",
    }
    assert all(order.id not in reasons for order in kept)


def test_an_order_already_assigned_stays_with_its_technician(client, crew, day, make):
    near = crew.technician(at=EAST)
    far = crew.technician(at=WEST)
    order = crew.order(at=EAST, status="assigned", technician_id=far.id)
    plan = propose(client, crew, day)
    assert stop_ids(route_of(plan, far)) == [order.id]
    assert stop_ids(route_of(plan, near)) == []


def test_day_off_and_non_working_days_leave_orders_unplanned(client, crew, day, non_working_day):
    tech = crew.technician()
    order = crew.order()
    resp = client.put(
        f"/api/dispatch/day-shifts/{tech.id}/{day.isoformat()}",
        headers=crew.headers,
        json={"off": True, "note": "年假"},
    )
    assert resp.status_code == 200 and resp.json[0]["working"] is False
    plan = propose(client, crew, day)
    assert plan["routes"] == [] and unassigned_reasons(plan) == {order.id: "no_skill"}
    weekend = propose(client, crew, non_working_day)
    assert weekend["routes"] == []


def test_a_roster_sets_other_hours_even_on_a_non_working_day(client, crew, non_working_day):
    tech = crew.technician()
    order = crew.order()
    url = f"/api/dispatch/day-shifts/{tech.id}/{non_working_day.isoformat()}"
    resp = client.put(url, headers=crew.headers, json={"start": "09:00", "end": "12:00"})
    assert resp.status_code == 200, resp.json
    assert resp.json[0]["source"] == "roster" and resp.json[0]["start"] == "09:00:00"
    route = route_of(propose(client, crew, non_working_day), tech)
    assert stop_ids(route) == [order.id]
    assert _clock(route["shift"]["start"]) == "09:00" and route["shift"]["lunch_minutes"] is None
    assert client.delete(url, headers=crew.headers).json[0]["source"] == "not_working_day"


def test_weekend_on_call_duty_counts_as_a_shift(client, crew, non_working_day):
    """Dispatch's on-call roster (R6) plans a non-working day; a day-roster entry still decides."""
    tech, idle = crew.technician(), crew.technician(at=WEST)
    order = crew.order()
    db.session.add(
        DutyShift(
            technician_id=tech.id,
            starts_at=at_local(non_working_day, time(8)),
            ends_at=at_local(non_working_day + timedelta(days=1), time(8)),
            kind="on_call",
        )
    )
    db.session.commit()
    url = f"/api/dispatch/day-shifts?team_id={crew.team.id}&date={non_working_day.isoformat()}"
    resp = client.get(url, headers=crew.headers)
    assert resp.status_code == 200, resp.json
    shifts = {row["technician"]["id"]: row for row in resp.json}
    assert shifts[tech.id]["source"] == "on_call" and shifts[tech.id]["start"] == "08:00:00"
    assert shifts[idle.id]["source"] == "not_working_day" and not shifts[idle.id]["working"]
    route = route_of(propose(client, crew, non_working_day), tech)
    assert stop_ids(route) == [order.id] and _clock(route["shift"]["start"]) == "08:00"
    day_off = f"/api/dispatch/day-shifts/{tech.id}/{non_working_day.isoformat()}"
    assert client.put(day_off, headers=crew.headers, json={"off": True}).status_code == 200
    assert propose(client, crew, non_working_day)["routes"] == []


def test_bad_requests_are_refused_and_store_nothing(client, crew, day, make):
    agent = make.user("hotline_agent")
    body = {"team_id": crew.team.id, "date": day.isoformat()}
    assert client.post("/api/dispatch/plans", json=body).status_code == 401
    resp = client.post("/api/dispatch/plans", headers=make.headers(agent), json=body)
    assert resp.status_code == 403 and resp.json["code"] == "forbidden"
    cases = [
        ({"team_id": 9999, "date": day.isoformat()}, "team_id"),
        ({"team_id": crew.team.id, "date": "2020-01-02"}, "date"),
        ({"team_id": crew.team.id, "date": "tomorrow"}, "date"),
        ({"team_id": crew.team.id, "date": "9999-12-31"}, "date"),
        ({"team_id": 2**31, "date": day.isoformat()}, "team_id"),
        ({"date": day.isoformat()}, "team_id"),
    ]
    for payload, field in cases:
        resp = client.post("/api/dispatch/plans", headers=crew.headers, json=payload)
        assert resp.status_code == 422 and field in resp.json["errors"], resp.json
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Plan)) == 0
    resp = client.put(
        f"/api/dispatch/day-shifts/{crew.technician().id}/{day}",
        headers=crew.headers,
        json={"start": "12:00", "end": "09:00"},
    )
    assert resp.status_code == 422 and "end" in resp.json["errors"]
