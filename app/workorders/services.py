"""Work-order verbs: create, transition, cancel, and the event every change writes."""

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm.attributes import set_committed_value

from app.auth.permissions import acting_role
from app.auth.roles import Role
from app.calendar.rules import local_date
from app.common import actors
from app.common.geometry import to_lonlat
from app.customers import services as customers
from app.database import point_wkt, utcnow
from app.errors import Invalid, NotFound
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.workorders import deadlines, signals, states, timeline
from app.workorders.models import (
    DailySequence,
    Priority,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderType,
)
from app.zones import queries as spatial

# Stamped when a transition first reaches a status.
TIMESTAMPS = {
    "assigned": "assigned_at",
    "accepted": "accepted_at",
    "completed": "completed_at",
    "closed": "closed_at",
}


def actor_fields(actor):
    """A user, or a label such as 'system:router' for decisions no person made."""
    if isinstance(actor, str):
        return {"actor_id": None, "actor_label": actor}
    return {"actor_id": actor.id, "actor_label": f"{acting_role(actor)}:{actor.username}"}


def record_event(
    order,
    kind,
    actor,
    *,
    reason=None,
    device_time=None,
    position=None,
    accuracy_m=None,
    payload=None,
    from_status=None,
    to_status=None,
):
    if not timeline.labelled(kind):  # the timeline would show the code: a programming error
        raise ValueError(f"order event {kind!r} has no Chinese label in timeline.EVENT_LABELS_ZH")
    event = WorkOrderEvent(
        kind=kind,
        reason=reason,
        device_time=device_time,
        position=point_wkt(*position) if position else None,
        accuracy_m=accuracy_m,
        payload=payload or {},
        from_status=from_status,
        to_status=to_status,
        server_time=utcnow(),
        **actor_fields(actor),
    )
    _attach(event, order)
    db.session.add(event)
    signals.event_recorded.send(order, event=event)
    return event


def _attach(event, order):
    """event.work_order = order, without marking a stored order whose events are not loaded
    as changed: the flush then has one row to insert and no order to look through."""
    state = sa.inspect(order)
    if state.persistent and "events" not in state.dict:
        event.work_order_id = order.id
        set_committed_value(event, "work_order", order)
    else:
        event.work_order = order


def transition(order, action, actor, *, kind=None, **event_fields):
    """Move `order` by `action` through the one state machine, with its event (of `kind`
    when the event names the move more precisely than the action, e.g. a reschedule)."""
    before = order.status
    order.status = states.next_status(before, action)
    stamp = TIMESTAMPS.get(order.status)
    if stamp and action != "reassign":
        setattr(order, stamp, utcnow())
    if order.status == "new":
        order.technician_id = None
    return record_event(
        order, kind or action, actor, from_status=before, to_status=order.status, **event_fields
    )


def next_number(prefix="WO", now=None):
    """WO + Shanghai date + 4 digits; the upsert's row lock makes it safe under concurrency."""
    day = local_date(now or utcnow())
    stmt = (
        insert(DailySequence)
        .values(prefix=prefix, day=day, last=1)
        .on_conflict_do_update(
            index_elements=["prefix", "day"], set_={"last": DailySequence.last + 1}
        )
        .returning(DailySequence.last)
    )
    last = db.session.execute(stmt).scalar_one()
    return f"{prefix}{day:%Y%m%d}{last:04d}"


def create_work_order(data, user):
    order_type = active_type(data["type"])
    customer = customers.by_account_no(data.get("account_no"))
    if customer is None and not (data.get("caller_name") and data.get("caller_phone")):
        raise Invalid(
            errors={
                "account_no": [
                    "给出户号,或来电人姓名和电话 / give an account number, or caller name and phone"
                ]
            }
        )
    lon, lat = _position(data, customer)
    now = utcnow()
    due, rule, unconfirmed = deadlines.deadline_for(order_type, now)
    zone = spatial.zone_for_point(lon, lat) if lon is not None else None
    caller = customers.caller_details(data, customer)
    order = WorkOrder(
        number=next_number(now=now),
        type_code=order_type.code,
        channel=data["channel"],
        status="new",
        customer=customer,
        caller_name=caller["caller_name"],
        caller_phone=caller["caller_phone"],
        address=caller["address"] or "",
        location=point_wkt(lon, lat) if lon is not None else None,
        meter_number=data.get("meter_number"),
        description=data.get("description", ""),
        limited_mobility=data.get("limited_mobility", False)
        or bool(customer and customer.limited_mobility),
        property_side=data.get("property_side", "unknown"),
        flags=data.get("flags", {}),
        demo_marker=data.get("demo_marker"),
        zone=zone,
        team_id=zone.team_id if zone else None,
        deadline_at=due,
        deadline_rule=rule,
        calendar_unconfirmed=unconfirmed,
        first_contact_user_id=user.id,
        created_by_id=user.id,
        created_at=now,
    )
    order.priority = (
        Priority.EMERGENCY
        if order_type.is_emergency
        else Priority.LIMITED_MOBILITY
        if order.limited_mobility
        else Priority.NORMAL
    )
    db.session.add(order)
    record_event(
        order,
        "created",
        user,
        to_status="new",
        payload={
            "zone": zone.code if zone else None,
            "deadline_at": due.isoformat(),
            "rule": rule,
            "calendar_unconfirmed": unconfirmed,
            "channel": order.channel,
        },
    )
    if zone is None:
        record_event(
            order,
            "unrouted",
            actors.ROUTER,
            reason="位置不在任何服务片区内 / location is in no service zone",
        )
    db.session.flush()
    enqueue_after_commit(
        "app.dispatch.jobs.route_order",
        order.id,
        queue_name="emergency" if order_type.is_emergency else "default",
    )
    return order


def cancel(order, reason, user):
    order.cancel_reason = reason
    event = transition(order, "cancel", user, reason=reason)
    signals.order_cancelled.send(order, reason=reason)
    return event


def active_type(code):
    """An order type that may be used now; an unknown or retired one is bad input."""
    order_type = db.session.get(WorkOrderType, code)
    if order_type is None or not order_type.active:
        raise Invalid(errors={"type": [f"未知工单类型 / unknown work-order type: {code}"]})
    return order_type


def _position(data, customer):
    if data.get("location"):
        return data["location"]["lon"], data["location"]["lat"]
    if customer is not None and customer.location is not None:
        point = to_lonlat(customer.location)
        return point
    return None, None


def get_for(user, order_id, lock=False, options=()):
    """The order if this user may see it; a technician's foreign order is 404 (R7)."""
    stmt = visible_to(user, sa.select(WorkOrder).where(WorkOrder.id == order_id))
    stmt = stmt.options(*options)
    if lock:
        stmt = stmt.with_for_update()
    order = db.session.scalar(stmt)
    if order is None:
        raise NotFound(f"工单不存在 / work order {order_id} not found")
    return order


def visible_to(user, stmt):
    """`stmt` on work orders narrowed to those this user may see (R7)."""
    if acting_role(user) == Role.TECHNICIAN:
        stmt = stmt.where(WorkOrder.technician.has(user_id=user.id))
    return stmt
