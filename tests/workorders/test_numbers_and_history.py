"""Numbers never repeat under concurrent creation; the history refuses edits."""

import re
import threading

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent


def test_concurrent_creation_never_duplicates_a_number(app, make):
    agent = make.user("hotline_agent")
    headers = make.headers(agent)
    payload = {
        "type": "general_repair",
        "channel": "hotline",
        "caller_name": "并发",
        "caller_phone": "13800000002",
        "address": "海阳市",
    }
    results, barrier = [], threading.Barrier(8)

    def create():
        with app.test_client() as c:
            barrier.wait()
            results.extend(
                c.post("/api/workorders", headers=headers, json=payload).json["number"]
                for _ in range(5)
            )

    threads = [threading.Thread(target=create) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 40 and len(set(results)) == 40
    assert sorted(int(n[-4:]) for n in results) == list(range(1, 41))
    assert all(re.fullmatch(r"WO\d{12}", n) for n in results)


def test_events_are_append_only_in_the_database_itself(make):
    order = make.work_order()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(sa.update(WorkOrderEvent).values(reason="rewritten"))
    db.session.rollback()
    with pytest.raises(sa.exc.DBAPIError, match="append-only"):
        db.session.execute(
            sa.delete(WorkOrderEvent).where(WorkOrderEvent.work_order_id == order.id)
        )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(WorkOrderEvent.id))) >= 1


def test_stale_update_is_refused_by_the_version_column(make):
    order = make.work_order()
    with sa.orm.Session(db.engine) as first, sa.orm.Session(db.engine) as second:
        mine, theirs = first.get(WorkOrder, order.id), second.get(WorkOrder, order.id)
        theirs.description = "dispatcher's edit"
        second.commit()
        mine.description = "stale write"
        with pytest.raises(sa.orm.exc.StaleDataError):
            first.commit()
