"""A job used by the outbox tests: it leaves a trace on the order, once."""

import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.services import record_event

# The trace a ping leaves: a labelled kind (record_event refuses others) no test order gets
# by itself; the tests count it.
PING = "contact_attempt"


def ping(order_id):
    already = db.session.scalar(
        sa.select(WorkOrderEvent.id).where(
            WorkOrderEvent.work_order_id == order_id, WorkOrderEvent.kind == PING
        )
    )
    if already is None:
        record_event(db.session.get(WorkOrder, order_id), PING, "system:test")


def explode(order_id):
    raise RuntimeError(f"job for order {order_id} always fails")


def slow_ping(order_id):
    """The first run hangs (a worker to kill mid-job); any later run pings at once."""
    import time

    from app.jobs import redis_conn

    if redis_conn().set(f"tests:slow-ping:{order_id}", "1", nx=True):
        time.sleep(120)
    ping(order_id)
