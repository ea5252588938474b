"""The dispatcher's edit before accepting: move one order to a technician and position."""

from app.common.geometry import to_lonlat
from app.database import utcnow
from app.errors import Conflict, Invalid
from app.planning import build, reasons, timeline
from app.planning import settings as planning_settings
from app.planning.loading import DayClock


def require_proposed(plan):
    if plan.status != "proposed":
        raise Conflict(
            f"计划已{'接受' if plan.status == 'accepted' else '被取代'},不能再修改 / "
            f"plan is {plan.status}",
            code="plan_not_proposed",
            status=plan.status,
        )


def move_stop(plan, order_id, technician_id, position, user):
    """Move the order's stop (None: out of the plan), then re-clock the routes it touched."""
    require_proposed(plan)
    stop = _stop(plan, order_id)
    source, target = stop.route, _route(plan, technician_id, stop)
    before = {"technician_id": source.technician_id if source else None, "sequence": stop.sequence}
    clock = DayClock(plan.day)
    if source is not None and source is not target:
        retime(plan, source, [s for s in _ordered(source) if s is not stop], clock)
    if target is None:
        build.unassign(stop, reasons.REMOVED)
    else:
        others = [s for s in _ordered(target) if s is not stop]
        position = len(others) if position is None else position
        if position > len(others):
            raise Invalid(
                errors={
                    "position": [
                        f"位置应在 0-{len(others)} 之间 / position must be 0-{len(others)}"
                    ]
                }
            )
        retime(plan, target, [*others[:position], stop, *others[position:]], clock)
    plan.edits = [
        *plan.edits,
        {
            "at": utcnow().isoformat(),
            "by": user.id,
            "order_id": order_id,
            "from": before,
            "to": {"technician_id": technician_id, "sequence": stop.sequence},
        },
    ]
    return plan


def retime(plan, route, stops, clock):
    """Clock `stops` in this order on `route`, lunch where it hurts least."""
    points = [to_lonlat(route.start_point), *(to_lonlat(stop.location) for stop in stops)]
    metres, seconds = planning_settings.travel_model(plan.settings).matrices(points)
    visits = [build.stop_visit(stop, n, clock) for n, stop in enumerate(stops, start=1)]
    timed = timeline.best_lunch(
        build.route_shift(route, clock), 0, visits, seconds, metres, route.max_tasks
    )
    build.write_route(route, timed, {stop.work_order_id: stop for stop in stops}, clock)


def _ordered(route):
    return sorted(route.stops, key=lambda stop: stop.sequence)


def _stop(plan, order_id):
    for stop in plan.stops:
        if stop.work_order_id == order_id:
            return stop
    raise Invalid(
        errors={"order_id": [f"工单 {order_id} 不在此计划中 / order is not in this plan"]}
    )


def _route(plan, technician_id, stop):
    if technician_id is None:
        return None
    route = next((r for r in plan.routes if r.technician_id == technician_id), None)
    if route is None:
        raise Invalid(
            errors={
                "technician_id": [
                    "该维修工当日不在此计划的班次中 / technician has no route in this plan"
                ]
            }
        )
    refusal = move_refusal(route, stop)
    if refusal:
        field, message = refusal
        raise Invalid(errors={field: [message]})
    return route


def move_refusal(route, stop):
    """(field, message) saying why `stop` cannot move to `route`, or None: the one rule the
    console's "移到…" list and move_stop both follow."""
    if stop.skill_code and stop.skill_code not in route.skills:
        return "technician_id", "该维修工不具备此类工单所需的技能 / technician lacks the skill"
    if stop.location is None:
        return "order_id", "工单没有位置 / the order has no location"
    return None


def move_options(stop):
    """Every other route of the plan, whether the stop may move there, and why not."""
    options = []
    for route in sorted(stop.plan.routes, key=lambda r: r.technician.name):
        if route is stop.route:
            continue
        refusal = move_refusal(route, stop)
        options.append(
            {
                "technician_id": route.technician_id,
                "name": route.technician.name,
                "allowed": refusal is None,
                "why_not": refusal[1].split(" / ")[0] if refusal else None,
            }
        )
    return options
