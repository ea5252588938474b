"""An order left for a dispatcher is announced to the dispatchers, once."""

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification


def waiting_notes(user_id):
    return db.session.scalars(
        sa.select(Notification).where(
            Notification.recipient_id == user_id, Notification.kind == "order_waiting"
        )
    ).all()


def test_a_new_order_waiting_for_a_dispatcher_is_announced_once(client, make, run_jobs):
    dispatcher_id = make.user("dispatcher").id
    make.zone()
    order_id = make.work_order().id  # general repair: auto-assignment is off by default
    run_jobs()
    notes = waiting_notes(dispatcher_id)
    assert len(notes) == 1 and notes[0].payload["number"]
    # A second routing run with nothing changed announces nothing new.
    from app.dispatch.jobs import route_order

    route_order(order_id)
    db.session.commit()
    assert len(waiting_notes(dispatcher_id)) == 1


def test_cancelling_an_assigned_order_tells_its_technician_and_ends_the_offer(client, make):
    from app.dispatch import services as dispatch
    from app.dispatch.models import AssignmentOffer

    zone = make.zone()
    tech = make.technician(team=zone.team)
    order = make.work_order()
    dispatch.assign(order, tech, make.user("dispatcher"), reason="派单")
    db.session.commit()
    agent = make.user("hotline_agent")
    resp = client.post(
        f"/api/workorders/{order.id}/cancel",
        headers=make.headers(agent),
        json={"reason": "用户来电撤单"},
    )
    assert resp.status_code == 200
    notes = db.session.scalars(
        sa.select(Notification).where(
            Notification.recipient_id == tech.user_id, Notification.kind == "order_cancelled"
        )
    ).all()
    assert len(notes) == 1 and notes[0].payload["reason"] == "用户来电撤单"
    outcomes = db.session.scalars(sa.select(AssignmentOffer.outcome)).all()
    assert outcomes and "pending" not in outcomes
