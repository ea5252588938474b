"""SLA watch (R1.3): each change of an order's state is stored, recorded and announced."""

import sqlalchemy as sa

from app.common import actors
from app.database import utcnow
from app.dispatch.announce import dispatcher_ids, order_summary
from app.extensions import db
from app.notifications.services import notify
from app.workorders.deadlines import sla_state_sql
from app.workorders.models import WorkOrder
from app.workorders.services import record_event
from app.workorders.states import OPEN_STATUSES

LABELS = {
    "on_track": "正常 / on track",
    "at_risk": "即将超时 / at risk",
    "breached": "已超时 / breached",
}


def sweep(now=None, batch=500):
    """Orders whose computed state differs from the stored one; locked rows wait a turn."""
    now = now or utcnow()
    computed = sla_state_sql(now)
    rows = db.session.execute(
        sa.select(WorkOrder, computed.label("state"))
        .where(
            WorkOrder.status.in_(OPEN_STATUSES),
            computed != sa.cast(WorkOrder.last_announced_sla_state, sa.String),
        )
        .order_by(WorkOrder.deadline_at)
        .limit(batch)
        .with_for_update(of=WorkOrder, skip_locked=True)
    ).all()
    for order, state in rows:
        _change(order, state)
    return len(rows)


def _change(order, state):
    before, order.last_announced_sla_state = order.last_announced_sla_state, state
    record_event(
        order,
        f"sla_{state}",
        actors.SLA_WATCH,
        reason=LABELS[state],
        payload={"from": before, "to": state, "deadline_at": order.deadline_at.isoformat()},
    )
    if state == "on_track":
        return
    recipients = set(dispatcher_ids())
    if order.technician is not None:
        recipients.add(order.technician.user_id)
    notify(
        recipients,
        f"sla_{state}",
        {**order_summary(order), "sla_state": state},
        dedupe_key=f"sla:{order.id}:{state}:{order.deadline_at.isoformat()}",
    )
