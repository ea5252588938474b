"""Listing complaints with filters, as one SELECT plus one COUNT.

The office screens ask for "mine", a deadline state (from the running clocks), complaints
waiting for a general manager's decision, and the department inbox sorted by its next clock.
"""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.complaints import access
from app.complaints.models import Complaint, ComplaintClock, ComplaintReply
from app.database import utcnow
from app.queries import contains_pattern, paginate

EQUALITY_FILTERS = ("kind", "department_id", "sensitive", "work_order_id")
DEADLINE_STATES = ("breached", "warning", "running", "none")


def _running(*conditions):
    """EXISTS a running (not stopped) clock of this complaint meeting `conditions`."""
    return (
        sa.select(ComplaintClock.id)
        .where(
            ComplaintClock.complaint_id == Complaint.id,
            ComplaintClock.stopped_at.is_(None),
            *conditions,
        )
        .exists()
    )


def next_due():
    """The earliest due moment among the complaint's running clocks (NULL when none runs)."""
    return (
        sa.select(sa.func.min(ComplaintClock.due_at))
        .where(ComplaintClock.complaint_id == Complaint.id, ComplaintClock.stopped_at.is_(None))
        .correlate(Complaint)
        .scalar_subquery()
    )


def deadline_condition(state, now):
    """The same stages as rules.clock_stage, for the worst running clock of a complaint."""
    breached = _running(ComplaintClock.due_at < now)
    warning = _running(ComplaintClock.warn_at <= now)
    return {
        "breached": breached,
        "warning": sa.and_(warning, ~breached),
        "running": sa.and_(_running(), ~warning),
        "none": ~_running(),
    }[state]


def filtered(args, user, now=None):
    now = now or utcnow()
    stmt = access.visible_to(user, sa.select(Complaint))
    if args.get("status"):
        stmt = stmt.where(Complaint.status.in_(args["status"]))
    for name in EQUALITY_FILTERS:
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Complaint, name) == args[name])
    if args.get("mine"):
        stmt = stmt.where(Complaint.received_by_id == user.id)
    if args.get("my_departments"):
        stmt = stmt.where(Complaint.department_id.in_(access.department_ids_of(user) or {-1}))
    if args.get("deadline"):
        stmt = stmt.where(deadline_condition(args["deadline"], now))
    if args.get("awaiting_approval"):
        stmt = stmt.where(
            sa.select(ComplaintReply.id)
            .where(
                ComplaintReply.complaint_id == Complaint.id, ComplaintReply.status == "submitted"
            )
            .exists()
        )
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
    if args.get("sort") == "clock":
        order = (next_due().asc().nulls_last(), Complaint.received_at.desc(), Complaint.id.desc())
    else:
        order = (Complaint.received_at.desc(), Complaint.id.desc())
    return paginate(
        stmt,
        args,
        *order,
        options=(
            selectinload(Complaint.department),
            selectinload(Complaint.work_order),
            selectinload(Complaint.clocks),
            selectinload(Complaint.replies),
        ),
    )
