"""Configuration an admin keeps: the duty roster for non-working days, department recipients."""

import sqlalchemy as sa

from app.auth.models import User
from app.complaints.models import ComplaintDutyShift, ComplaintRecipient
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db


def _active_users(user_ids, field):
    found = set(db.session.scalars(sa.select(User.id).where(User.id.in_(user_ids), User.active)))
    missing = sorted(set(user_ids) - found)
    if missing:
        raise Invalid(errors={field: [f"用户不存在或已停用 / no active user {missing}"]})


def add_shift(data):
    _active_users([data["user_id"]], "user_id")
    exists = db.session.scalar(
        sa.select(ComplaintDutyShift.id).where(
            ComplaintDutyShift.day == data["day"], ComplaintDutyShift.user_id == data["user_id"]
        )
    )
    if exists:
        raise Conflict("该用户当日已排班 / already on duty that day", shift_id=exists)
    shift = ComplaintDutyShift(**data)
    db.session.add(shift)
    db.session.flush()
    return shift


def shifts_between(start, end):
    if not 0 <= (end - start).days <= 400:
        raise Invalid(errors={"to": ["from..to must span 0-400 days"]})
    return db.session.scalars(
        sa.select(ComplaintDutyShift)
        .where(ComplaintDutyShift.day.between(start, end))
        .order_by(ComplaintDutyShift.day, ComplaintDutyShift.id)
    ).all()


def remove_shift(shift_id):
    shift = db.session.get(ComplaintDutyShift, shift_id)
    if shift is None:
        raise NotFound(f"排班不存在 / duty shift {shift_id} not found")
    db.session.delete(shift)


def recipients(department_id):
    return sorted(
        db.session.scalars(
            sa.select(ComplaintRecipient.user_id).where(
                ComplaintRecipient.department_id == department_id
            )
        )
    )


def set_recipients(department_id, user_ids):
    _active_users(user_ids, "user_ids")
    db.session.execute(
        sa.delete(ComplaintRecipient).where(ComplaintRecipient.department_id == department_id)
    )
    for user_id in sorted(set(user_ids)):
        db.session.add(ComplaintRecipient(department_id=department_id, user_id=user_id))
    db.session.flush()
    return recipients(department_id)
