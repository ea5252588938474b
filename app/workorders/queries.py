"""Reading work orders: the list with filters (one COUNT, one SELECT) and one order's detail."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from app.auth.roles import Role
from app.customers.models import Customer
from app.errors import NotFound
from app.extensions import db
from app.queries import contains_pattern, paginate
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


def filtered(args, user):
    stmt = sa.select(WorkOrder)
    if user.role == Role.TECHNICIAN:
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
    stmt = filtered(args, user)
    return paginate(
        stmt,
        args,
        WorkOrder.priority.desc(),
        WorkOrder.created_at.desc(),
        WorkOrder.id.desc(),
        options=summary_options(),
    )


def detail(user, order_id):
    """One order with what WorkOrderDetailSchema shows: two SELECTs, the order and its timeline."""
    stmt = visible_to(user, sa.select(WorkOrder).where(WorkOrder.id == order_id))
    order = db.session.scalar(stmt.options(*summary_options(), selectinload(WorkOrder.events)))
    if order is None:
        raise NotFound(f"工单不存在 / work order {order_id} not found")
    return order
