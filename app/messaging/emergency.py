"""The emergency offer by SMS when the live stream did not deliver it (R2.4, issue 11).

An on-call technician at 2 a.m. has no page open. Every emergency assignment asks, through
the outbox, for a check EMERGENCY_SMS_AFTER_SECONDS later: if the offer is still pending and
the technician's stream never wrote its notification (notifications.delivered_at), the
offer goes by SMS, once per offer, and the order records it.
"""

import sqlalchemy as sa
from flask import current_app

from app.dispatch.models import AssignmentOffer, Technician
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.messaging.services import public_base, queue_sms
from app.notifications.models import Notification
from app.workorders.models import WorkOrder
from app.workorders.services import record_event

CHECK_JOB = "app.messaging.jobs.emergency_offer_check"


def ask_for_check(order, event):
    """On an emergency (re)assignment: check delivery a little later (outbox, delayed)."""
    technician_id = event.payload.get("technician_id")
    if not order.type.is_emergency or technician_id is None:
        return
    enqueue_after_commit(
        CHECK_JOB,
        order.id,
        technician_id,
        # The SMS itself goes on the emergency queue; this check waits on the default one so
        # the emergency queue's schedule holds only the acceptance timers.
        queue_name="default",
        delay_seconds=current_app.config["EMERGENCY_SMS_AFTER_SECONDS"],
    )


def check(order_id, technician_id):
    """Send the offer by SMS unless it was answered or delivered live; returns what it did."""
    order = db.session.get(WorkOrder, order_id, with_for_update=True)
    offer = db.session.scalar(
        sa.select(AssignmentOffer)
        .where(
            AssignmentOffer.work_order_id == order_id,
            AssignmentOffer.technician_id == technician_id,
        )
        .order_by(AssignmentOffer.id.desc())
        .limit(1)
    )
    if order is None or offer is None or offer.outcome != "pending":
        return "answered"
    technician = db.session.get(Technician, technician_id)
    if _delivered_live(technician.user_id, offer.id):
        return "delivered_live"
    message = queue_sms(
        "emergency_offer",
        technician.phone or technician.user.phone,
        {"number": order.number, "address": order.address, "url": _phone_url(order)},
        work_order=order,
        dedupe_key=f"emergency_offer:{offer.id}",
    )
    if message in db.session.new:  # the first check that found it undelivered
        record_event(
            order,
            "emergency_offer_sms",
            "system:notifier",
            reason="实时推送未送达,已改发短信 / not delivered live: sent by SMS",
            payload={
                "technician_id": technician_id,
                "offer_id": offer.id,
                "status": message.status,
            },
        )
    return message.status


def _delivered_live(user_id, offer_id):
    return (
        db.session.scalar(
            sa.select(Notification.delivered_at).where(
                Notification.recipient_id == user_id,
                Notification.dedupe_key == f"offer:{offer_id}",
            )
        )
        is not None
    )


def _phone_url(order):
    return f"{public_base()}/m/"
