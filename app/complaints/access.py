"""Who sees which complaint: a department lead sees their department's; other staff see all."""

import sqlalchemy as sa

from app.complaints.models import Complaint
from app.dispatch.models import Team
from app.errors import Invalid, NotFound
from app.extensions import db

READERS = ("hotline_agent", "dispatcher", "department_lead", "general_manager", "admin")


def department_ids_of(user):
    """The departments a lead answers for: the ones they lead, and their own department."""
    stmt = sa.select(Team.id).where(
        Team.kind == "department",
        sa.or_(Team.lead_user_id == user.id, Team.id == user.team_id),
    )
    return set(db.session.scalars(stmt))


def visible(stmt, user):
    if user.role == "department_lead":
        return stmt.where(Complaint.department_id.in_(department_ids_of(user) or {-1}))
    return stmt


def get_for(user, complaint_id, lock=False):
    """The complaint if this user may see it; another department's complaint is 404."""
    stmt = visible(sa.select(Complaint).where(Complaint.id == complaint_id), user)
    if lock:
        stmt = stmt.with_for_update(of=Complaint)
    complaint = db.session.scalar(stmt)
    if complaint is None:
        raise NotFound(f"投诉不存在 / complaint {complaint_id} not found")
    return complaint


def department(department_id, field="department_id"):
    """A Team of kind department, or a 422 naming `field`."""
    team = db.session.get(Team, department_id) if department_id else None
    if team is None or team.kind != "department":
        raise Invalid(errors={field: [f"部门不存在 / no department {department_id}"]})
    return team
