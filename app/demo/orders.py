"""Demo orders: opened through the desk's service, then walked through the state machine."""

from datetime import time, timedelta

import sqlalchemy as sa

from app.calendar import rules
from app.calendar.services import WorkingCalendar
from app.database import utcnow
from app.extensions import db
from app.workorders import services
from app.workorders.models import WorkOrder

# Appointment windows handed out in turn; the last is after office hours (R6).
WINDOWS = (
    (time(9), time(11)),
    (time(14), time(16)),
    (time(15, 30), time(17, 30)),
    (time(18, 30), time(20)),
)
DEMO_REASON = "演示数据 / demo data"


def demo_markers():
    marker = WorkOrder.demo_marker
    return set(db.session.scalars(sa.select(marker).where(marker.is_not(None))))


def load_orders(plan, users, techs, created):
    """Open the demo orders that are missing; the number of demo orders present."""
    existing = demo_markers()
    for entry in plan.orders:
        if entry["marker"] not in existing:
            order = services.create_work_order(_request(entry), users["agent01"])
            _walk(order, entry, users, techs.get(entry["technician"]))
            created["work_orders"] += 1
    db.session.flush()
    return len(demo_markers())


def _request(entry):
    """What the agent typed into the desk for this call."""
    data = {
        "type": entry["type"],
        "channel": entry["channel"],
        "demo_marker": entry["marker"],
        "description": entry["description"],
        "property_side": entry["property_side"],
    }
    for name in ("account_no", "caller_name", "caller_phone", "address", "meter_number"):
        if entry.get(name):
            data[name] = entry[name]
    if not entry.get("account_no"):
        data["location"] = {"lon": entry["point"][0], "lat": entry["point"][1]}
    return data


def _walk(order, entry, users, tech):
    for action in entry["actions"]:
        if action == "assign":
            order.technician_id = tech.id
            services.transition(
                order,
                "assign",
                users["dispatch01"],
                reason=DEMO_REASON,
                payload={"technician_id": tech.id, "mode": "manual"},
            )
        elif action == "schedule":
            order.appointment_start, order.appointment_end = _window(entry)
            services.transition(
                order,
                "schedule",
                tech.user,
                payload={
                    "appointment_start": order.appointment_start.isoformat(),
                    "appointment_end": order.appointment_end.isoformat(),
                },
            )
        elif action == "close":
            services.transition(
                order,
                "close",
                users["agent01"],
                reason="回访满意 / follow-up call: the customer is satisfied",
            )
        elif action == "cancel":
            services.cancel(order, entry["cancel_reason"], users["agent01"])
        else:
            services.transition(order, action, tech.user, **_where(action, entry))


def _where(action, entry):
    """Phone steps carry the phone's time and position (R3.5)."""
    if action == "depart":
        return {
            "device_time": utcnow(),
            "position": tuple(entry["depart_from"]),
            "accuracy_m": 15.0,
        }
    if action in ("arrive", "complete"):
        return {"device_time": utcnow(), "position": tuple(entry["point"]), "accuracy_m": 8.0}
    return {"device_time": utcnow()}


def _window(entry):
    """Scheduled: a window on the next working day; further along: the one kept today."""
    now = utcnow()
    if entry["status"] != "scheduled":
        start = now.astimezone(rules.TZ).replace(minute=0, second=0, microsecond=0)
        return start, start + timedelta(hours=2)
    calendar = WorkingCalendar()
    day = rules.nth_working_day_after(rules.local_date(now), 1, calendar.is_working)
    start, end = WINDOWS[int(entry["marker"][1:]) % len(WINDOWS)]
    return rules.at_local(day, start), rules.at_local(day, end)
