"""Figures a dispatcher reads off a plan: per route and for the whole day."""

from app.planning import reasons, timeline


def violations(codes):
    return [{"code": code, "message": timeline.VIOLATIONS.get(code, code)} for code in codes]


def reason(code):
    return {"code": code, "message": reasons.MESSAGES.get(code, code)}


def ordered(route):
    return sorted(route.stops, key=lambda stop: stop.sequence)


def route_totals(route):
    stops = route.stops
    travel_s = sum(s.travel_seconds or 0 for s in stops) + (route.return_seconds or 0)
    travel_m = sum(s.travel_metres or 0 for s in stops) + (route.return_metres or 0)
    wait_s = sum(int((s.planned_start - s.arrival_at).total_seconds()) for s in stops)
    return {
        "stops": len(stops),
        "travel_km": round(travel_m / 1000, 2),
        "travel_minutes": round(travel_s / 60),
        "service_minutes": round(sum(s.service_seconds for s in stops) / 60),
        "wait_minutes": round(wait_s / 60),
        "violations": sum(len(s.violations) for s in stops) + len(route.violations),
    }


def plan_totals(plan):
    routes = [route_totals(route) for route in plan.routes]
    planned = [stop for stop in plan.stops if stop.route is not None]
    windowed = [stop for stop in plan.stops if stop.window_start is not None]
    inside = [
        stop
        for stop in windowed
        if stop.route is not None and timeline.WINDOW_MISSED not in stop.violations
    ]
    return {
        "orders": len(plan.stops),
        "planned": len(planned),
        "unassigned": len(plan.stops) - len(planned),
        "technicians_used": sum(1 for r in routes if r["stops"]),
        "travel_km": round(sum(r["travel_km"] for r in routes), 2),
        "travel_minutes": sum(r["travel_minutes"] for r in routes),
        "with_window": len(windowed),
        "inside_window": len(inside),
        "violations": sum(r["violations"] for r in routes),
    }
