"""An emergency may displace a technician's non-emergency job (R2.4)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.common import actors
from app.common.times import iso
from app.database import utcnow
from app.dispatch import offers
from app.dispatch.announce import dispatcher_ids, order_summary
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.notifications.services import notify
from app.workorders.models import Priority, WorkOrder
from app.workorders.services import record_event, transition


def displaced_orders(technician_id, now=None):
    """Jobs the technician cannot keep: on the way now, or an appointment inside the window."""
    now = now or utcnow()
    window = now + timedelta(minutes=current_app.config["PREEMPT_WINDOW_MINUTES"])
    return list(
        db.session.scalars(
            sa.select(WorkOrder)
            .where(
                WorkOrder.technician_id == technician_id,
                WorkOrder.priority < Priority.EMERGENCY,
                sa.or_(
                    WorkOrder.status == "en_route",
                    sa.and_(WorkOrder.status == "scheduled", WorkOrder.appointment_start < window),
                ),
            )
            .order_by(WorkOrder.id)
            .with_for_update()
        )
    )


def preempt_for(emergency, technician):
    """Return each displaced order to the queue, with an event and a task to tell its customer."""
    for order in displaced_orders(technician.id):
        reason = f"被抢修工单 {emergency.number} 占用 / pre-empted by emergency {emergency.number}"
        transition(
            order,
            "unassign",
            actors.ROUTER,
            reason=reason,
            payload={
                "preempted_by": emergency.id,
                "technician_id": technician.id,
            },
        )
        offers.close_pending(order, "withdrawn")
        record_event(
            order,
            "customer_notice_required",
            actors.ROUTER,
            reason="须告知用户上门改期 / the customer must be told the visit moves",
            payload={
                "caller_phone": order.caller_phone,
                "appointment_start": iso(order.appointment_start),
            },
        )
        owners = {order.first_contact_user_id, *dispatcher_ids()}
        notify(
            owners,
            "tell_customer",
            {
                **order_summary(order),
                "preempted_by": emergency.number,
                "caller_name": order.caller_name,
                "caller_phone": order.caller_phone,
            },
            dedupe_key=f"preempted:{order.id}:{emergency.id}",
        )
        notify(
            [technician.user_id],
            "assignment_withdrawn",
            {**order_summary(order), "reason": reason},
            dedupe_key=f"preempted:{order.id}:{emergency.id}",
        )
        enqueue_after_commit("app.dispatch.jobs.route_order", order.id)
