"""Dispatch verbs: assign, reassign, accept, decline. They flush; the caller commits."""

import sqlalchemy as sa
from flask import current_app

from app.database import utcnow
from app.dispatch import offers, rules
from app.dispatch.announce import dispatcher_ids, order_summary
from app.dispatch.models import AssignmentOffer, Technician
from app.dispatch.preemption import preempt_for
from app.dispatch.suggestions import suggest
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.notifications.services import notify
from app.workorders.models import Priority, WorkOrder
from app.workorders.services import transition
from app.workorders.signals import order_cancelled
from app.workorders.states import ACTIVE_STATUSES

__all__ = ["assign", "reassign", "accept", "decline", "suggest", "dispatcher_ids"]


def assign(order, technician, by, reason=None, override_reason=None, suggestion=None):
    """Give a new order to `technician`; a person overriding the top suggestion says why."""
    _check_technician(order, technician)
    payload = _decision(order, technician, by, override_reason, suggestion)
    transition(order, "assign", by, reason=reason or override_reason, payload=payload)
    return _hand_over(order, technician)


def reassign(order, technician, by, reason):
    """Move an assigned order to another technician; the previous one is told."""
    if technician.id == order.technician_id:
        raise Invalid(errors={"technician_id": ["已是当前承办人 / already the assignee"]})
    _check_technician(order, technician)
    previous = order.technician
    payload = {
        "technician_id": technician.id,
        "technician_name": technician.name,
        "previous_technician_id": previous.id if previous else None,
    }
    transition(order, "reassign", by, reason=reason, payload=payload)
    if previous:
        withdrawn = offers.close_pending(order, "withdrawn")
        notify(
            [previous.user_id],
            "assignment_withdrawn",
            {**order_summary(order), "reason": reason},
            dedupe_key=f"withdrawn:{order.id}:{withdrawn or utcnow()}",
        )
    return _hand_over(order, technician)


@order_cancelled.connect
def cancelled(order, reason):
    """An assigned order was cancelled: its offers end and its technician is told."""
    if order.technician is None:
        return
    offers.close_pending(order, "withdrawn")
    notify(
        [order.technician.user_id],
        "order_cancelled",
        {**order_summary(order), "reason": reason},
        dedupe_key=f"cancelled:{order.id}",
    )


def accept(order, user, device_time=None):
    """The assigned technician takes the order; an emergency's acceptance timer stops."""
    _own(order, user)
    event = transition(order, "accept", user, device_time=device_time)
    offers.close_pending(order, "accepted")
    return event


def decline(order, user, reason, device_time=None):
    """The assigned technician turns the order down: it returns to the queue, routed again."""
    technician = _own(order, user)
    event = transition(
        order,
        "decline",
        user,
        reason=reason,
        device_time=device_time,
        payload={"technician_id": technician.id},
    )
    declined = offers.close_pending(order, "declined")
    notify(
        dispatcher_ids(),
        "assignment_declined",
        {**order_summary(order), "technician": technician.name, "reason": reason},
        dedupe_key=f"declined:{order.id}:{declined[0] if declined else utcnow().isoformat()}",
    )
    enqueue_after_commit(
        "app.dispatch.jobs.route_order",
        order.id,
        queue_name="emergency" if order.type.is_emergency else "default",
    )
    return event


def technician_of(user, lock=False):
    """The technician record of this user (None when the user is not a technician)."""
    stmt = sa.select(Technician).where(Technician.user_id == user.id)
    return db.session.scalar(stmt.with_for_update() if lock else stmt)


def _own(order, user):
    technician = technician_of(user)
    if technician is None or order.technician_id != technician.id:
        raise NotFound(f"工单不存在 / work order {order.id} not found")
    return technician


def _check_technician(order, technician):
    """Lock the technician (one emergency at a time) and refuse an unfit choice, before writing."""
    db.session.execute(
        sa.select(Technician.id).where(Technician.id == technician.id).with_for_update()
    )
    skill = order.type.skill_code
    if technician.status == "off_duty":
        raise Invalid(errors={"technician_id": ["该维修工不在岗 / technician is off duty"]})
    if skill and skill not in {s.code for s in technician.skills}:
        raise Invalid(errors={"technician_id": [f"缺少技能 {skill} / lacks skill {skill}"]})
    if order.type.is_emergency and _has_emergency(technician.id):
        raise Conflict(
            "该维修工已有抢修工单 / technician is already on an emergency",
            code="technician_on_emergency",
        )


def _has_emergency(technician_id):
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                WorkOrder.technician_id == technician_id,
                WorkOrder.priority == Priority.EMERGENCY,
                WorkOrder.status.in_(ACTIVE_STATUSES),
            )
        )
    )


def _decision(order, technician, by, override_reason, suggestion):
    """What the decider saw: the top suggestion, this technician's rank and reasons."""
    if suggestion is None:
        suggestion = suggest(order, explain=False)
    ranked = suggestion["candidates"]
    top = ranked[0]["technician_id"] if ranked else None
    mine = next((c for c in ranked if c["technician_id"] == technician.id), None)
    if not isinstance(by, str) and top is not None and technician.id != top and not override_reason:
        raise Invalid(
            "改派建议首选以外的人员须说明理由 / overriding the top suggestion needs a reason",
            errors={"override_reason": ["必填 / required"]},
        )
    return {
        "technician_id": technician.id,
        "technician_name": technician.name,
        "suggested_technician_id": top,
        "rank": mine["rank"] if mine else None,
        "scope": suggestion["scope"],
        "override_reason": override_reason,
        "reasons": _reasons(mine),
    }


def _reasons(candidate):
    if candidate is None:
        return None
    keys = ("distance_m", "load", "on_call", "fresh_position", "outside_team", "would_preempt")
    return {key: candidate[key] for key in keys}


def _hand_over(order, technician):
    """Point the order at the technician, open an offer (timed for emergencies), tell them."""
    now = utcnow()
    order.technician_id = technician.id
    order.technician = technician
    minutes = current_app.config["ACCEPT_TIMEOUT_MINUTES"]
    emergency = order.type.is_emergency
    offer = AssignmentOffer(
        work_order_id=order.id,
        technician_id=technician.id,
        offered_at=now,
        expires_at=rules.acceptance_deadline(now, minutes) if emergency else None,
    )
    db.session.add(offer)
    db.session.flush()
    kind = "emergency_assignment" if emergency else "assignment"
    notify(
        [technician.user_id],
        kind,
        {
            **order_summary(order),
            "offer_id": offer.id,
            "accept_by": offer.expires_at.isoformat() if offer.expires_at else None,
        },
        dedupe_key=f"offer:{offer.id}",
    )
    if emergency:
        enqueue_after_commit(
            "app.dispatch.jobs.check_acceptance",
            order.id,
            offer.id,
            queue_name="emergency",
            delay_seconds=minutes * 60,
        )
        preempt_for(order, technician)
    return offer
