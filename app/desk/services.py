"""Desk verbs with no writes: what an order would get before it is saved (zone, team, deadline,
possible duplicates)."""

import math

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.common.geometry import to_lonlat
from app.customers import services as customers
from app.database import point_wkt, utcnow
from app.dispatch.models import Team
from app.extensions import db
from app.workorders import deadlines
from app.workorders import services as workorders
from app.workorders.models import WorkOrder, WorkOrderType
from app.workorders.states import OPEN_STATUSES
from app.zones import queries as spatial

METRES_PER_DEGREE = 111_320


def departments():
    return db.session.scalars(
        sa.select(Team).where(Team.kind == "department").order_by(Team.code)
    ).all()


def order_types():
    return db.session.scalars(
        sa.select(WorkOrderType)
        .where(WorkOrderType.active.is_(True))
        .order_by(WorkOrderType.is_emergency.desc(), WorkOrderType.code)
    ).all()


def preview(args):
    order_type = workorders.active_type(args["type"])
    customer = customers.by_account_no(args.get("account_no"))
    lonlat = _lonlat(args, customer)
    zone = spatial.zone_for_point(*lonlat) if lonlat else None
    due, rule, unconfirmed = deadlines.deadline_for(order_type, utcnow())
    return {
        "type": order_type.code,
        "type_name": order_type.name_zh,
        "is_emergency": order_type.is_emergency,
        "location": {"lon": lonlat[0], "lat": lonlat[1]} if lonlat else None,
        "zone": zone,
        "team": zone.team if zone else None,
        "unrouted": zone is None,
        "deadline_at": due,
        "deadline_rule": rule,
        "calendar_unconfirmed": unconfirmed,
        "duplicates": possible_duplicates(order_type.code, lonlat, customer),
    }


def possible_duplicates(type_code, lonlat, customer=None, radius_m=None):
    """Open orders of the same customer, then open orders of the same type nearby."""
    radius_m = radius_m or current_app.config["DUPLICATE_RADIUS_M"]
    found = {}
    if customer is not None:
        for order in _open_orders(WorkOrder.customer_id == customer.id):
            found[order.id] = {"reason": "same_customer", "distance_m": None, "order": order}
    if lonlat:
        for order, distance in _nearby_same_type(type_code, lonlat, radius_m):
            found.setdefault(
                order.id, {"reason": "nearby_same_type", "distance_m": distance, "order": order}
            )
    return list(found.values())


def _open_orders(*where):
    return db.session.scalars(
        sa.select(WorkOrder)
        .where(WorkOrder.status.in_(OPEN_STATUSES), *where)
        .options(selectinload(WorkOrder.type))
        .order_by(WorkOrder.created_at.desc())
        .limit(20)
    ).all()


def _nearby_same_type(type_code, lonlat, radius_m):
    point = sa.func.ST_GeomFromEWKT(point_wkt(*lonlat))
    metres = sa.func.ST_Distance(sa.func.geography(WorkOrder.location), sa.func.geography(point))
    # A degree box first so the GiST index narrows the rows; then the exact geodesic test.
    degrees = radius_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lonlat[1])), 0.01))
    rows = db.session.execute(
        sa.select(WorkOrder, metres)
        .where(
            WorkOrder.type_code == type_code,
            WorkOrder.status.in_(OPEN_STATUSES),
            sa.func.ST_DWithin(WorkOrder.location, point, degrees),
            sa.func.ST_DWithin(
                sa.func.geography(WorkOrder.location), sa.func.geography(point), radius_m
            ),
        )
        .options(selectinload(WorkOrder.type))
        .order_by(metres)
        .limit(20)
    ).all()
    return [(order, round(distance, 1)) for order, distance in rows]


def _lonlat(args, customer):
    if "lon" in args:
        return args["lon"], args["lat"]
    if customer is not None and customer.location is not None:
        return to_lonlat(customer.location)
    return None
