"""The clocks under a real RQ worker: scheduled checks, the sweep, lost and duplicated jobs."""

import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from rq.job import Job

from app.complaints import services
from app.complaints.models import ComplaintClock
from app.database import utcnow
from app.extensions import db
from app.jobs import queue, redis_conn, run
from app.outbox import OutboxMessage
from tests.complaints.kit import complaint_body, event_kinds, notifications, rewind

CHECK = "app.complaints.jobs.check_clocks"
SWEEP = "app.complaints.jobs.sweep_clocks"


def scheduled_jobs():
    registry = queue("default").scheduled_job_registry
    return [
        (Job.fetch(job_id, connection=redis_conn()), registry) for job_id in registry.get_job_ids()
    ]


def make_scheduled_jobs_due():
    """As if the scheduled moments had come: the jobs stay in Redis, only their time moves."""
    for job, registry in scheduled_jobs():
        registry.schedule(job, utcnow() - timedelta(seconds=1))


def sweep(run_jobs):
    queue("default").enqueue(run, SWEEP)
    run_jobs()


def clock_alerts(stage=None):
    found = notifications("complaint_clock")
    return [n for n in found if stage is None or n.payload["stage"] == stage]


def test_scheduled_checks_fire_at_75_percent_and_survive_a_worker_restart(
    office, handed_off, run_jobs
):
    complaint = handed_off()
    handed = datetime.fromisoformat(complaint["handed_off_at"])
    jobs = scheduled_jobs()
    assert {job.args for job, _ in jobs} == {(CHECK, complaint["id"])}
    moments = sorted(registry.get_scheduled_time(job) for job, registry in jobs)
    for expected in (handed + timedelta(hours=18), handed + timedelta(hours=24)):
        assert any(abs(m - expected) <= timedelta(seconds=3) for m in moments), expected
    run_jobs(with_scheduler=True)  # a worker comes and goes: nothing is due yet
    assert clock_alerts() == [] and len(scheduled_jobs()) == len(jobs)

    rewind(complaint["id"], 18.05)  # 18 hours have passed: 75% of 24
    make_scheduled_jobs_due()
    run_jobs(with_scheduler=True)  # a new worker finds the jobs the old one left
    warnings = clock_alerts("warning")
    assert {(n.payload["clock"], n.recipient_id) for n in warnings} == {
        ("resolution", office.lead.id),
        ("progress_call", office.lead.id),
    }
    assert clock_alerts("breached") == []
    assert event_kinds(complaint["id"]).count("clock_warning") == 2

    for _ in range(3):  # duplicated jobs change nothing
        queue("default").enqueue(run, CHECK, complaint["id"])
    run_jobs()
    assert len(clock_alerts()) == 2 and event_kinds(complaint["id"]).count("clock_warning") == 2


def test_lost_jobs_are_caught_by_the_sweep_at_the_24_hour_mark(office, handed_off, run_jobs):
    complaint = handed_off()
    redis_conn().flushdb()  # every scheduled job is lost; the database still knows
    rewind(complaint["id"], 23 + 59 / 60)
    sweep(run_jobs)
    assert {n.payload["clock"] for n in clock_alerts("warning")} == {"resolution", "progress_call"}
    assert clock_alerts("breached") == []

    rewind(complaint["id"], 2 / 60)  # 24 hours and one minute
    sweep(run_jobs)
    breaches = clock_alerts("breached")
    assert {(n.payload["clock"], n.recipient_id) for n in breaches} == {
        (clock, user)
        for clock in ("resolution", "progress_call")
        for user in (office.lead.id, office.agent.id)
    }
    assert "已超时" in breaches[0].payload["message"]
    sweep(run_jobs)  # a second sweep owes nothing more
    assert len(clock_alerts("breached")) == 4
    assert event_kinds(complaint["id"]).count("clock_breached") == 2
    clocks = db.session.scalars(
        sa.select(ComplaintClock).where(ComplaintClock.kind == "resolution")
    ).all()
    assert [c.breached_at is not None for c in clocks] == [True]


def test_the_48_hour_mark_for_an_extended_complaint(client, office, handed_off, run_jobs):
    complaint = handed_off()
    client.post(
        f"/api/complaints/{complaint['id']}/contacts",
        headers=office.h(office.lead),
        json={"kind": "progress_call", "summary": "告知用户需送检,48小时内答复"},
    )
    client.post(
        f"/api/complaints/{complaint['id']}/extension",
        headers=office.h(office.lead),
        json={"reason": "需送第三方检测机构"},
    )
    rewind(complaint["id"], 24 + 1 / 60)
    sweep(run_jobs)
    assert clock_alerts() == []  # 24 h passed, but the limit is 48 h and the call was made
    rewind(complaint["id"], 23 + 58 / 60)  # 47:59
    sweep(run_jobs)
    assert [n.payload["stage"] for n in clock_alerts()] == ["warning"]
    rewind(complaint["id"], 2 / 60)  # 48:01
    sweep(run_jobs)
    assert [n.payload["clock"] for n in clock_alerts("breached")] == ["resolution", "resolution"]


def test_hand_off_deadline_breach_alerts_the_agent_and_supervisor(
    client, office, file_complaint, run_jobs
):
    complaint = file_complaint()
    due = datetime.fromisoformat(complaint["handoff_due_at"])
    hours = (due - utcnow()).total_seconds() / 3600
    rewind(complaint["id"], hours + 0.02)
    sweep(run_jobs)
    breaches = clock_alerts("breached")
    assert {n.recipient_id for n in breaches} == {office.agent.id, office.supervisor.id}
    assert breaches[0].payload["clock"] == "handoff"
    # Handed off late: the clock stops, its breach stays on file for the weekly bulletin.
    resp = client.post(
        f"/api/complaints/{complaint['id']}/handoff", headers=office.h(office.agent), json={}
    )
    [handoff] = [c for c in resp.json["clocks"] if c["kind"] == "handoff"]
    assert handoff["stage"] == "breached" and handoff["breached_at"]


def test_a_late_action_counts_as_a_breach_even_without_any_job(client, office, file_complaint):
    complaint = file_complaint()
    due = datetime.fromisoformat(complaint["handoff_due_at"])
    rewind(complaint["id"], (due - utcnow()).total_seconds() / 3600 + 1)
    resp = client.post(
        f"/api/complaints/{complaint['id']}/handoff", headers=office.h(office.agent), json={}
    )
    [handoff] = [c for c in resp.json["clocks"] if c["kind"] == "handoff"]
    assert handoff["breached_at"] and handoff["stage"] == "breached"
    [late] = [e for e in resp.json["timeline"] if e["kind"] == "clock_breached"]
    assert late["payload"]["late_stop"] is True


def test_the_clock_sweep_is_registered_as_a_periodic_job():
    import worker

    periodic = {path: (queue_name, seconds) for path, queue_name, seconds in worker.periodic_jobs()}
    assert periodic[SWEEP] == ("default", 60)
    assert periodic["app.complaints.jobs.produce_weekly_bulletins"][0] == "low"


def test_a_back_dated_complaint_is_checked_at_once_by_the_scheduler(office, run_jobs):
    complaint = services.intake(
        complaint_body(office), office.agent, now=utcnow() - timedelta(hours=30)
    )
    services.hand_off(complaint, {}, office.agent, now=utcnow() - timedelta(hours=25))
    db.session.commit()
    delays = db.session.scalars(sa.select(OutboxMessage.delay_seconds)).all()
    assert len(delays) == 6 and max(delays) <= 1  # every moment has already passed
    time.sleep(1.2)
    run_jobs(with_scheduler=True)
    assert {n.payload["clock"] for n in clock_alerts("breached")} == {"resolution", "progress_call"}
