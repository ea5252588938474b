"""Listing work orders with filters, as one SELECT plus one COUNT."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.auth.roles import Role
from app.queries import contains_pattern, paginate
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import WorkOrder

EQUALITY_FILTERS = ("zone_id", "team_id", "technician_id")


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
        options=(
            selectinload(WorkOrder.type),
            selectinload(WorkOrder.zone),
            selectinload(WorkOrder.customer),
        ),
    )
