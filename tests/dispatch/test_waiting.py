"""An order left for a dispatcher is announced to the dispatchers, once."""

import sqlalchemy as sa

from app.extensions import db
from app.notifications.models import Notification


def waiting_notes(user_id):
    return db.session.scalars(sa.select(Notification).where(
        Notification.recipient_id == user_id, Notification.kind == "order_waiting")).all()


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
