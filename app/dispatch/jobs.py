"""Dispatch jobs: they take ids, reload and lock their rows, and are safe to run twice."""

import sqlalchemy as sa
from flask import current_app

from app.dispatch import routing, watch
from app.extensions import db
from app.workorders.models import WorkOrder

PERIODIC = [
    ("app.dispatch.jobs.sla_watch", "default", "SLA_WATCH_SECONDS"),
    ("app.dispatch.jobs.expire_due_offers", "emergency", "OFFER_SWEEP_SECONDS"),
]


ROUTE_JOB = "app.dispatch.jobs.route_order"


def route_order(order_id):
    """Route a new order: assign it (emergencies always) or leave it for a dispatcher.

    An ordinary order's job also routes up to ROUTE_BATCH other orders waiting for their
    routing, in the same transaction: at a cold-snap peak one job's fixed cost (dequeue,
    session, commit) is paid once for many orders, and their own jobs find them done.
    """
    order = db.session.scalar(
        sa.select(WorkOrder).where(WorkOrder.id == order_id).with_for_update()
    )
    if order is None:
        return None
    decision = routing.route(order)
    if not order.type.is_emergency:
        route_waiting(exclude=order_id)
    return getattr(decision, "id", None)


def route_waiting(exclude, limit=None):
    """Route other ordinary orders whose routing is still owed; returns how many.

    Only rows and orders nobody else holds are taken (SKIP LOCKED on both), so batches of
    concurrent workers never wait on each other; each order routes in a savepoint, and one
    that fails is left to its own job.
    """
    from app.jobs import mark_done
    from app.outbox import OutboxMessage

    limit = limit or current_app.config["ROUTE_BATCH"]
    rows = db.session.execute(
        sa.select(OutboxMessage.id, OutboxMessage.args)
        .where(
            OutboxMessage.job == ROUTE_JOB,
            OutboxMessage.done_at.is_(None),
            OutboxMessage.queue == "default",
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    done = []
    for row_id, args in rows:
        if args[0] == exclude:
            continue
        try:
            with db.session.begin_nested():
                order = db.session.scalar(
                    sa.select(WorkOrder)
                    .where(WorkOrder.id == args[0])
                    .with_for_update(skip_locked=True)
                )
                if order is None:
                    continue  # being routed by another worker right now
                routing.route(order)
        except Exception as exc:  # its own job will try, and fail visibly if it must
            current_app.logger.warning("batch routing of order %s failed: %s", args[0], exc)
            continue
        done.append(row_id)
    if done:
        mark_done(done)
    return len(done)


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
