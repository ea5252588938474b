"""The hot read views build their JSON from plain rows (app/workorders/reading.py, issue 16):
it must be exactly what the documented schemas dump from the ORM objects, field for field."""

import json
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app, g

from app.auth.models import User
from app.database import point_wkt, utcnow
from app.demo import loader
from app.dispatch.queue import ORDER
from app.dispatch.schemas import QueueItemSchema
from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.schemas import WorkOrderDetailSchema, WorkOrderSchema


@pytest.fixture
def city(app):
    loader.load()
    return {u.username: u for u in db.session.scalars(sa.select(User))}


def _headers(user):
    from app.auth import tokens

    return {"Authorization": f"Bearer {tokens.access_token(user)}"}


def _rich_order():
    """A demo order with a customer, a zone and a technician, given every optional field and
    an event with a position, a device time, an accuracy, a reason and a payload."""
    order = db.session.scalars(
        sa.select(WorkOrder)
        .where(
            WorkOrder.customer_id.is_not(None),
            WorkOrder.zone_id.is_not(None),
            WorkOrder.technician_id.is_not(None),
            WorkOrder.location.is_not(None),
        )
        .order_by(WorkOrder.id)
    ).first()
    now = utcnow()
    order.caller_name, order.caller_phone = "王先生", "13812345678"
    order.meter_number = "M-0042"
    order.flags = {
        "call_before_visit": True,
        "preferred_window": {"start": "09:00", "end": "11:30"},
    }
    order.appointment_start, order.appointment_end = now, now + timedelta(hours=2)
    order.limited_mobility = True
    db.session.add(
        WorkOrderEvent(
            work_order_id=order.id,
            kind="arrive",
            actor_id=order.first_contact_user_id,
            actor_label="technician:师傅",
            reason="客户在家 / customer at home",
            server_time=now,
            device_time=now - timedelta(seconds=30),
            position=point_wkt(121.1587654321, 36.6876543219),
            accuracy_m=12.5,
            payload={"distance_m": 321.4, "flagged": True, "flag_limit_m": 200},
        )
    )
    db.session.commit()
    return order.id


def _wire(data):
    """What a client receives for `data`: the app's JSON, read back."""
    return json.loads(current_app.json.dumps(data))


def _dump(schema, obj, user, many=False):
    g.user = user  # the schema masks phone numbers for the current user
    try:
        return _wire(schema.dump(obj, many=many))
    finally:
        g.pop("user")


@pytest.mark.parametrize("username", ["dispatch01", "gm01"])  # gm01's phones are masked
def test_detail_is_exactly_the_schemas_dump(client, city, username):
    order_id = _rich_order()
    resp = client.get(f"/api/workorders/{order_id}", headers=_headers(city[username]))
    assert resp.status_code == 200
    db.session.expire_all()
    expected = _dump(WorkOrderDetailSchema(), db.session.get(WorkOrder, order_id), city[username])
    assert resp.json == expected
    assert resp.json["timeline"][-1]["position"] == {"lon": 121.1587654321, "lat": 36.6876543219}
    assert resp.json["caller_phone"] == (
        "13812345678" if username == "dispatch01" else "138****5678"
    )


def test_list_is_exactly_the_schemas_dump(client, city):
    _rich_order()
    resp = client.get("/api/workorders?per_page=200", headers=_headers(city["dispatch01"]))
    items = resp.json["items"]
    assert len(items) >= 20 and resp.json["total"] >= len(items)
    orders = {o.id: o for o in db.session.scalars(sa.select(WorkOrder))}
    expected = _dump(WorkOrderSchema(), [orders[i["id"]] for i in items], city["dispatch01"], True)
    assert items == expected


def test_queue_is_exactly_the_schemas_dump(client, city):
    resp = client.get("/api/dispatch/queue?per_page=200", headers=_headers(city["dispatch01"]))
    items = resp.json["items"]
    assert len(items) >= 5
    orders = {o.id: o for o in db.session.scalars(sa.select(WorkOrder))}
    for item in items:
        orders[item["id"]].queue_reason = item["queue_reason"]
    expected = _dump(QueueItemSchema(), [orders[i["id"]] for i in items], city["dispatch01"], True)
    assert items == expected
    assert {i["queue_reason"] for i in items} <= set(ORDER)
