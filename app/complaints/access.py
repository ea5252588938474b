"""Who sees which complaint: a department lead sees their department's; other staff see all.

A person acting as a lead (a lead-only step, or a lead who holds no wider office role) is
narrowed to their departments; one who also takes hotline calls lists every complaint as an
agent does, but signs for, extends or answers only their departments' (app.auth.permissions).
"""

import sqlalchemy as sa
from flask import g

from app.auth.models import User
from app.auth.permissions import act_as, acting_role
from app.auth.roles import Role
from app.complaints.models import Complaint, ComplaintReply
from app.dispatch.models import Team
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db


def department_ids_of(user):
    """The departments a lead answers for: the ones they lead, and their own department."""
    stmt = sa.select(Team.id).where(
        Team.kind == "department",
        sa.or_(Team.lead_user_id == user.id, Team.id == user.team_id),
    )
    return set(db.session.scalars(stmt))


def visible_to(user, stmt):
    """`stmt` narrowed to the complaints `user` may see (as app/workorders/services.py's)."""
    if acting_role(user) == Role.DEPARTMENT_LEAD:
        return stmt.where(Complaint.department_id.in_(department_ids_of(user) or {-1}))
    return stmt


def visible_departments(user, department_id=None):
    """The department ids a bulletin or report may cover for `user`; None means all of them.

    The complaint rule applied to reports: a lead sees their departments only, and asking for
    another department is a 404, as asking for its complaint is.
    """
    if acting_role(user) != Role.DEPARTMENT_LEAD:
        return None if department_id is None else {department_id}
    own = department_ids_of(user)
    if department_id is None:
        return own
    if department_id not in own:
        raise NotFound(f"部门不存在 / no department {department_id} for you")
    return {department_id}


def get_for(user, complaint_id, lock=False, options=()):
    """The complaint if this user may see it; another department's complaint is 404."""
    stmt = visible_to(user, sa.select(Complaint).where(Complaint.id == complaint_id))
    stmt = stmt.options(*options)
    if lock:
        stmt = stmt.with_for_update(of=Complaint)
    complaint = db.session.scalar(stmt)
    if complaint is None:
        raise NotFound(f"投诉不存在 / complaint {complaint_id} not found")
    return complaint


def require_caller(user, complaint):
    """Who phones the customer about this complaint (R4.4): the agent who took it (首接责任制),
    or a lead of its department; the contact and its event name the role they called in."""
    if user.holds(Role.HOTLINE_AGENT) and complaint.received_by_id == user.id:
        return act_as(Role.HOTLINE_AGENT)
    if user.holds(Role.DEPARTMENT_LEAD) and complaint.department_id in department_ids_of(user):
        return act_as(Role.DEPARTMENT_LEAD)
    raise Forbidden(
        "只有受理此投诉的坐席或责任部门可以记录联系 / only the agent who took this complaint "
        "or its department may log contacts with the customer",
        code="not_complaint_owner",
    )


def detail_for(user, complaint_id):
    """The complaint as its page shows it: the replies' approvals in one query, not one per
    reply, and the names of the people in its timeline in one, not one per event
    (tests/complaints/test_detail_statements.py pins the page's statements)."""
    replies = sa.orm.selectinload(Complaint.replies)
    complaint = get_for(
        user, complaint_id, options=(replies.selectinload(ComplaintReply.approvals),)
    )
    actors = {event.actor_id for event in complaint.events}
    actors = (actors | {contact.by_id for contact in complaint.contacts}) - {None}
    g.actor_names = dict(
        db.session.execute(sa.select(User.id, User.display_name).where(User.id.in_(actors)))
        .tuples()
        .all()
    )
    return complaint


def department(department_id, field="department_id"):
    """A Team of kind department, or a 422 naming `field`."""
    team = db.session.get(Team, department_id) if department_id else None
    if team is None or team.kind != "department":
        raise Invalid(errors={field: [f"部门不存在 / no department {department_id}"]})
    return team
