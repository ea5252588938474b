"""Listing complaints with filters, as one SELECT plus one COUNT."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.complaints import access
from app.complaints.models import Complaint
from app.queries import contains_pattern, paginate

EQUALITY_FILTERS = ("kind", "department_id", "sensitive", "work_order_id")


def filtered(args, user):
    stmt = access.visible_to(user, sa.select(Complaint))
    if args.get("status"):
        stmt = stmt.where(Complaint.status.in_(args["status"]))
    for name in EQUALITY_FILTERS:
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Complaint, name) == args[name])
    if args.get("received_from"):
        stmt = stmt.where(Complaint.received_at >= args["received_from"])
    if args.get("received_to"):
        stmt = stmt.where(Complaint.received_at < args["received_to"])
    if args.get("q"):
        like = contains_pattern(args["q"])
        stmt = stmt.where(
            sa.or_(
                *(
                    column.ilike(like, escape="\\")
                    for column in (
                        Complaint.number,
                        Complaint.caller_name,
                        Complaint.caller_phone,
                        Complaint.address,
                    )
                )
            )
        )
    return stmt


def page(args, user):
    stmt = filtered(args, user)
    return paginate(
        stmt,
        args,
        Complaint.received_at.desc(),
        Complaint.id.desc(),
        options=(selectinload(Complaint.department), selectinload(Complaint.work_order)),
    )
