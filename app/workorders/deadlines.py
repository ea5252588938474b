"""Time limits (R1.2) and their state (R1.3): on track, at risk, breached."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.calendar import services as calendar
from app.database import utcnow
from app.workorders.models import WorkOrder
from app.workorders.states import OPEN_STATUSES


def deadline_for(order_type, received_at):
    """(due_at, rule, calendar_unconfirmed) for a new order of `order_type`."""
    if order_type.is_emergency:
        minutes = order_type.response_minutes or current_app.config["EMERGENCY_RESPONSE_MINUTES"]
        rule = f"抢修即时响应:受理后{minutes}分钟内 / respond within {minutes} min"
        return received_at + timedelta(minutes=minutes), rule, False
    days = order_type.deadline_working_days or current_app.config["DEADLINE_WORKING_DAYS"]
    return calendar.working_days_deadline(received_at, days)


def sla_state(created_at, deadline_at, status, now=None, fraction=None):
    """on_track, at_risk (less than `fraction` of the allowed time left) or breached."""
    if status not in OPEN_STATUSES:
        return "on_track"
    now = now or utcnow()
    fraction = current_app.config["SLA_AT_RISK_FRACTION"] if fraction is None else fraction
    if now > deadline_at:
        return "breached"
    if deadline_at - now < (deadline_at - created_at) * fraction:
        return "at_risk"
    return "on_track"


def sla_state_sql(now=None):
    """The same rule as a SQL expression over work_orders, for filtering and sorting."""
    now = now or utcnow()
    fraction = current_app.config["SLA_AT_RISK_FRACTION"]
    remaining = sa.func.extract("epoch", WorkOrder.deadline_at - sa.literal(now))
    allowed = sa.func.extract("epoch", WorkOrder.deadline_at - WorkOrder.created_at)
    return sa.case(
        (WorkOrder.status.not_in(OPEN_STATUSES), "on_track"),
        (WorkOrder.deadline_at < now, "breached"),
        (remaining < allowed * fraction, "at_risk"),
        else_="on_track",
    )
