"""The SQL statements per request of the main read endpoints, pinned (issue 16).

An N+1 (a lazy load per listed order, per event, per candidate) makes a count grow with the
data: each test states the exact number on the demo city, and the lists are also read at
one row and at a full page, which must cost the same. Raising a pin needs a reason in the
commit that raises it. The complaint page's pin: tests/complaints/test_detail_statements.py.
"""

import pytest
import sqlalchemy as sa

from app.auth.models import User
from app.demo import loader
from app.dispatch.models import Technician
from app.extensions import db
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.states import ACTIVE_STATUSES
from tests.statements import explain, get_counted

# user (bearer token), then the endpoint's own reads
PINS = {
    "detail": 3,  # user, the order with type/customer/zone joined, its events
    "list": 3,  # user, COUNT, the page with type/customer/zone joined
    "queue": 3,  # user, COUNT, the page with type/customer/zone joined
    "mine": 2,  # user, my orders with their visit flag and type/customer/zone joined
    # user, order with its type, skill + tried offers, calendar year, then BEGIN, plan pin,
    # candidates, ROLLBACK (these four in one round trip: psycopg's pipeline), team roster;
    # neighbour teams only when the team has no one
    "suggestions": 9,
}


@pytest.fixture
def city(app):
    loader.load()
    db.session.remove()
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    return {name: {"Authorization": f"Bearer {_token(users[name])}"} for name in users}


def _token(user):
    from app.auth import tokens

    return tokens.access_token(user)


def _richest_order():
    """The demo order with the longest timeline that has a customer, a zone and a technician."""
    return db.session.scalar(
        sa.select(WorkOrder.id)
        .join(WorkOrderEvent, WorkOrderEvent.work_order_id == WorkOrder.id)
        .where(
            WorkOrder.customer_id.is_not(None),
            WorkOrder.zone_id.is_not(None),
            WorkOrder.technician_id.is_not(None),
        )
        .group_by(WorkOrder.id)
        .order_by(sa.func.count().desc(), WorkOrder.id)
        .limit(1)
    )


# Views that only read run without BEGIN/ROLLBACK (app.extensions.run_read_only): their
# round trips are their statements (the suggestions' BEGIN and ROLLBACK around the planner's
# pin are statements of their own, sent in the candidates' round trip).
IN_TRANSACTION = set()


def _pinned(client, url, headers, name):
    resp, seen = get_counted(client, url, headers)
    assert len(seen) == PINS[name], f"{url}: {len(seen)} statements\n{explain(seen)}"
    assert set(seen.in_transaction) == {name in IN_TRANSACTION}, explain(seen)
    return resp


def test_work_order_detail_reads_the_order_and_its_timeline_once(client, city):
    order_id = _richest_order()
    body = _pinned(client, f"/api/workorders/{order_id}", city["dispatch01"], "detail").json
    assert len(body["timeline"]) >= 3 and body["zone"]["name"] and body["customer"]["name"]
    assert body["type_name"]


@pytest.mark.parametrize(
    ("url", "name"),
    [("/api/workorders?per_page={n}", "list"), ("/api/dispatch/queue?per_page={n}", "queue")],
)
def test_lists_cost_the_same_for_one_row_and_a_full_page(client, city, url, name):
    one = _pinned(client, url.format(n=1), city["dispatch01"], name).json
    full = _pinned(client, url.format(n=50), city["dispatch01"], name).json
    assert len(one["items"]) == 1
    assert len(full["items"]) >= 10
    assert len({item["type"] for item in full["items"]}) >= 2  # several types, zones, people
    assert len({(item["zone"] or {}).get("id") for item in full["items"]}) >= 2


def test_my_orders_on_the_phone_in_one_read(client, city):
    tech = db.session.scalar(sa.select(Technician).order_by(Technician.id).limit(1))
    # Up to five more open orders, each of another type, on this technician's phone.
    db.session.execute(
        sa.update(WorkOrder)
        .where(
            WorkOrder.id.in_(
                sa.select(sa.func.min(WorkOrder.id))  # one per type
                .where(WorkOrder.status == "new", WorkOrder.zone_id.is_not(None))
                .group_by(WorkOrder.type_code)
                .limit(5)
                .scalar_subquery()
            )
        )
        .values(technician_id=tech.id, team_id=tech.team_id, status="assigned")
    )
    db.session.commit()
    open_orders = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WorkOrder)
        .where(WorkOrder.technician_id == tech.id, WorkOrder.status.in_(ACTIVE_STATUSES))
    )
    body = _pinned(client, "/api/visits/mine", city[tech.user.username], "mine").json
    assert len(body["items"]) == open_orders >= 3
    assert len({item["type"] for item in body["items"]}) >= 2


def test_suggestions_cost_does_not_grow_with_the_candidates(client, city):
    order_id = db.session.scalar(
        sa.select(WorkOrder.id)
        .where(WorkOrder.status == "new", WorkOrder.team_id.is_not(None))
        .where(WorkOrder.location.is_not(None))
        .order_by(WorkOrder.id)
        .limit(1)
    )
    body = _pinned(
        client, f"/api/workorders/{order_id}/suggestions", city["dispatch01"], "suggestions"
    ).json
    assert len(body["candidates"]) + len(body["excluded"]) >= 3
