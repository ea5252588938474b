"""Configuration verbs: the duty roster, type -> skill, auto-assignment, failed jobs."""

import sqlalchemy as sa
from rq.registry import FailedJobRegistry

from app.database import utcnow
from app.dispatch.models import DutyShift, Skill, Team, TeamAutoAssign, Technician
from app.errors import DomainError, Invalid, NotFound
from app.extensions import db
from app.jobs import QUEUES, queue
from app.workorders.models import WorkOrderType

TYPE_FIELDS = (
    "name_zh",
    "name_en",
    "is_emergency",
    "deadline_working_days",
    "response_minutes",
    "auto_assign",
    "active",
)


class ServiceUnavailable(DomainError):
    status = 503

    def __init__(self, message):
        super().__init__(message, code="service_unavailable")


def shifts(args):
    stmt = sa.select(DutyShift).order_by(DutyShift.starts_at, DutyShift.id)
    if args.get("technician_id"):
        stmt = stmt.where(DutyShift.technician_id == args["technician_id"])
    if args.get("at"):
        stmt = stmt.where(DutyShift.starts_at <= args["at"], DutyShift.ends_at > args["at"])
    if args.get("ends_after"):
        stmt = stmt.where(DutyShift.ends_at > args["ends_after"])
    if args.get("starts_before"):
        stmt = stmt.where(DutyShift.starts_at < args["starts_before"])
    return db.session.scalars(stmt.limit(1000)).all()


def add_shift(data, user):
    if db.session.get(Technician, data["technician_id"]) is None:
        raise Invalid(errors={"technician_id": ["维修工不存在 / no such technician"]})
    shift = DutyShift(**data, created_by_id=user.id)
    db.session.add(shift)
    db.session.flush()
    return shift


def remove_shift(shift_id):
    shift = db.session.get(DutyShift, shift_id)
    if shift is None:
        raise NotFound(f"排班不存在 / duty shift {shift_id} not found")
    db.session.delete(shift)
    db.session.flush()


def save_type(code, data):
    """Create or change a work-order type; its skill is configuration, not code (R1.2, R2.1)."""
    order_type = db.session.get(WorkOrderType, code)
    if (
        "skill" in data
        and data["skill"] is not None
        and db.session.scalar(sa.select(Skill.id).where(Skill.code == data["skill"])) is None
    ):
        raise Invalid(errors={"skill": [f"技能不存在 / no skill {data['skill']}"]})
    if order_type is None:
        missing = [f for f in ("name_zh", "name_en") if not data.get(f)]
        if missing:
            raise Invalid(errors={f: ["新类型必填 / required for a new type"] for f in missing})
        order_type = WorkOrderType(code=code)
        db.session.add(order_type)
    if "skill" in data:
        order_type.skill_code = data["skill"]
    for field in TYPE_FIELDS:
        if field in data:
            setattr(order_type, field, data[field])
    db.session.flush()
    return order_type


def auto_assign_settings(team_id):
    """Every active type with the type's default, the team's override and the result."""
    if db.session.get(Team, team_id) is None:
        raise NotFound(f"班组不存在 / team {team_id} not found")
    overrides = dict(
        db.session.execute(
            sa.select(TeamAutoAssign.type_code, TeamAutoAssign.enabled).where(
                TeamAutoAssign.team_id == team_id
            )
        ).all()
    )
    types = db.session.scalars(sa.select(WorkOrderType).order_by(WorkOrderType.code)).all()
    return [
        {
            "type": t.code,
            "type_name": t.name_zh,
            "type_default": t.auto_assign,
            "team_override": overrides.get(t.code),
            "effective": t.is_emergency or overrides.get(t.code, t.auto_assign),
            "is_emergency": t.is_emergency,
        }
        for t in types
    ]


def set_auto_assign(team_id, code, enabled, user):
    """enabled True/False overrides the type's default for this team; None removes it."""
    if db.session.get(Team, team_id) is None:
        raise NotFound(f"班组不存在 / team {team_id} not found")
    if db.session.get(WorkOrderType, code) is None:
        raise NotFound(f"工单类型不存在 / work-order type {code} not found")
    row = db.session.get(TeamAutoAssign, (team_id, code))
    if enabled is None:
        if row is not None:
            db.session.delete(row)
    elif row is None:
        db.session.add(
            TeamAutoAssign(
                team_id=team_id,
                type_code=code,
                enabled=enabled,
                updated_by_id=user.id,
                updated_at=utcnow(),
            )
        )
    else:
        row.enabled, row.updated_by_id = enabled, user.id
    db.session.flush()
    return auto_assign_settings(team_id)


def failed_jobs(limit=50):
    """RQ's failed-job registry per queue, newest first."""
    try:
        return [_failed_in(name, limit) for name in QUEUES]
    except Exception as exc:
        raise ServiceUnavailable(f"Redis 不可用 / Redis unreachable: {exc}") from exc


def _failed_in(name, limit):
    registry = FailedJobRegistry(queue=queue(name))
    ids = registry.get_job_ids()[-limit:][::-1]
    jobs = [
        job
        for job in registry.job_class.fetch_many(ids, connection=registry.connection)
        if job is not None
    ]
    return {"queue": name, "count": registry.count, "jobs": [_job(job) for job in jobs]}


def _job(job):
    exc = (job.latest_result().exc_string if job.latest_result() else job.exc_info) or ""
    return {
        "id": job.id,
        "job": job.args[0] if job.args else job.func_name,
        "args": list(job.args[1:]),
        "enqueued_at": job.enqueued_at,
        "ended_at": job.ended_at,
        "error": exc.strip().splitlines()[-1] if exc else None,
        "retries_left": job.retries_left,
    }
