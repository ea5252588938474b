"""The demo's open orders as plain data: who called, where, and how far each has got."""

from app.demo import geo
from app.demo.catalog import (
    CANCEL_REASONS,
    DESCRIPTIONS,
    ORDER_SCRIPT,
    OUTSIDE_POINTS,
    PROPERTY_SIDE,
)

VISIT = ("assign", "accept", "schedule", "depart", "arrive", "complete", "close")
EMERGENCY_VISIT = tuple(a for a in VISIT if a != "schedule")  # no appointment: go at once
REACHED_BY = {
    "assigned": "assign",
    "accepted": "accept",
    "scheduled": "schedule",
    "en_route": "depart",
    "on_site": "arrive",
    "completed": "complete",
    "closed": "close",
}


def actions_for(type_code, status, cancelled_before):
    """The actions that take a new order of this type to `status`."""
    if status in ("new", "unrouted"):
        return []
    if status == "cancelled":  # one straight from the queue, the next after assignment
        return ["assign", "cancel"] if cancelled_before else ["cancel"]
    visit = EMERGENCY_VISIT if type_code == "emergency_repair" else VISIT
    return list(visit[: visit.index(REACHED_BY[status]) + 1])


def plan_orders(rng, people, plan, type_skills):
    load = {tech["username"]: 0 for tech in plan.technicians}
    used, orders = set(), []
    for index, (type_code, status) in enumerate(ORDER_SCRIPT, start=1):
        earlier = [o["status"] for o in orders]
        order = {
            "marker": f"D{index:03d}",
            "type": type_code,
            "status": status,
            "actions": actions_for(type_code, status, earlier.count("cancelled")),
            "technician": None,
            "cancel_reason": None,
            "description": rng.choice(DESCRIPTIONS[type_code]),
            "property_side": PROPERTY_SIDE.get(type_code, "unknown"),
            "channel": "repair_line" if type_code == "emergency_repair" else "hotline",
        }
        if status == "unrouted":
            _unrouted(order, people, earlier.count("unrouted"))
        else:
            _route(order, rng, people, plan, used, load, type_skills[type_code])
        if status == "cancelled":
            order["cancel_reason"] = CANCEL_REASONS[earlier.count("cancelled")]
        orders.append(order)
    return orders


def _route(order, rng, people, plan, used, load, skill):
    """Inside a zone; if the order gets as far as assignment, to a technician of its team."""
    if "assign" not in order["actions"]:
        _place(order, rng, people, rng.choice(plan.zones), plan.customers, used)
        return
    tech = _technician(rng, plan, load, skill)
    zone = next(zone for zone in plan.zones if zone["team"] == tech["team"])
    _place(order, rng, people, zone, plan.customers, used)
    order.update(technician=tech["employee_no"], depart_from=tech["base"])
    _follow(tech, order)


def _technician(rng, plan, load, skill):
    """The least-loaded on-duty technician with the skill (ties broken by the seed)."""
    able = [t for t in plan.technicians if skill in t["skills"] and t["status"] != "off_duty"]
    least = min(load[t["username"]] for t in able)
    tech = rng.choice([t for t in able if load[t["username"]] == least])
    load[tech["username"]] += 1
    return tech


def _place(order, rng, people, zone, customers, used):
    """At a customer's home in `zone`, or for a burst main, on a street in it."""
    town = zone["town"]
    if order["type"] == "emergency_repair":
        street = rng.choice(town.streets)
        order.update(
            caller_name=people.caller(),
            caller_phone=people.phone(),
            address=f"海阳市{town.name}{street}{'路段' if town.urban else '村主管道'}",
            point=geo.point_near(rng, geo.inner(zone["geom"]), town.seed, 0.02),
        )
        return
    mine = [c for c in customers if c["zone"] == zone["code"] and c["account_no"] not in used]
    customer = rng.choice(mine)
    used.add(customer["account_no"])
    order.update(account_no=customer["account_no"], point=customer["location"])
    if order["type"] in ("meter_replacement", "meter_reading_check"):
        order["meter_number"] = customer["meter"]["number"]


def _unrouted(order, people, nth):
    point, address = OUTSIDE_POINTS[nth]
    order.update(
        caller_name=people.caller(), caller_phone=people.phone(), address=address, point=point
    )


def _follow(tech, order):
    """A technician on the way or at the door: the phone shows it, and they are busy."""
    if order["status"] == "en_route":
        tech["position"] = tuple(
            round((a + b) / 2, 6) for a, b in zip(tech["base"], order["point"], strict=True)
        )
    elif order["status"] == "on_site":
        tech["position"] = order["point"]
    else:
        return
    tech.update(status="busy", position_age=2)
