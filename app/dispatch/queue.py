"""The dispatcher's queue: unaccepted emergencies and unrouted orders first, then by risk."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.database import utcnow
from app.queries import paginate
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import Priority, WorkOrder
from app.workorders.states import OPEN_STATUSES


def _reason_sql(risk):
    unaccepted_emergency = sa.and_(
        WorkOrder.priority == Priority.EMERGENCY, WorkOrder.status.in_(("new", "assigned"))
    )
    return sa.case(
        (unaccepted_emergency, "unaccepted_emergency"),
        (sa.and_(WorkOrder.zone_id.is_(None), WorkOrder.status == "new"), "unrouted"),
        (risk == "breached", "breached"),
        (risk == "at_risk", "at_risk"),
        (WorkOrder.status == "new", "unassigned"),
        else_=None,
    )


ORDER = ("unaccepted_emergency", "unrouted", "breached", "at_risk", "unassigned")


def page(args, now=None):
    risk = sla_state_sql(now or utcnow())
    reason = _reason_sql(risk)
    rank = sa.case(*((reason == name, i) for i, name in enumerate(ORDER)), else_=len(ORDER))
    stmt = sa.select(WorkOrder, reason.label("queue_reason")).where(
        WorkOrder.status.in_(OPEN_STATUSES), reason.is_not(None)
    )
    if args.get("team_id") is not None:
        stmt = stmt.where(WorkOrder.team_id == args["team_id"])
    page = paginate(
        stmt,
        args,
        rank,
        WorkOrder.priority.desc(),
        WorkOrder.deadline_at,
        WorkOrder.id,
        rows=True,
        options=(
            selectinload(WorkOrder.type),
            selectinload(WorkOrder.zone),
            selectinload(WorkOrder.customer),
        ),
    )
    for order, why in page["items"]:
        order.queue_reason = why
    return {**page, "items": [order for order, _ in page["items"]]}
