"""Accepting a plan: every planned order gets its technician and its planned time, or 409."""

import sqlalchemy as sa

from app.database import utcnow
from app.errors import Conflict
from app.extensions import db
from app.notifications.services import notify
from app.planning.build import snapshot
from app.planning.editing import require_proposed
from app.planning.models import Plan
from app.workorders.models import WorkOrder
from app.workorders.services import record_event, transition


def accept_plan(plan, user):
    """Assign (or reassign) and schedule each stop through the state machine; 409 if stale."""
    require_proposed(plan)
    stops = sorted(
        (s for s in plan.stops if s.route is not None),
        key=lambda s: (s.route.technician_id, s.sequence),
    )
    orders = _locked_orders([stop.work_order_id for stop in stops])
    changed = [change for stop in stops if (change := _change(stop, orders[stop.work_order_id]))]
    if changed:
        raise Conflict(
            "计划生成后部分工单已变化,请重新生成计划 / orders changed since the plan "
            "was made; propose a new plan",
            code="plan_stale",
            changed=changed,
        )
    for stop in stops:
        _apply(plan, stop, orders[stop.work_order_id], user)
    db.session.execute(
        sa.update(Plan)
        .where(
            Plan.team_id == plan.team_id,
            Plan.day == plan.day,
            Plan.status == "accepted",
            Plan.id != plan.id,
        )
        .values(status="superseded")
    )
    plan.status, plan.accepted_by_id, plan.accepted_at = "accepted", user.id, utcnow()
    _tell_technicians(plan)
    db.session.flush()
    return plan


def _locked_orders(ids):
    rows = db.session.scalars(
        sa.select(WorkOrder)
        .where(WorkOrder.id.in_(ids))
        .order_by(WorkOrder.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return {order.id: order for order in rows}


def _change(stop, order):
    """What differs from the snapshot the plan was made on, or None."""
    now, then = snapshot(order), stop.order_snapshot
    keys = [key for key in now if now[key] != then.get(key)]
    if not keys:
        return None
    return {
        "order_id": order.id,
        "number": order.number,
        "planned": {key: then.get(key) for key in keys},
        "now": {key: now[key] for key in keys},
    }


def _apply(plan, stop, order, user):
    technician_id = stop.route.technician_id
    reason = f"日计划 #{plan.id}({plan.day})/ day plan #{plan.id} for {plan.day}"
    payload = {
        "plan_id": plan.id,
        "day": plan.day.isoformat(),
        "sequence": stop.sequence,
        "planned_start": stop.planned_start.isoformat(),
        "planned_end": stop.planned_end.isoformat(),
        "eta": stop.arrival_at.isoformat(),
        "technician_id": technician_id,
        "from_technician_id": order.technician_id,
    }
    if order.status == "new":
        order.technician_id = technician_id
        transition(order, "assign", user, reason=reason, payload=payload)
    elif order.technician_id != technician_id:
        order.technician_id = technician_id
        transition(order, "reassign", user, reason=reason, payload=payload)
    else:
        record_event(order, "planned", user, reason=reason, payload=payload)


def _tell_technicians(plan):
    for route in plan.routes:
        stops = sorted((s for s in route.stops), key=lambda s: s.sequence)
        if stops:
            notify(
                [route.technician.user_id],
                "day_plan",
                {
                    "plan_id": plan.id,
                    "day": plan.day.isoformat(),
                    "stops": len(stops),
                    "first_start": stops[0].planned_start.isoformat(),
                    "orders": [s.work_order_id for s in stops],
                },
                dedupe_key=f"day_plan:{plan.id}",
            )
