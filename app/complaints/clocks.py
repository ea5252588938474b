"""Deadlines held in the database, and the alerts at 75% and at breach.

A clock's state lives in its row: a job scheduled for the moment and the periodic sweep both
read it when they fire, so a lost or duplicated job changes nothing (alerts are deduplicated).
"""

import math

import sqlalchemy as sa

from app.common import actors
from app.complaints import events, people, rules
from app.complaints.models import CLOCK_LABELS_ZH, Complaint, ComplaintClock
from app.database import utcnow
from app.extensions import db
from app.jobs import enqueue_after_commit
from app.notifications.services import notify

CHECK_JOB = "app.complaints.jobs.check_clocks"
STAGE_ZH = {"warning": "即将超时(已用75%时限)", "breached": "已超时"}


def start(complaint, kind, started_at, due_at):
    clock = ComplaintClock(
        complaint_id=complaint.id,
        kind=kind,
        started_at=started_at,
        warn_at=rules.warn_at(started_at, due_at),
        due_at=due_at,
    )
    db.session.add(clock)
    db.session.flush()
    for moment in (clock.warn_at, clock.due_at):
        # Counted on the real clock (a verb may be told an earlier `now`), one second late
        # so that the job finds the moment passed when it runs.
        delay = max(0, math.ceil((moment - utcnow()).total_seconds()) + 1)
        enqueue_after_commit(CHECK_JOB, complaint.id, delay_seconds=delay)
    return clock


def running(complaint, kind):
    return db.session.scalar(
        sa.select(ComplaintClock).where(
            ComplaintClock.complaint_id == complaint.id,
            ComplaintClock.kind == kind,
            ComplaintClock.stopped_at.is_(None),
        )
    )


def stop(complaint, kind, reason, now, actor):
    """Stop the running clock of `kind`; a late stop still counts as a breach."""
    clock = running(complaint, kind)
    if clock is None:
        return None
    if now > clock.due_at and clock.breached_at is None:
        clock.breached_at = now
        events.record(
            complaint,
            "clock_breached",
            actor,
            at=now,
            clock=kind,
            due_at=clock.due_at.isoformat(),
            late_stop=True,
        )
    clock.stopped_at, clock.stop_reason = now, reason
    db.session.flush()  # free the one-running-clock slot before a new clock of this kind
    return clock


def check(complaint_id, now):
    """Send whatever alert each running clock of the complaint is owed at `now`."""
    complaint = db.session.scalar(
        sa.select(Complaint).where(Complaint.id == complaint_id).with_for_update()
    )
    if complaint is None:
        return 0
    sent = 0
    for clock in _running_clocks(complaint_id):
        stage = rules.clock_stage(now, clock.warn_at, clock.due_at)
        if stage == "breached" and clock.breached_at is None:
            clock.breached_at = now
            clock.warned_at = clock.warned_at or now  # a breach supersedes a missed warning
            sent += _alert(complaint, clock, "breached", now)
        elif stage == "warning" and clock.warned_at is None:
            clock.warned_at = now
            sent += _alert(complaint, clock, "warning", now)
    return sent


def sweep(now):
    """Check every complaint with a clock owed an alert; returns how many were checked."""
    owed = sa.or_(
        sa.and_(ComplaintClock.warned_at.is_(None), ComplaintClock.warn_at <= now),
        sa.and_(ComplaintClock.breached_at.is_(None), ComplaintClock.due_at < now),
    )
    ids = db.session.scalars(
        sa.select(ComplaintClock.complaint_id)
        .distinct()
        .where(ComplaintClock.stopped_at.is_(None), owed)
        .order_by(ComplaintClock.complaint_id)
    ).all()
    for complaint_id in ids:
        check(complaint_id, now)
    return len(ids)


def _running_clocks(complaint_id):
    return db.session.scalars(
        sa.select(ComplaintClock)
        .where(ComplaintClock.complaint_id == complaint_id, ComplaintClock.stopped_at.is_(None))
        .order_by(ComplaintClock.id)
    ).all()


def _alert(complaint, clock, stage, now):
    recipients = _recipients(complaint, clock.kind, stage)
    label = CLOCK_LABELS_ZH[clock.kind]
    payload = {
        "complaint_id": complaint.id,
        "number": complaint.number,
        "clock": clock.kind,
        "stage": stage,
        "due_at": clock.due_at.isoformat(),
        "message": f"投诉{complaint.number}{label}{STAGE_ZH[stage]}",
    }
    notify(recipients, "complaint_clock", payload, dedupe_key=f"complaint-clock:{clock.id}:{stage}")
    events.record(
        complaint,
        f"clock_{stage}",
        actors.COMPLAINT_CLOCK,
        at=now,
        clock=clock.kind,
        due_at=clock.due_at.isoformat(),
        recipients=sorted(recipients),
    )
    return 1


def _recipients(complaint, kind, stage):
    if kind == "handoff":
        agent = {complaint.received_by_id}
        if stage == "breached":
            return agent | people.supervisor_of(complaint.received_by_id)
        return agent
    department = people.department_people(complaint.department_id)
    if kind == "follow_up" or stage == "breached":
        return department | {complaint.received_by_id}
    return department or {complaint.received_by_id}
