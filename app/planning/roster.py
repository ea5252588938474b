"""The day roster: who works which hours on a given day (office hours unless it says otherwise).

Three rosters, one per question: `DayShift` (here) says when a technician works a given day;
dispatch's `DutyShift` says who is on call (值班/延时服务, R6) for emergencies, and on a day
with neither office hours nor a DayShift its hours count as that day's shift for planning;
complaints' `ComplaintDutyShift` names the office staff (users, not technicians) who take
complaint calls on non-working days, and plans no field work.
"""

from datetime import time

import sqlalchemy as sa

from app.calendar.services import WorkingCalendar
from app.dispatch.models import Team, Technician
from app.errors import Invalid, NotFound
from app.extensions import db
from app.planning import settings as planning_settings
from app.planning.loading import day_rosters, duty_spans, shift_for
from app.planning.models import DayShift


def effective_shifts(team_id, day):
    """Each technician of the team with that day's hours and where they come from."""
    if db.session.get(Team, team_id) is None:
        raise Invalid(errors={"team_id": [f"班组不存在 / no team {team_id}"]})
    technicians = db.session.scalars(
        sa.select(Technician).where(Technician.team_id == team_id).order_by(Technician.id)
    ).all()
    rosters = day_rosters([t.id for t in technicians], day)
    working = WorkingCalendar().is_working(day)
    slack = planning_settings.current()["lunch_slack_minutes"] * 60
    duty = duty_spans([t.id for t in technicians], day)
    return [
        _entry(tech, day, rosters.get(tech.id), working, slack, duty.get(tech.id))
        for tech in technicians
    ]


def _entry(tech, day, roster, working, slack, duty):
    shift = shift_for(roster, working, slack, duty)
    source = shift.source if shift else ("roster" if roster else "not_working_day")
    return {
        "technician": tech,
        "day": day,
        "working": shift is not None,
        "source": source,
        "start": _clock(shift.start) if shift else None,
        "end": _clock(shift.end) if shift else None,
        "lunch_minutes": shift.lunch.duration // 60 if shift and shift.lunch else None,
        "note": roster.note if roster else None,
    }


def _clock(seconds):
    return time(seconds // 3600, seconds % 3600 // 60)


def put_shift(technician_id, day, data, user):
    """Set (or replace) the roster entry for one technician and day."""
    technician = _technician(technician_id)
    row = db.session.scalar(
        sa.select(DayShift)
        .where(DayShift.technician_id == technician_id, DayShift.day == day)
        .with_for_update()
    )
    if row is None:
        row = DayShift(technician_id=technician_id, day=day)
        db.session.add(row)
    row.off = data["off"]
    row.start_time = None if data["off"] else data["start"]
    row.end_time = None if data["off"] else data["end"]
    row.note, row.updated_by_id = data.get("note"), user.id
    db.session.flush()
    return technician


def clear_shift(technician_id, day):
    """Back to office hours (or no work on a non-working day)."""
    technician = _technician(technician_id)
    db.session.execute(
        sa.delete(DayShift).where(DayShift.technician_id == technician_id, DayShift.day == day)
    )
    return technician


def _technician(technician_id):
    technician = db.session.get(Technician, technician_id)
    if technician is None:
        raise NotFound(f"维修工不存在 / technician {technician_id} not found")
    return technician
