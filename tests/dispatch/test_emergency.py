"""The emergency path (R1.2, R2.4) with a real RQ worker on the real Redis."""

from datetime import timedelta

import sqlalchemy as sa
from rq.registry import ScheduledJobRegistry

from app.database import utcnow
from app.dispatch.models import AssignmentOffer
from app.extensions import db
from app.jobs import queue, run
from app.workorders.models import WorkOrder
from tests.dispatch.kit import FAR, MID, NEAR, events_of, notes_for


def emergency(make, **kw):
    return make.work_order(type="emergency_repair", description="主管爆裂", **kw).id


def offers(order_id):
    return db.session.scalars(
        sa.select(AssignmentOffer)
        .where(AssignmentOffer.work_order_id == order_id)
        .order_by(AssignmentOffer.id)
    ).all()


def time_passes(order_id):
    """The acceptance window is over: move the pending offer's deadline into the past."""
    db.session.execute(
        sa.update(AssignmentOffer)
        .where(
            AssignmentOffer.work_order_id == order_id,
            AssignmentOffer.outcome == "pending",
        )
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()


def sweep(run_jobs):
    queue("emergency").enqueue(run, "app.dispatch.jobs.expire_due_offers")
    run_jobs()


def crew(make, team, **kw):
    return [
        make.technician(team=team, skills=("emergency",), at=at, on_call=True, **kw).id
        for at in (NEAR, MID, FAR)
    ]


def test_assigned_at_once_to_the_nearest_on_call_technician_with_a_timer(
    make, office_closed, run_jobs
):
    zone = make.zone()
    off_shift = make.technician(team=zone.team, skills=("emergency",), at=NEAR).id
    near, mid, _ = crew(make, zone.team)
    order_id = emergency(make)
    run_jobs()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "assigned" and order.technician_id == near != off_shift
    [event] = events_of(order_id, "assign")
    assert event.actor_label == "system:router" and event.payload["reasons"]["on_call"] is True
    [note] = notes_for(order.technician.user_id, "emergency_assignment")
    assert note.payload["number"] == order.number and note.payload["accept_by"]
    [offer] = offers(order_id)
    assert offer.outcome == "pending"
    assert (
        timedelta(minutes=4, seconds=50)
        < offer.expires_at - offer.offered_at
        <= timedelta(minutes=5)
    )
    registry = ScheduledJobRegistry(queue=queue("emergency"))
    [job_id] = registry.get_job_ids()
    due = registry.get_scheduled_time(job_id)
    assert timedelta(minutes=4) < due - utcnow() <= timedelta(minutes=5)


def test_unaccepted_escalates_to_the_next_until_candidates_run_out(make, office_closed, run_jobs):
    zone = make.zone()
    near, mid, far = crew(make, zone.team)
    dispatcher = make.user("dispatcher").id
    order_id = emergency(make)
    run_jobs()
    assert db.session.get(WorkOrder, order_id).technician_id == near
    # The timer fires before the window is over: nothing happens.
    registry = ScheduledJobRegistry(queue=queue("emergency"))
    registry.requeue(registry.get_job_ids()[0])
    run_jobs()
    assert db.session.get(WorkOrder, order_id).technician_id == near
    time_passes(order_id)
    sweep(run_jobs)  # the periodic safety net catches what the early timer let pass
    assert db.session.get(WorkOrder, order_id).technician_id == mid
    time_passes(order_id)
    registry.requeue(registry.get_job_ids()[0])  # mid's timer, fired now
    run_jobs()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "assigned" and order.technician_id == far
    assert [e.payload["from_technician_id"] for e in events_of(order_id, "escalated")] == [
        near,
        mid,
    ]
    assert len(notes_for(dispatcher, "emergency_escalated")) == 2
    time_passes(order_id)
    sweep(run_jobs)  # the periodic safety net does the same as the timer
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "new" and order.technician_id is None
    assert [o.outcome for o in offers(order_id)] == ["expired"] * 3
    assert events_of(order_id)[-1].kind == "escalation_exhausted"
    [alarm] = notes_for(dispatcher, "emergency_unassigned")
    assert alarm.payload["offers_made"] == 3
    sweep(run_jobs)
    assert len(notes_for(dispatcher, "emergency_unassigned")) == 1


def test_accepted_in_time_the_timer_changes_nothing(client, make, office_closed, run_jobs):
    zone = make.zone()
    near, _, _ = crew(make, zone.team)
    order_id = emergency(make)
    run_jobs()
    user = db.session.get(WorkOrder, order_id).technician.user
    resp = client.post(f"/api/workorders/{order_id}/accept", headers=make.headers(user))
    assert resp.status_code == 200 and resp.json["status"] == "accepted"
    time_passes(order_id)
    registry = ScheduledJobRegistry(queue=queue("emergency"))
    registry.requeue(registry.get_job_ids()[0])
    run_jobs()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "accepted" and order.technician_id == near
    assert events_of(order_id, "escalated") == []
    assert [o.outcome for o in offers(order_id)] == ["accepted"]


def test_declined_emergency_goes_straight_to_the_next(client, make, office_closed, run_jobs):
    zone = make.zone()
    near, mid, _ = crew(make, zone.team)
    order_id = emergency(make)
    run_jobs()
    user = db.session.get(WorkOrder, order_id).technician.user
    resp = client.post(
        f"/api/workorders/{order_id}/decline",
        headers=make.headers(user),
        json={"reason": "正在另一处抢修现场"},
    )
    assert resp.status_code == 200
    run_jobs()
    assert db.session.get(WorkOrder, order_id).technician_id == mid


def test_one_emergency_at_a_time_per_technician(make, office_closed, run_jobs):
    zone = make.zone()
    near = make.technician(team=zone.team, skills=("emergency",), at=NEAR, on_call=True).id
    dispatcher = make.user("dispatcher").id
    first, second = emergency(make), emergency(make)
    run_jobs()
    assert db.session.get(WorkOrder, first).technician_id == near
    assert db.session.get(WorkOrder, second).status == "new"
    assert events_of(second)[-1].kind == "no_candidate"
    [alarm] = notes_for(dispatcher, "emergency_unassigned")
    assert alarm.payload["order_id"] == second


def test_emergency_preempts_a_non_emergency_job_and_its_customer_is_told(
    client, make, office_closed, run_jobs
):
    zone = make.zone()
    tech = make.technician(team=zone.team, skills=("emergency", "plumbing"), at=NEAR, on_call=True)
    tech_id, tech_user, tech_user_id = tech.id, tech.user, tech.user_id
    agent = make.user("hotline_agent")
    routine = make.work_order(by=agent)
    routine_id, agent_id = routine.id, agent.id
    headers = make.headers(make.user("dispatcher"))
    client.post(
        f"/api/workorders/{routine_id}/assign", headers=headers, json={"technician_id": tech_id}
    )
    client.post(f"/api/workorders/{routine_id}/accept", headers=make.headers(tech_user))
    from app.workorders.services import transition

    db.session.expire_all()
    routine = db.session.get(WorkOrder, routine_id)
    transition(routine, "depart", tech_user)  # on the way to the routine job
    db.session.commit()
    order_id = emergency(make)
    run_jobs()
    assert db.session.get(WorkOrder, order_id).technician_id == tech_id
    routine = db.session.get(WorkOrder, routine_id)
    assert routine.status == "new" and routine.technician_id is None
    kinds = [e.kind for e in events_of(routine_id)]
    assert kinds[-2:] == ["customer_notice_required", "awaiting_dispatcher"]
    [unassign] = events_of(routine_id, "unassign")
    assert unassign.payload["preempted_by"] == order_id and unassign.actor_label == "system:router"
    [task] = notes_for(agent_id, "tell_customer")
    assert task.payload["caller_phone"] == "13900001111"
    assert notes_for(tech_user_id, "assignment_withdrawn")


def test_redis_unreachable_order_still_created_then_dispatched_exactly_once(
    app, client, make, office_closed, run_jobs
):
    from app.jobs import relay_outbox
    from app.outbox import OutboxMessage

    zone = make.zone()
    near, _, _ = crew(make, zone.team)
    agent = make.user("hotline_agent")
    real = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("tapline_redis", None)
    try:
        resp = client.post(
            "/api/workorders",
            headers=make.headers(agent),
            json={
                "type": "emergency_repair",
                "channel": "hotline",
                "caller_name": "赵",
                "caller_phone": "13800000001",
                "address": "海阳市东村街道",
                "description": "爆管",
                "location": {"lon": 121.16, "lat": 36.77},
            },
        )
        assert resp.status_code == 201, resp.json
        order_id = resp.json["id"]
        [row] = db.session.scalars(sa.select(OutboxMessage)).all()
        assert row.sent_at is None and row.attempts >= 1 and row.queue == "emergency"
    finally:
        app.config["REDIS_URL"] = real
        app.extensions.pop("tapline_redis", None)
    assert db.session.get(WorkOrder, order_id).status == "new"
    assert relay_outbox() == 1
    assert relay_outbox() == 0
    run_jobs()
    # The same job again (a worker killed mid-job and retried): nothing happens twice.
    queue("emergency").enqueue(run, "app.dispatch.jobs.route_order", order_id)
    run_jobs()
    order = db.session.get(WorkOrder, order_id)
    assert order.status == "assigned" and order.technician_id == near
    assert len(events_of(order_id, "assign")) == 1
    assert len(notes_for(order.technician.user_id, "emergency_assignment")) == 1
