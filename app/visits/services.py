"""The technician's visit steps (R3.1-R3.5): each a verb on (user, order id, validated data).

The single endpoints and POST /api/sync call these same functions. They flush, never commit.
"""

import sqlalchemy as sa
from flask import current_app

from app.auth.permissions import acting_role
from app.auth.roles import DISPATCH
from app.common.times import iso
from app.database import point_wkt, utcnow
from app.dispatch import services as dispatch
from app.errors import Conflict, Invalid
from app.extensions import db
from app.visits import batch, rules
from app.visits.models import Visit
from app.workorders.models import WorkOrder
from app.workorders.services import get_for, record_event, transition, visible_to


def lonlat(data):
    position = data.get("position")
    return (position["lon"], position["lat"]) if position else None


def event_fields(data):
    return {
        "device_time": data.get("device_time"),
        "position": lonlat(data),
        "accuracy_m": data.get("accuracy_m"),
    }


def locked_order(user, order_id):
    """get_for(..., lock=True); within a sync batch once per order, as the lock lasts the
    transaction (app/visits/batch.py)."""
    current = batch.current()
    if current is None:
        return get_for(user, order_id, lock=True)
    if (user.id, order_id) not in current.orders:
        current.orders[(user.id, order_id)] = get_for(user, order_id, lock=True)
    return current.orders[(user.id, order_id)]


def lock_batch(user, order_ids):
    """A sync batch's orders locked (in id order, as the steps would lock them one by one) and
    their visits loaded, in two queries for the whole batch; foreign ids are left to the
    steps, which answer 404 as a single request does."""
    if not order_ids:
        return
    current = batch.current()
    orders = db.session.scalars(
        visible_to(user, sa.select(WorkOrder).where(WorkOrder.id.in_(order_ids)))
        .order_by(WorkOrder.id)
        .with_for_update()
    ).all()
    visits = {
        visit.work_order_id: visit
        for visit in db.session.scalars(
            sa.select(Visit).where(Visit.work_order_id.in_([order.id for order in orders]))
        )
    }
    for order in orders:
        current.orders[(user.id, order.id)] = order
        current.visits[order.id] = visits.get(order.id)


def existing_visit(order):
    current = batch.current()
    if current is not None and order.id in current.visits:
        return current.visits[order.id]
    visit = db.session.get(Visit, order.id)
    if current is not None:
        current.visits[order.id] = visit
    return visit


def order_for_step(user, order_id, step=None):
    """The order, locked; 404 when not the user's, 409 when the step does not fit its status."""
    order = locked_order(user, order_id)
    allowed = rules.STEP_STATUSES.get(step)
    if allowed and order.status not in allowed:
        raise Conflict(
            f"当前工单状态不能执行此操作 / not possible while {order.status}",
            code="wrong_status",
            errors={"status": [order.status], "allowed_statuses": list(allowed)},
        )
    return order


def check_device_time(data):
    refusal = rules.device_time_refusal(data.get("device_time"), utcnow())
    if refusal:
        raise Invalid(errors={"device_time": [refusal]})


def visit_for(order):
    visit = existing_visit(order)
    if visit is None:
        visit = Visit(work_order_id=order.id, checklist={}, parts=[], notes="")
        db.session.add(visit)
        current = batch.current()
        if current is not None:
            current.visits[order.id] = visit
    return visit


def acted_at(data):
    """When the step happened: the phone's clock for queued steps (R3.9), else now."""
    return data.get("device_time") or utcnow()


def contact_attempt(user, order_id, data):
    check_device_time(data)
    order = order_for_step(user, order_id, "contact")
    return record_event(
        order,
        "contact_attempt",
        user,
        reason=data["note"] or None,
        payload={"outcome": data["outcome"], "method": data["method"]},
        **event_fields(data),
    )


def set_appointment(user, order_id, data):
    check_device_time(data)
    order = locked_order(user, order_id)
    if order.status == "scheduled":
        raise Conflict(
            "已有约定时间,请改约 / already scheduled: use reschedule", code="already_scheduled"
        )
    _check_window(data)
    event = transition(
        order,
        "schedule",
        user,
        reason=data["note"] or None,
        payload=_window_payload(data),
        **event_fields(data),
    )
    order.appointment_start, order.appointment_end = data["start"], data["end"]
    return event


def reschedule(user, order_id, data):
    check_device_time(data)
    order = locked_order(user, order_id)
    refusal = rules.reschedule_refusal(
        order.appointment_start,
        acted_at(data),
        data["customer_informed_at"],
        acting_role(user) in DISPATCH,
    )
    if refusal:
        raise Conflict(
            refusal,
            code="reschedule_refused",
            errors={"appointment_start": [iso(order.appointment_start)]},
        )
    _check_window(data)
    payload = {
        **_window_payload(data),
        "previous_start": iso(order.appointment_start),
        "previous_end": iso(order.appointment_end),
        "customer_informed_via": data["customer_informed_via"],
        "customer_informed_at": iso(data["customer_informed_at"]),
    }
    event = transition(
        order,
        "schedule",
        user,
        kind="reschedule",
        reason=data["reason"],
        payload=payload,
        **event_fields(data),
    )
    order.appointment_start, order.appointment_end = data["start"], data["end"]
    return event


def _check_window(data):
    refusal = rules.window_refusal(data["start"], data["end"], acted_at(data))
    if refusal:
        raise Invalid(errors={"end": [refusal]})


def _window_payload(data):
    return {"start": iso(data["start"]), "end": iso(data["end"])}


def depart(user, order_id, data):
    check_device_time(data)
    order = locked_order(user, order_id)
    event = transition(order, "depart", user, **event_fields(data))
    _remember_position(order, data)
    return event


def arrive(user, order_id, data):
    """R3.5: keep the distance to the order's location, and flag arrivals far from it."""
    check_device_time(data)
    order = locked_order(user, order_id)
    distance = _distance_m(order, lonlat(data))
    limit = current_app.config["ARRIVAL_FLAG_METRES"]
    flagged = distance is not None and distance > limit
    event = transition(
        order,
        "arrive",
        user,
        payload={
            "distance_m": distance,
            "flagged": flagged,
            "flag_limit_m": limit,
        },
        **event_fields(data),
    )
    visit = visit_for(order)
    visit.arrived_at, visit.arrival_device_time = event.server_time, data.get("device_time")
    visit.arrival_position = point_wkt(*lonlat(data))
    visit.arrival_accuracy_m, visit.arrival_distance_m = data.get("accuracy_m"), distance
    visit.arrival_flagged = flagged
    _remember_position(order, data)
    return event


def _distance_m(order, point):
    if order.location is None:
        return None
    here = sa.func.geography(sa.func.ST_GeomFromEWKT(point_wkt(*point)))
    metres = db.session.scalar(
        sa.select(sa.func.ST_Distance(sa.func.geography(WorkOrder.location), here)).where(
            WorkOrder.id == order.id
        )
    )
    return round(float(metres), 1)


def _remember_position(order, data):
    """The phone's position is the technician's last known position for dispatch (R2.2)."""
    if data.get("position") and order.technician is not None:
        order.technician.last_position = point_wkt(*lonlat(data))
        order.technician.last_position_at = acted_at(data)


def tick_checklist(user, order_id, data):
    """R3.3: each door item once, with its time and position; a repeat keeps the first."""
    check_device_time(data)
    order = order_for_step(user, order_id, "on_site")
    visit = visit_for(order)
    item = data["item"]
    if item in visit.checklist:
        raise Conflict(
            f"已记录 / already recorded: {item}",
            code="checklist_item_recorded",
            errors={"item": [f"{item} @ {visit.checklist[item]['at']}"]},
        )
    event = record_event(
        order,
        f"checklist:{item}",
        user,
        reason=data["note"] or None,
        payload={"item": item, "label": rules.CHECKLIST[item]},
        **event_fields(data),
    )
    visit.checklist = {
        **visit.checklist,
        item: {
            "at": iso(event.server_time),
            "device_time": iso(data.get("device_time")),
            "position": data.get("position"),
        },
    }
    return event


def update_work_record(user, order_id, data):
    """Notes, parts used and, for a meter replacement, the old and new meters."""
    check_device_time(data)
    order = order_for_step(user, order_id, "on_site")
    visit = visit_for(order)
    changed = {name: data[name] for name in ("notes", "parts", "meter_replacement") if name in data}
    if not changed:
        raise Invalid(errors={"notes": ["没有要保存的内容 / nothing to save"]})
    for name, value in changed.items():
        setattr(visit, name, value)
    record_event(order, "work_record", user, payload=changed, **event_fields(data))
    db.session.flush()
    return visit


def missing_for_completion(order, visit):
    return rules.completion_missing(
        visit is not None and visit.arrived_at is not None,
        visit.checklist if visit else {},
        order.type_code == "meter_replacement",
        visit.meter_replacement if visit else None,
    )


def complete(user, order_id, data):
    """Completing needs arrival and the work ID shown (R3.3), and meter data for a new meter."""
    check_device_time(data)
    order = locked_order(user, order_id)
    missing = missing_for_completion(order, existing_visit(order))
    if order.status == "on_site" and missing:
        names = "、".join(rules.MISSING_ZH[name] for name in missing)
        raise Conflict(
            f"完工前还缺少:{names} / missing before completion: {', '.join(missing)}",
            code="completion_requirements",
            errors={"missing": missing},
        )
    return transition(order, "complete", user, reason=data["note"] or None, **event_fields(data))


def accept_assignment(user, order_id, data):
    """POST /api/workorders/<id>/accept belongs to dispatch; sync runs its service here."""
    check_device_time(data)
    order = locked_order(user, order_id)
    dispatch.accept(order, user, device_time=data.get("device_time"))
    return order


def decline_assignment(user, order_id, data):
    check_device_time(data)
    order = locked_order(user, order_id)
    dispatch.decline(order, user, data["reason"], device_time=data.get("device_time"))
    return order
