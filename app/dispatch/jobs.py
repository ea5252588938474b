"""Dispatch jobs: they take ids, reload and lock their rows, and are safe to run twice."""

import sqlalchemy as sa
from flask import current_app

from app.config import Config
from app.dispatch import routing, watch
from app.extensions import db
from app.workorders.models import WorkOrder

PERIODIC = [
    ("app.dispatch.jobs.sla_watch", "default", Config.SLA_WATCH_SECONDS),
    ("app.dispatch.jobs.expire_due_offers", "emergency", Config.OFFER_SWEEP_SECONDS),
]


def route_order(order_id):
    """Route a new order: assign it (emergencies always) or leave it for a dispatcher."""
    order = db.session.scalar(
        sa.select(WorkOrder).where(WorkOrder.id == order_id).with_for_update()
    )
    if order is None:
        return None
    decision = routing.route(order)
    return getattr(decision, "id", None)


def check_acceptance(order_id, offer_id):
    """The acceptance timer of one emergency offer."""
    return getattr(routing.expire_offer(order_id, offer_id), "id", None)


def expire_due_offers():
    """The safety net behind the timers: a timer lost with Redis is caught here."""
    done = 0
    for order_id, offer_id in routing.due_offers():
        routing.expire_offer(order_id, offer_id)
        db.session.flush()
        done += 1
    current_app.logger.debug("offers checked: %s", done)
    return done


def sla_watch():
    """Mark orders at risk or breached, with events and notifications."""
    return watch.sweep()
