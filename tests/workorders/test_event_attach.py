"""record_event gives every event its order, whether or not the order's events are loaded."""

from app.extensions import db
from app.workorders.models import WorkOrder
from app.workorders.services import record_event


def test_an_event_of_a_stored_order_is_its_order_s_once_flushed(make):
    order_id = make.work_order().id
    db.session.expunge_all()
    order = db.session.get(WorkOrder, order_id)
    event = record_event(order, "work_record", "system:test", payload={"n": 1})
    assert event.work_order is order and order not in db.session.dirty
    db.session.commit()
    assert event.work_order_id == order_id
    assert [e.kind for e in db.session.get(WorkOrder, order_id).events][-1] == "work_record"


def test_an_event_joins_events_already_loaded_and_a_new_order(make):
    order = make.work_order()
    loaded = list(order.events)
    event = record_event(order, "work_record", "system:test")
    assert order.events == [*loaded, event]
    fresh = WorkOrder(**{c: getattr(order, c) for c in ("type_code", "channel", "address")})
    created = record_event(fresh, "created", "system:test")
    assert fresh.events == [created] and created.work_order is fresh
    db.session.rollback()  # the unsaved order is not meant to be stored
