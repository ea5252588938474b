"""The hot read views as plain rows (issue 16): work orders and their timelines selected with
Core, only the columns shown, and turned into JSON without marshmallow's per-field machinery.

A detail request spent most of its Python in the ORM's row loading, GeoAlchemy's WKB elements
and shapely (to print a point), and marshmallow's ~40 fields per order. WorkOrderSchema and
WorkOrderEventSchema (schemas.py) stay the API's documentation and the definition of what is
shown: `tests/workorders/test_reading.py` checks that these dicts are exactly their dump.
"""

from functools import cache

import sqlalchemy as sa
from flask import current_app

from app.auth.permissions import mask_phone
from app.customers.models import Customer
from app.database import utcnow
from app.workorders import deadlines, states, timeline
from app.workorders.models import WorkOrder, WorkOrderEvent, WorkOrderType
from app.zones.models import ServiceZone

_ORDER_COLUMNS = (
    "id number type_code status channel priority caller_name caller_phone address meter_number"
    " description limited_mobility property_side flags zone_id team_id technician_id"
    " deadline_at deadline_rule calendar_unconfirmed first_contact_user_id created_at"
    " updated_at assigned_at accepted_at appointment_start appointment_end completed_at"
    " closed_at cancel_reason version_id customer_id"
).split()
_EVENT_COLUMNS = (
    "id kind actor_id actor_label reason payload from_status to_status server_time device_time"
    " accuracy_m"
).split()


def _lonlat(column, name):
    """A point as two floats (the stored doubles, as shapely would read them from the WKB)."""
    return sa.func.ST_X(column).label(f"{name}_lon"), sa.func.ST_Y(column).label(f"{name}_lat")


def order_select(*extra):
    """SELECT of what WorkOrderSchema shows, its type, customer and zone joined (many-to-one,
    outer, as the ORM's joinedload did); add `.where()` and friends like any select."""
    return _order_select().add_columns(*extra) if extra else _order_select()


@cache  # built once: a select is immutable, and building this one costs ~50 coercions
def _order_select():
    orders, types = WorkOrder.__table__, WorkOrderType.__table__
    customers, zones = Customer.__table__, ServiceZone.__table__
    return sa.select(
        *(orders.c[name] for name in _ORDER_COLUMNS),
        *_lonlat(orders.c.location, "location"),
        types.c.name_zh.label("type_name"),
        customers.c.account_no.label("customer_account_no"),
        customers.c.name.label("customer_name"),
        zones.c.code.label("zone_code"),
        zones.c.name.label("zone_name"),
    ).select_from(
        orders.outerjoin(types, types.c.code == orders.c.type_code)
        .outerjoin(customers, customers.c.id == orders.c.customer_id)
        .outerjoin(zones, zones.c.id == orders.c.zone_id)
    )


def events_select(order_id):
    events = WorkOrderEvent.__table__
    return (
        sa.select(
            *(events.c[name] for name in _EVENT_COLUMNS), *_lonlat(events.c.position, "position")
        )
        .where(events.c.work_order_id == order_id)
        .order_by(events.c.id)
    )


def _time(value):
    return None if value is None else value.isoformat()


def _point(row, name):
    lon = getattr(row, f"{name}_lon")
    return None if lon is None else {"lon": lon, "lat": getattr(row, f"{name}_lat")}


def _dict(value):
    return None if value is None else dict(value)


@cache
def _allowed_actions(status):
    return states.allowed_actions(status)


def sla_clock():
    """(now, at-risk fraction) for deadlines.sla_state, read once per page, not per order."""
    return {"now": utcnow(), "fraction": current_app.config["SLA_AT_RISK_FRACTION"]}


def order_json(row, user, clock=None):
    """WorkOrderSchema's dump of an `order_select()` row, for `user` (phone masking);
    `clock` from sla_clock() when dumping many."""
    status = row.status
    clock = clock or sla_clock()
    customer = None
    if row.customer_id is not None:
        customer = {
            "id": row.customer_id,
            "account_no": row.customer_account_no,
            "name": row.customer_name,
        }
    zone = None
    if row.zone_id is not None:
        zone = {"id": row.zone_id, "code": row.zone_code, "name": row.zone_name}
    return {
        "id": row.id,
        "number": row.number,
        "type": row.type_code,
        "status": status,
        "status_label": states.LABELS_ZH[status],
        "type_name": row.type_name,
        "channel": row.channel,
        "allowed_actions": _allowed_actions(status),
        "priority": int(row.priority),
        "customer": customer,
        "caller_name": row.caller_name,
        "caller_phone": mask_phone(row.caller_phone, user),
        "address": row.address,
        "location": _point(row, "location"),
        "meter_number": row.meter_number,
        "description": row.description,
        "limited_mobility": row.limited_mobility,
        "property_side": row.property_side,
        "flags": _dict(row.flags),
        "zone": zone,
        "unrouted": row.zone_id is None,
        "team_id": row.team_id,
        "technician_id": row.technician_id,
        "deadline_at": _time(row.deadline_at),
        "deadline_rule": row.deadline_rule,
        "calendar_unconfirmed": row.calendar_unconfirmed,
        "sla_state": deadlines.sla_state(row.created_at, row.deadline_at, status, **clock),
        "first_contact_user_id": row.first_contact_user_id,
        "created_at": _time(row.created_at),
        "updated_at": _time(row.updated_at),
        "assigned_at": _time(row.assigned_at),
        "accepted_at": _time(row.accepted_at),
        "appointment_start": _time(row.appointment_start),
        "appointment_end": _time(row.appointment_end),
        "completed_at": _time(row.completed_at),
        "closed_at": _time(row.closed_at),
        "cancel_reason": row.cancel_reason,
        "version": row.version_id,
    }


def event_json(row):
    """WorkOrderEventSchema's dump of an `events_select()` row."""
    return {
        "id": row.id,
        "kind": row.kind,
        "actor_id": row.actor_id,
        "actor_label": row.actor_label,
        "reason": row.reason,
        "payload": _dict(row.payload),
        "from_status": row.from_status,
        "to_status": row.to_status,
        "server_time": _time(row.server_time),
        "device_time": _time(row.device_time),
        "position": _point(row, "position"),
        "accuracy_m": None if row.accuracy_m is None else float(row.accuracy_m),
        "label": timeline.event_label(row.kind),
        "sentence": timeline.sentence(
            row.kind,
            row.actor_label,
            reason=row.reason,
            payload=row.payload,
            to_status=row.to_status,
        ),
    }
