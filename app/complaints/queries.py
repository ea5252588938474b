"""Listing complaints with filters, as one SELECT plus one COUNT."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.complaints import access
from app.complaints.models import Complaint
from app.extensions import db

EQUALITY_FILTERS = ("kind", "department_id", "sensitive", "work_order_id")


def filtered(args, user):
    stmt = access.visible(sa.select(Complaint), user)
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
        like = "%" + args["q"].replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(sa.or_(*(
            column.ilike(like, escape="\\") for column in
            (Complaint.number, Complaint.caller_name, Complaint.caller_phone, Complaint.address)
        )))
    return stmt


def page(args, user):
    stmt = filtered(args, user)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    items = db.session.scalars(
        stmt.options(selectinload(Complaint.department), selectinload(Complaint.work_order))
        .order_by(Complaint.received_at.desc(), Complaint.id.desc())
        .limit(args["per_page"]).offset((args["page"] - 1) * args["per_page"])
    ).all()
    return {"items": items, "total": total, "page": args["page"], "per_page": args["per_page"]}
