"""What a team's day holds: who works and when, and which orders can be planned into it."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.calendar.rules import at_local, local_date
from app.calendar.services import WorkingCalendar, office_hours
from app.database import utcnow
from app.dispatch.models import DutyShift, Technician
from app.extensions import db
from app.planning import shifts
from app.planning.models import DayShift, Plan, PlanStop
from app.workorders.models import WorkOrder, WorkOrderType

PLANNABLE_STATUSES = ("new", "assigned", "accepted", "scheduled")
LAST_MINUTE = 86400 - 60  # 23:59, the latest end a day's shift can show


class DayClock:
    """Seconds after local midnight of `day` <-> aware datetimes."""

    def __init__(self, day):
        self.day = day
        self.midnight = at_local(day, time(0))

    def at(self, seconds):
        return None if seconds is None else self.midnight + timedelta(seconds=int(seconds))

    def seconds(self, moment: datetime):
        return None if moment is None else int((moment - self.midnight).total_seconds())


def crew(team, day, settings):
    """[(technician, shift)] for everyone in the team who works that day."""
    technicians = db.session.scalars(
        sa.select(Technician)
        .where(Technician.team_id == team.id)
        .options(selectinload(Technician.skills))
        .order_by(Technician.id)
    ).all()
    rosters = day_rosters([t.id for t in technicians], day)
    working = WorkingCalendar().is_working(day)
    slack = settings["lunch_slack_minutes"] * 60
    duty = duty_spans([t.id for t in technicians], day)
    found = []
    for tech in technicians:
        shift = shift_for(rosters.get(tech.id), working, slack, duty.get(tech.id))
        if shift and tech.id not in rosters and _off_duty_today(tech, day):
            shift = None
        if shift and day == local_date(utcnow()):
            shift = shifts.starting_no_earlier(shift, DayClock(day).seconds(utcnow()))
        if shift and shift.start < shift.end:
            found.append((tech, shift))
    return found


def day_rosters(technician_ids, day):
    """{technician id: DayShift} of the day-roster entries for `day`."""
    return {
        row.technician_id: row
        for row in db.session.scalars(
            sa.select(DayShift).where(
                DayShift.day == day, DayShift.technician_id.in_(technician_ids)
            )
        )
    }


def shift_for(roster, working, slack_s, duty=None):
    """A day-roster entry decides; otherwise office hours on a working day; otherwise the
    on-call duty `duty` (start, end seconds) that day, as the technician is at work then."""
    if roster is not None:
        if roster.off:
            return None
        return shifts.roster_shift(roster.start_time, roster.end_time, office_hours(), slack_s)
    if working:
        return shifts.office_shift(office_hours(), slack_s)
    return shifts.duty_shift(*duty, office_hours(), slack_s) if duty else None


def duty_spans(technician_ids, day):
    """{technician id: (start, end)} in seconds of `day`: its on-call duty (DutyShift), from
    the first entry's start to the last one's end, cut to the day (00:00 to 23:59, a clock
    time the day roster can show)."""
    clock = DayClock(day)
    rows = db.session.execute(
        sa.select(DutyShift.technician_id, DutyShift.starts_at, DutyShift.ends_at).where(
            DutyShift.technician_id.in_(technician_ids),
            DutyShift.starts_at < clock.at(86400),
            DutyShift.ends_at > clock.midnight,
        )
    )
    spans = {}
    for technician_id, starts_at, ends_at in rows:
        begin, end = max(clock.seconds(starts_at), 0), min(clock.seconds(ends_at), LAST_MINUTE)
        known = spans.get(technician_id, (begin, end))
        spans[technician_id] = (min(begin, known[0]), max(end, known[1]))
    return spans


def _off_duty_today(tech, day):
    return tech.status == "off_duty" and day == local_date(utcnow())


def orders(team, day):
    """The team's open non-emergency orders that belong to this day's work."""
    clock = DayClock(day)
    next_midnight = clock.at(86400)
    stmt = (
        sa.select(WorkOrder)
        .join(WorkOrderType)
        .where(
            WorkOrder.team_id == team.id,
            WorkOrder.status.in_(PLANNABLE_STATUSES),
            WorkOrderType.is_emergency.is_(False),
        )
        .where(
            sa.or_(
                WorkOrder.appointment_start.is_(None),
                sa.and_(
                    WorkOrder.appointment_start < next_midnight,
                    sa.func.coalesce(WorkOrder.appointment_end, WorkOrder.appointment_start)
                    >= clock.midnight,
                ),
            )
        )
        .where(WorkOrder.id.not_in(_planned_on_other_days(day)))
        .options(selectinload(WorkOrder.type))
        .order_by(WorkOrder.priority.desc(), WorkOrder.deadline_at, WorkOrder.id)
    )
    return db.session.scalars(stmt).all()


def _planned_on_other_days(day):
    """Orders an accepted plan already puts on another day still to come."""
    today = local_date(utcnow())
    return (
        sa.select(PlanStop.work_order_id)
        .join(Plan, Plan.id == PlanStop.plan_id)
        .where(
            Plan.status == "accepted",
            Plan.day != day,
            Plan.day >= today,
            PlanStop.route_id.is_not(None),
        )
    )
