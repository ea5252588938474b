from datetime import timedelta

import sqlalchemy as sa

from app.database import utcnow
from app.extensions import db
from app.jobs import queue, run
from app.workorders.models import WorkOrder
from tests.dispatch.kit import events_of, notes_for


def set_clock(order_id, created_hours_ago, due_in_hours):
    now = utcnow()
    db.session.execute(
        sa.update(WorkOrder)
        .where(WorkOrder.id == order_id)
        .values(
            created_at=now - timedelta(hours=created_hours_ago),
            deadline_at=now + timedelta(hours=due_in_hours),
        )
    )
    db.session.commit()


def watch(run_jobs):
    queue("default").enqueue(run, "app.dispatch.jobs.sla_watch")
    run_jobs()


def test_sla_watch_marks_at_risk_then_breached_once_each(make, run_jobs):
    dispatcher = make.user("dispatcher").id
    order_id = make.work_order().id
    calm_id = make.work_order().id
    set_clock(order_id, created_hours_ago=70, due_in_hours=2)  # under 25 % of the time left
    watch(run_jobs)
    watch(run_jobs)
    assert db.session.get(WorkOrder, order_id).last_announced_sla_state == "at_risk"
    assert db.session.get(WorkOrder, calm_id).last_announced_sla_state == "on_track"
    assert [e.kind for e in events_of(order_id, "sla_at_risk")] == ["sla_at_risk"]
    assert events_of(calm_id, "sla_at_risk") == []
    set_clock(order_id, created_hours_ago=80, due_in_hours=-1)
    watch(run_jobs)
    watch(run_jobs)
    assert db.session.get(WorkOrder, order_id).last_announced_sla_state == "breached"
    [event] = events_of(order_id, "sla_breached")
    assert event.payload == {**event.payload, "from": "at_risk", "to": "breached"}
    assert [n.kind for n in notes_for(dispatcher) if n.kind.startswith("sla_")] == [
        "sla_at_risk",
        "sla_breached",
    ]


def test_queue_puts_unaccepted_emergencies_and_unrouted_first_then_risk(
    client, make, office_closed, run_jobs
):
    make.zone()
    plain = make.work_order().id
    risky = make.work_order().id
    unrouted = make.work_order(at=(121.5, 36.5)).id
    emergency = make.work_order(type="emergency_repair").id  # nobody on call: stays new
    run_jobs()
    set_clock(risky, created_hours_ago=70, due_in_hours=2)
    resp = client.get("/api/dispatch/queue", headers=make.headers(make.user("dispatcher")))
    assert resp.status_code == 200
    items = [(i["id"], i["queue_reason"]) for i in resp.json["items"]]
    assert items == [
        (emergency, "unaccepted_emergency"),
        (unrouted, "unrouted"),
        (risky, "at_risk"),
        (plain, "unassigned"),
    ]
    assert resp.json["total"] == 4
