"""The weekly bulletin (每周通报, R4.7): per department, what went wrong in one ISO week."""

import hashlib
import json

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert

from app.calendar.rules import TZ
from app.common import actors
from app.complaints import people, rules
from app.complaints.models import (
    CLOCK_LABELS_ZH,
    KIND_LABELS_ZH,
    Complaint,
    ComplaintBulletin,
    ComplaintClock,
    ComplaintFollowUp,
)
from app.database import utcnow
from app.dispatch.models import Team
from app.extensions import db
from app.notifications.services import notify
from app.workorders.models import WorkOrder
from app.workorders.states import LABELS_ZH as STATUS_ZH

WEEK_KEYS = ("year", "week", "start", "end")
SECTIONS = {
    "justified": "经查属实的投诉",
    "breaches": "超出时限",
    "dissatisfied": "回访不满意",
    "overdue_work_orders": "超期工单",
}


def compute(year, week, department_ids=None, now=None):
    """{year, week, start, end, departments: [...]} for these department ids (None: all)."""
    start, end = rules.week_bounds(year, week)
    now = now or utcnow()
    stmt = sa.select(Team).where(Team.kind == "department").order_by(Team.code)
    if department_ids is not None:
        stmt = stmt.where(Team.id.in_(department_ids))
    return {
        "year": year,
        "week": week,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "departments": [_section(team, start, end, now) for team in db.session.scalars(stmt)],
    }


def _section(team, start, end, now):
    items = {
        "justified": _justified(team.id, start, end),
        "breaches": _breaches(team.id, start, end),
        "dissatisfied": _dissatisfied(team.id, start, end),
        "overdue_work_orders": _overdue_orders(team.id, start, end, now),
    }
    return {
        "department_id": team.id,
        "department": team.name,
        "code": team.code,
        "counts": {name: len(rows) for name, rows in items.items()},
        **items,
    }


def _local(moment):
    return moment.astimezone(TZ).isoformat() if moment else None


def _justified(department_id, start, end):
    rows = db.session.scalars(
        sa.select(Complaint)
        .where(
            Complaint.department_id == department_id,
            Complaint.justified.is_(True),
            Complaint.received_at >= start,
            Complaint.received_at < end,
        )
        .order_by(Complaint.received_at)
    )
    return [
        {
            "number": c.number,
            "at": _local(c.received_at),
            "label": KIND_LABELS_ZH[c.kind],
            "detail": c.description[:200],
            "status": c.status,
        }
        for c in rows
    ]


def _breaches(department_id, start, end):
    rows = db.session.execute(
        sa.select(ComplaintClock, Complaint.number)
        .join(Complaint, Complaint.id == ComplaintClock.complaint_id)
        .where(
            Complaint.department_id == department_id,
            ComplaintClock.breached_at.is_not(None),
            ComplaintClock.due_at >= start,
            ComplaintClock.due_at < end,
        )
        .order_by(ComplaintClock.due_at)
    )
    return [
        {
            "number": number,
            "at": _local(clock.due_at),
            "label": CLOCK_LABELS_ZH[clock.kind],
            "detail": f"时限{_local(clock.due_at)},发现超时{_local(clock.breached_at)}",
            "clock": clock.kind,
        }
        for clock, number in rows
    ]


def _dissatisfied(department_id, start, end):
    rows = db.session.execute(
        sa.select(ComplaintFollowUp, Complaint.number)
        .join(Complaint, Complaint.id == ComplaintFollowUp.complaint_id)
        .where(
            Complaint.department_id == department_id,
            ComplaintFollowUp.satisfied.is_(False),
            ComplaintFollowUp.done_at >= start,
            ComplaintFollowUp.done_at < end,
        )
        .order_by(ComplaintFollowUp.done_at)
    )
    return [
        {
            "number": number,
            "at": _local(visit.done_at),
            "label": "回访不满意",
            "detail": (visit.feedback or "")[:200],
            "reopened": visit.reopened,
        }
        for visit, number in rows
    ]


def _overdue_orders(department_id, start, end, now):
    """Orders of the department's own team or opened from its complaints, past deadline."""
    from_complaints = sa.select(Complaint.work_order_id).where(
        Complaint.department_id == department_id, Complaint.work_order_id.is_not(None)
    )
    late = sa.or_(WorkOrder.completed_at.is_(None), WorkOrder.completed_at > WorkOrder.deadline_at)
    rows = db.session.scalars(
        sa.select(WorkOrder)
        .where(
            sa.or_(WorkOrder.team_id == department_id, WorkOrder.id.in_(from_complaints)),
            WorkOrder.deadline_at >= start,
            WorkOrder.deadline_at < end,
            WorkOrder.deadline_at < now,
            WorkOrder.status != "cancelled",
            late,
        )
        .order_by(WorkOrder.deadline_at)
    )
    return [
        {
            "number": o.number,
            "at": _local(o.deadline_at),
            "label": o.type.name_zh,
            "detail": f"{o.address};状态{STATUS_ZH[o.status]}",
            "status": o.status,
        }
        for o in rows
    ]


def store_previous_week(now=None):
    """The weekly job: keep last week's bulletin per department, once; returns how many new."""
    now = now or utcnow()
    year, week = rules.previous_week(now)
    stored = 0
    computed = compute(year, week, now=now)
    for section in computed["departments"]:
        data = {key: computed[key] for key in WEEK_KEYS} | section
        digest = hashlib.sha256(
            json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        ).hexdigest()
        new_id = db.session.execute(
            insert(ComplaintBulletin)
            .values(
                department_id=section["department_id"],
                iso_year=year,
                iso_week=week,
                produced_at=now,
                produced_by=actors.WEEKLY_BULLETIN,
                data=data,
                sha256=digest,
            )
            .on_conflict_do_nothing()
            .returning(ComplaintBulletin.id)
        ).scalar_one_or_none()
        if new_id is not None:
            stored += 1
            _announce(section, year, week, new_id)
    return stored


def _announce(section, year, week, bulletin_id):
    readers = people.general_managers() | people.department_people(section["department_id"])
    notify(
        readers,
        "complaint_weekly_bulletin",
        {
            "bulletin_id": bulletin_id,
            "year": year,
            "week": week,
            "department": section["department"],
            "counts": section["counts"],
            "message": f"{year}年第{week}周投诉通报({section['department']})已生成",
        },
        dedupe_key=f"complaint-bulletin:{section['department_id']}:{year}-W{week}",
    )
