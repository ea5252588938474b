"""What the phone reads: my orders in working order, and one visit in full."""

from datetime import time, timedelta

import sqlalchemy as sa
from flask import current_app

from app.calendar.rules import TZ, parse_office_hours
from app.database import utcnow
from app.extensions import db
from app.visits import rules
from app.visits.models import Photo, SatisfactionForm, ViolationReport, Visit
from app.visits.services import missing_for_completion
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.queries import summary_options
from app.workorders.services import get_for
from app.workorders.states import ACTIVE_STATUSES

SLA_RANK = {"breached": 0, "at_risk": 1, "on_track": 2}


def my_orders(user, args):
    """Emergencies and limited-mobility customers first, then the most urgent deadline state,
    then the agreed appointment, then the deadline, then ticket order (按工单先后顺序)."""
    statuses = args.get("status") or ACTIVE_STATUSES
    sla_rank = sa.case(SLA_RANK, value=sla_state_sql())  # the SLA rule once, not per rank
    rows = db.session.execute(
        sa.select(WorkOrder, Visit.arrival_flagged)
        .outerjoin(Visit, Visit.work_order_id == WorkOrder.id)
        .where(WorkOrder.technician.has(user_id=user.id), WorkOrder.status.in_(statuses))
        .options(*summary_options())
        .order_by(
            WorkOrder.priority.desc(),
            sla_rank,
            WorkOrder.appointment_start.asc().nulls_last(),
            WorkOrder.deadline_at,
            WorkOrder.created_at,
            WorkOrder.id,
        )
        .limit(500)
    ).all()
    items = []
    for order, flagged in rows:
        order.arrival_flagged = flagged
        items.append(order)
    return {"items": items, "total": len(items), "page": 1, "per_page": len(items)}


def visit_detail(user, order_id):
    order = get_for(user, order_id)
    visit = db.session.get(Visit, order.id)
    done = visit.checklist if visit else {}
    return {
        "order": order,
        "visit": visit
        or Visit(work_order_id=order.id, checklist={}, parts=[], notes="", arrival_flagged=False),
        "checklist": [
            {"item": item, "label": label, "done_at": (done.get(item) or {}).get("at")}
            for item, label in rules.CHECKLIST.items()
        ],
        "contact_attempts": _events(order.id, "contact_attempt"),
        "photos": _rows(Photo, order.id),
        "violations": _rows(ViolationReport, order.id),
        "completion_missing": missing_for_completion(order, visit),
        "suggested_window": suggested_window(order),
        "satisfaction_submitted": db.session.scalar(
            sa.select(SatisfactionForm.id).where(SatisfactionForm.work_order_id == order.id)
        )
        is not None,
    }


def suggested_window(order):
    """The window the phone offers first: inside SERVICE_HOURS, at the customer's preferred
    time when the desk noted one (flags.preferred_window {"start": "14:00", "end": "16:00"});
    an emergency is offered the next two hours, whatever the hour."""
    now = utcnow().astimezone(TZ)
    if order.priority >= 2:
        return {"start": now, "end": now + timedelta(hours=2)}
    spans = parse_office_hours(current_app.config["SERVICE_HOURS"])
    hours = (spans[0][0], spans[-1][1])
    wanted = (order.flags or {}).get("preferred_window") or {}
    try:
        preferred = (time.fromisoformat(wanted["start"]), time.fromisoformat(wanted["end"]))
    except (KeyError, TypeError, ValueError):
        preferred = None
    start, end = rules.suggested_window(now, hours, preferred=preferred)
    return {"start": start, "end": end}


def _events(order_id, kind):
    return db.session.scalars(
        sa.select(WorkOrderEvent)
        .where(WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == kind)
        .order_by(WorkOrderEvent.id)
    ).all()


def _rows(model, order_id):
    return db.session.scalars(
        sa.select(model).where(model.work_order_id == order_id).order_by(model.id)
    ).all()
