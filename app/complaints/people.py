"""Who is told: department leads and recipients, supervisors, duty staff, general managers."""

import sqlalchemy as sa

from app.auth.models import User
from app.auth.roles import Role
from app.complaints.models import ComplaintDutyShift, ComplaintRecipient
from app.dispatch.models import Team
from app.extensions import db


def department_people(department_id):
    """The department's lead and its configured recipients (user ids)."""
    if department_id is None:
        return set()
    lead = db.session.scalar(sa.select(Team.lead_user_id).where(Team.id == department_id))
    recipients = db.session.scalars(
        sa.select(ComplaintRecipient.user_id)
        .join(User, User.id == ComplaintRecipient.user_id)
        .where(ComplaintRecipient.department_id == department_id, User.active)
    )
    return ({lead} if lead else set()) | set(recipients)


def supervisor_of(user_id):
    """The lead of the agent's own team (部门主管); general managers when there is none."""
    lead = db.session.scalar(
        sa.select(Team.lead_user_id).join(User, User.team_id == Team.id).where(User.id == user_id)
    )
    return {lead} if lead and lead != user_id else general_managers()


def general_managers():
    return set(
        db.session.scalars(
            sa.select(User.id).where(User.holding(Role.GENERAL_MANAGER), User.active)
        )
    )


def duty_staff(day):
    """Users rostered on duty (值班) for `day`."""
    return set(
        db.session.scalars(
            sa.select(ComplaintDutyShift.user_id)
            .join(User, User.id == ComplaintDutyShift.user_id)
            .where(ComplaintDutyShift.day == day, User.active)
        )
    )
