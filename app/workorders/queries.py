"""Reading work orders: the list with filters (one COUNT, one SELECT) and one order's detail,
as plain rows turned into the API's JSON (reading.py)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.auth.permissions import acting_role
from app.auth.roles import Role
from app.customers.models import Customer
from app.errors import NotFound
from app.extensions import db
from app.queries import contains_pattern, paginate
from app.workorders import reading
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import WorkOrder, WorkOrderType
from app.workorders.services import visible_to
from app.zones.models import ServiceZone

EQUALITY_FILTERS = ("zone_id", "team_id", "technician_id")


def summary_options():
    """What WorkOrderSchema shows of an order's type, customer and zone, joined into the
    order's own SELECT (many-to-one: no extra rows), only the columns shown: a zone's polygon
    or a customer's point is never read to print a name (issue 16). Built per call, so that
    importing this module never configures the mappers before every model is imported."""
    return (
        joinedload(WorkOrder.type).load_only(WorkOrderType.name_zh),
        joinedload(WorkOrder.customer).load_only(Customer.account_no, Customer.name),
        joinedload(WorkOrder.zone).load_only(ServiceZone.code, ServiceZone.name),
    )


def filtered(args, user, stmt=None):
    """`stmt` (by default every work order) narrowed by the list's filters."""
    stmt = sa.select(WorkOrder) if stmt is None else stmt
    if acting_role(user) == Role.TECHNICIAN:
        stmt = stmt.where(WorkOrder.technician.has(user_id=user.id))
    if args.get("status"):
        stmt = stmt.where(WorkOrder.status.in_(args["status"]))
    if args.get("type"):
        stmt = stmt.where(WorkOrder.type_code == args["type"])
    for name in EQUALITY_FILTERS:
        if args.get(name) is not None:
            stmt = stmt.where(getattr(WorkOrder, name) == args[name])
    if args.get("unrouted") is not None:
        stmt = stmt.where(
            WorkOrder.zone_id.is_(None) if args["unrouted"] else WorkOrder.zone_id.is_not(None)
        )
    if args.get("sla_state"):
        stmt = stmt.where(sla_state_sql() == args["sla_state"])
    if args.get("created_from"):
        stmt = stmt.where(WorkOrder.created_at >= args["created_from"])
    if args.get("created_to"):
        stmt = stmt.where(WorkOrder.created_at < args["created_to"])
    if args.get("q"):
        like = contains_pattern(args["q"])
        stmt = stmt.where(
            sa.or_(
                WorkOrder.number.ilike(like, escape="\\"),
                WorkOrder.address.ilike(like, escape="\\"),
                WorkOrder.caller_phone.ilike(like, escape="\\"),
            )
        )
    return stmt


def page(args, user):
    """One page of the list as WorkOrderPageSchema shows it."""
    page = paginate(
        filtered(args, user, reading.order_select()),
        args,
        WorkOrder.priority.desc(),
        WorkOrder.created_at.desc(),
        WorkOrder.id.desc(),
        rows=True,
    )
    clock = reading.sla_clock()
    return {**page, "items": [reading.order_json(row, user, clock) for row in page["items"]]}


def detail(user, order_id):
    """One order as WorkOrderDetailSchema shows it: two SELECTs, the order and its timeline."""
    stmt = visible_to(user, reading.order_select().where(WorkOrder.id == order_id))
    row = db.session.execute(stmt).one_or_none()
    if row is None:
        raise NotFound(f"工单不存在 / work order {order_id} not found")
    events = db.session.execute(reading.events_select(order_id))
    return {**reading.order_json(row, user), "timeline": [reading.event_json(e) for e in events]}
