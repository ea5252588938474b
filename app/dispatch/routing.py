"""The router's decisions: assign automatically, or leave to a dispatcher; escalate timeouts."""

import sqlalchemy as sa
from flask import current_app

from app.common import actors
from app.database import utcnow
from app.dispatch import announce, services
from app.dispatch.models import AssignmentOffer, TeamAutoAssign, Technician
from app.dispatch.suggestions import suggest
from app.errors import Conflict, Invalid
from app.extensions import db
from app.notifications.services import notify
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.services import record_event, transition


def auto_assign_enabled(order):
    """The team's setting for this type when there is one, else the type's (R2.3)."""
    if order.team_id is not None:
        row = db.session.get(TeamAutoAssign, (order.team_id, order.type_code))
        if row is not None:
            return row.enabled
    return order.type.auto_assign


def route(order):
    """Decide once for a new order; a second run with nothing changed does nothing."""
    if order.status != "new":
        return None
    emergency = order.type.is_emergency
    if not emergency and not auto_assign_enabled(order):
        return _leave(
            order,
            "awaiting_dispatcher",
            "按配置由调度员派单 / manual dispatch for this type and team",
        )
    suggestion = suggest(order, explain=False)
    for candidate in suggestion["candidates"]:
        if not emergency and candidate["outside_team"]:
            break  # across teams is a dispatcher's call, except for an emergency
        technician = db.session.get(Technician, candidate["technician_id"])
        try:
            # assign() checks before it writes, so a refusal leaves nothing to undo.
            offer = services.assign(
                order, technician, actors.ROUTER, reason=_why(candidate), suggestion=suggestion
            )
        except (Conflict, Invalid):
            continue  # taken meanwhile (another emergency): try the next one
        if candidate["outside_team"]:
            _alert(
                order,
                "emergency_outside_team",
                f"outside:{order.id}:{offer.id}",
                scope=suggestion["scope"],
                technician=technician.name,
            )
        return offer
    return _nobody(order, emergency, suggestion)


def _why(candidate):
    where = "实时位置" if candidate["fresh_position"] else "驻点"
    return (
        f"系统推荐第1位:距{where}{candidate['distance_m']:.0f}米,在办{candidate['load']}单 / "
        f"top candidate: {candidate['distance_m']:.0f} m, load {candidate['load']}"
    )


def _nobody(order, emergency, suggestion):
    if not emergency:
        return _leave(
            order,
            "awaiting_dispatcher",
            "无合适人员,待调度员处理 / no eligible technician; waiting for a dispatcher",
        )
    tried = _offers_made(order.id)
    event = _leave(
        order,
        "escalation_exhausted" if tried else "no_candidate",
        "抢修无可派人员,请立即人工处理 / no technician left for this emergency: act now",
        payload={"offers_made": tried, "scope": suggestion["scope"]},
    )
    _alert(order, "emergency_unassigned", f"unassigned:{order.id}:{tried}", offers_made=tried)
    return event


def _leave(order, kind, reason, payload=None):
    last = db.session.scalar(
        sa.select(WorkOrderEvent.kind)
        .where(WorkOrderEvent.work_order_id == order.id)
        .order_by(WorkOrderEvent.id.desc())
        .limit(1)
    )
    if last == kind:
        return None  # nothing changed since the same decision
    event = record_event(order, kind, actors.ROUTER, reason=reason, payload=payload)
    if kind == "awaiting_dispatcher":  # the console shows it at once, not on its next poll
        _alert(order, "order_waiting", f"waiting:{order.id}", reason=reason)
    return event


def _offers_made(order_id):
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AssignmentOffer)
        .where(AssignmentOffer.work_order_id == order_id)
    )


def _alert(order, kind, dedupe_key, **extra):
    notify(
        announce.dispatcher_ids(),
        kind,
        {**announce.order_summary(order), **extra},
        dedupe_key=dedupe_key,
    )


def expire_offer(order_id, offer_id, now=None):
    """Timer fired: if the offer is still pending and due, withdraw it and route to the next."""
    now = now or utcnow()
    order = db.session.scalar(
        sa.select(WorkOrder).where(WorkOrder.id == order_id).with_for_update()
    )
    offer = db.session.scalar(
        sa.select(AssignmentOffer).where(AssignmentOffer.id == offer_id).with_for_update()
    )
    if order is None or offer is None or offer.outcome != "pending":
        return None
    if offer.expires_at is None or offer.expires_at > now:
        return None  # early or not timed: the sweep will look again
    offer.outcome, offer.decided_at = "expired", now
    if order.status != "assigned" or order.technician_id != offer.technician_id:
        return None
    _escalate(order, offer)
    return route(order)


def _escalate(order, offer):
    technician = db.session.get(Technician, offer.technician_id)
    minutes = current_app.config["ACCEPT_TIMEOUT_MINUTES"]
    reason = f"{minutes}分钟内未接单,转派下一位 / not accepted within {minutes} min: escalated"
    transition(
        order,
        "unassign",
        actors.ESCALATION,
        reason=reason,
        payload={"technician_id": technician.id, "offer_id": offer.id},
    )
    record_event(
        order,
        "escalated",
        actors.ESCALATION,
        reason=reason,
        payload={
            "from_technician_id": technician.id,
            "from_technician": technician.name,
            "offer_id": offer.id,
        },
    )
    _alert(order, "emergency_escalated", f"escalated:{offer.id}", technician=technician.name)
    notify(
        [technician.user_id],
        "assignment_withdrawn",
        {**announce.order_summary(order), "reason": reason},
        dedupe_key=f"expired:{offer.id}",
    )


def due_offers(now=None):
    """(order id, offer id) of pending timed offers past their deadline."""
    now = now or utcnow()
    return db.session.execute(
        sa.select(AssignmentOffer.work_order_id, AssignmentOffer.id)
        .where(
            AssignmentOffer.outcome == "pending",
            AssignmentOffer.expires_at <= now,
        )
        .order_by(AssignmentOffer.id)
    ).all()
