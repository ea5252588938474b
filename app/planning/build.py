"""Rows to the planner's plain objects, and clocked routes back onto plan rows."""

from app.calendar.rules import local_date
from app.common.geometry import to_lonlat
from app.database import point_wkt
from app.planning import settings as planning_settings
from app.planning.models import PlanRoute, PlanStop
from app.planning.shifts import Lunch, Shift
from app.planning.solver import Crew
from app.planning.timeline import Visit

PINNABLE_STATUSES = ("assigned", "accepted", "scheduled")
DAY = 86400


def problem(crew_rows, orders, clock, settings):
    """(crews, visits, seconds, metres) for technicians with shifts and located orders."""
    points = [to_lonlat(tech.base_point) for tech, _ in crew_rows]
    crews = [
        Crew(
            tech.id, n, frozenset(skill.code for skill in tech.skills), shift, tech.max_open_orders
        )
        for n, (tech, shift) in enumerate(crew_rows)
    ]
    visits = []
    for order in orders:
        if order.location is not None:
            points.append(to_lonlat(order.location))
            visits.append(visit_for(order, len(points) - 1, clock, settings))
    metres, seconds = planning_settings.travel_model(settings).matrices(points)
    return crews, visits, seconds, metres


def visit_for(order, index, clock, settings):
    window = window_for(order, clock, settings)
    priority = 50 if local_date(order.deadline_at) <= clock.day else 0  # due by that day
    priority += 20 if order.limited_mobility else 0  # R1.4
    priority += 30 if window else 0  # a time agreed with the customer (R3.1)
    pinned = order.technician_id if order.status in PINNABLE_STATUSES else None
    return Visit(
        order.id,
        index,
        planning_settings.service_seconds(settings, order.type_code),
        window,
        order.type.skill_code,
        priority,
        pinned,
    )


def window_for(order, clock, settings):
    if order.appointment_start is None:
        return None
    start = clock.seconds(order.appointment_start)
    end = (
        clock.seconds(order.appointment_end)
        if order.appointment_end
        else start + settings["open_window_minutes"] * 60
    )
    start = max(start, 0)
    return start, max(min(end, DAY), start)  # an end before the start means "at the start"


def route_row(tech, shift, clock):
    lunch = shift.lunch
    return PlanRoute(
        technician_id=tech.id,
        start_point=point_wkt(*to_lonlat(tech.base_point)),
        skills=sorted(skill.code for skill in tech.skills),
        max_tasks=tech.max_open_orders,
        shift_start=clock.at(shift.start),
        shift_end=clock.at(shift.end),
        shift_source=shift.source,
        lunch_earliest=clock.at(lunch.earliest) if lunch else None,
        lunch_latest=clock.at(lunch.latest) if lunch else None,
        lunch_minutes=lunch.duration // 60 if lunch else None,
        violations=[],
    )


def stop_row(order, visit, clock):
    window = visit.window if visit else None
    return PlanStop(
        work_order_id=order.id,
        order_snapshot=snapshot(order),
        location=order.location,
        skill_code=order.type.skill_code,
        service_seconds=visit.service if visit else 0,
        window_start=clock.at(window[0]) if window else None,
        window_end=clock.at(window[1]) if window else None,
        priority=visit.priority if visit else 0,
        violations=[],
    )


def snapshot(order):
    """What a plan relies on: who has the order, where, when the customer expects us."""

    def moment(value):
        return value.isoformat() if value else None

    return {
        "status": order.status,
        "technician_id": order.technician_id,
        "team_id": order.team_id,
        "type": order.type_code,
        "appointment_start": moment(order.appointment_start),
        "appointment_end": moment(order.appointment_end),
        "location": [round(c, 7) for c in to_lonlat(order.location)]
        if order.location is not None
        else None,
    }


def route_shift(route, clock):
    lunch = None
    if route.lunch_minutes:
        lunch = Lunch(
            clock.seconds(route.lunch_earliest),
            clock.seconds(route.lunch_latest),
            route.lunch_minutes * 60,
        )
    return Shift(
        clock.seconds(route.shift_start), clock.seconds(route.shift_end), lunch, route.shift_source
    )


def stop_visit(stop, index, clock):
    window = None
    if stop.window_start is not None:
        window = (clock.seconds(stop.window_start), clock.seconds(stop.window_end))
    return Visit(
        stop.work_order_id, index, stop.service_seconds, window, stop.skill_code, stop.priority
    )


def write_route(route, timed, stops_by_order, clock):
    """Put a clocked route (timeline.RouteTime) onto the route row and its stop rows."""
    route.lunch_after, route.lunch_start = timed.lunch_after, clock.at(timed.lunch_start)
    route.back_at = clock.at(timed.back_at) if timed.stops else None
    route.return_seconds, route.return_metres = timed.return_s, timed.return_m
    route.violations = list(timed.violations)
    for sequence, stop_time in enumerate(timed.stops, start=1):
        stop = stops_by_order[stop_time.id]
        stop.route, stop.sequence, stop.reason_code = route, sequence, None
        stop.arrival_at = clock.at(stop_time.arrival)
        stop.planned_start, stop.planned_end = clock.at(stop_time.start), clock.at(stop_time.end)
        stop.travel_seconds, stop.travel_metres = stop_time.travel_s, stop_time.travel_m
        stop.violations = list(stop_time.violations)


def unassign(stop, reason):
    stop.route, stop.route_id, stop.sequence, stop.reason_code = None, None, None, reason
    stop.arrival_at = stop.planned_start = stop.planned_end = None
    stop.travel_seconds = stop.travel_metres = None
    stop.violations = []
