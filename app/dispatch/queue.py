"""The dispatcher's queue: unaccepted emergencies and unrouted orders first, then by risk."""

import sqlalchemy as sa

from app.database import utcnow
from app.queries import paginate
from app.workorders import reading
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import Priority, WorkOrder
from app.workorders.states import OPEN_STATUSES


def _rank_sql(now):
    """The queue's reasons as one CASE giving their index in ORDER (len(ORDER): not queued).

    One expression, the SLA rule inside it once: the query stays short enough for psycopg
    to cache and prepare (it was 11,500 characters with the reason repeated per rank).
    """
    unaccepted_emergency = sa.and_(
        WorkOrder.priority == Priority.EMERGENCY, WorkOrder.status.in_(("new", "assigned"))
    )
    unrouted = sa.and_(WorkOrder.zone_id.is_(None), WorkOrder.status == "new")
    by_risk = sa.case(
        {"breached": ORDER.index("breached"), "at_risk": ORDER.index("at_risk")},
        value=sla_state_sql(now),
        else_=sa.case((WorkOrder.status == "new", ORDER.index("unassigned")), else_=len(ORDER)),
    )
    return sa.case(
        (unaccepted_emergency, ORDER.index("unaccepted_emergency")),
        (unrouted, ORDER.index("unrouted")),
        else_=by_risk,
    )


ORDER = ("unaccepted_emergency", "unrouted", "breached", "at_risk", "unassigned")
REASONS_ZH = {
    "unaccepted_emergency": "抢修未接单",
    "unrouted": "未定位片区",
    "breached": "已超时",
    "at_risk": "临近超时",
    "unassigned": "待派单",
}


def page(args, user, now=None):
    """One page of the queue as QueuePageSchema shows it (plain rows, reading.py)."""
    rank = _rank_sql(now or utcnow()).label("queue_rank")
    stmt = reading.order_select(rank).where(WorkOrder.status.in_(OPEN_STATUSES), rank < len(ORDER))
    if args.get("team_id") is not None:
        stmt = stmt.where(WorkOrder.team_id == args["team_id"])
    page = paginate(
        stmt, args, rank, WorkOrder.priority.desc(), WorkOrder.deadline_at, WorkOrder.id, rows=True
    )
    clock = reading.sla_clock()
    items = [
        {**reading.order_json(row, user, clock), "queue_reason": ORDER[row.queue_rank]}
        for row in page["items"]
    ]
    return {**page, "items": items}
