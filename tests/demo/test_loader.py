"""`flask demo load` on real PostgreSQL/PostGIS: idempotent, spatially sound, and logged into."""

import pytest
import sqlalchemy as sa
from rq.registry import FailedJobRegistry

from app.auth.models import User
from app.common.geometry import to_lonlat
from app.customers.models import Customer, Meter
from app.demo import loader
from app.dispatch.models import ServiceZone, Team, Technician
from app.extensions import db
from app.jobs import QUEUES, queue
from app.outbox import OutboxMessage
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.zones import queries

MODELS = (
    Team,
    ServiceZone,
    User,
    Technician,
    Customer,
    Meter,
    WorkOrder,
    WorkOrderEvent,
    OutboxMessage,
)
STAFF = {
    "admin": ["admin"],
    "agent01": ["hotline_agent"],
    "dispatch01": ["dispatcher"],
    "lead01": ["department_lead"],
    "gm01": ["general_manager"],
    "kf01": ["hotline_agent", "department_lead"],
}


def counts():
    return {
        m.__tablename__: db.session.scalar(sa.select(sa.func.count()).select_from(m))
        for m in MODELS
    }


def test_loading_twice_keeps_the_data_and_duplicates_nothing(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert "zones: 8" in result.output and "work_orders: 40" in result.output
    first = counts()
    assert {
        name: first[name]
        for name in (
            "teams",
            "service_zones",
            "users",
            "technicians",
            "customers",
            "meters",
            "work_orders",
        )
    } == {
        "teams": 10,
        "service_zones": 8,
        "users": 36,
        "technicians": 30,
        "customers": 200,
        "meters": 200,
        "work_orders": 40,
    }
    again = loader.load()
    assert again == {
        "teams": 10,
        "zones": 8,
        "users": 36,
        "technicians": 30,
        "customers": 200,
        "meters": 200,
        "work_orders": 40,
        "created": 0,
    }
    assert counts() == first


def test_a_partly_loaded_demo_is_completed_not_duplicated(demo):
    db.session.execute(sa.delete(Meter).where(Meter.number.like("HY2020%")))
    db.session.commit()
    summary = loader.load()
    assert summary["meters"] == 200 and summary["created"] > 0
    assert counts()["meters"] == 200


def test_every_zone_holds_its_teams_technicians_and_its_customers(demo):
    outside = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Technician)
        .join(ServiceZone, ServiceZone.team_id == Technician.team_id)
        .where(~sa.func.ST_Contains(ServiceZone.geom, Technician.base_point))
    )
    assert outside == 0
    zones_per_customer = db.session.scalars(
        sa.select(sa.func.count(ServiceZone.id))
        .select_from(Customer)
        .outerjoin(ServiceZone, sa.func.ST_Contains(ServiceZone.geom, Customer.location))
        .group_by(Customer.id)
    ).all()
    assert len(zones_per_customer) == 200 and set(zones_per_customer) == {1}
    lead = db.session.scalar(sa.select(Team).where(Team.code == "DEPT-GW"))
    assert db.session.get(User, lead.lead_user_id).username == "lead01"


def test_orders_went_through_the_state_machine_to_the_right_technicians(demo):
    orders = db.session.scalars(sa.select(WorkOrder).order_by(WorkOrder.id)).all()
    assert sorted({o.demo_marker for o in orders}) == [f"D{n:03d}" for n in range(1, 41)]
    statuses = {o.status for o in orders}
    assert statuses >= {
        "new",
        "assigned",
        "accepted",
        "scheduled",
        "en_route",
        "on_site",
        "completed",
        "cancelled",
    }
    for order in orders:
        status = None
        for event in order.events:  # an unbroken chain of events ends in the order's status
            if event.to_status:
                assert event.from_status == status, (order.number, event.kind)
                status = event.to_status
        assert status == order.status
        if order.technician:
            assert order.technician.team_id == order.team_id
            assert order.type.skill_code in {s.code for s in order.technician.skills}
    unrouted = [o for o in orders if o.zone_id is None]
    assert len(unrouted) == 3
    assert all("unrouted" in [e.kind for e in o.events] for o in unrouted)
    assert all(queries.zone_for_point(*to_lonlat(o.location)) is None for o in unrouted)
    assert all(o.cancel_reason for o in orders if o.status == "cancelled")
    assert all(o.appointment_start for o in orders if o.status == "scheduled")


def test_demo_users_sign_in_with_the_demo_password(client, demo):
    users = {u.username: u for u in db.session.scalars(sa.select(User))}
    technicians = {f"tech{n:02d}": ["technician"] for n in range(1, 31)}
    assert {name: u.roles for name, u in users.items()} == STAFF | technicians
    assert len({u.password_hash for u in users.values()}) == 1  # one hash of demo1234
    for username in [*STAFF, "tech01", "tech22", "tech30"]:
        resp = client.post("/api/auth/login", json={"username": username, "password": "demo1234"})
        assert resp.status_code == 200, (username, resp.json)
        assert resp.json["user"]["roles"] == users[username].roles
    wrong = client.post("/api/auth/login", json={"username": "admin", "password": "demo12345"})
    assert wrong.status_code == 401


def test_refuses_outside_demo_and_test_mode_and_writes_nothing(app, monkeypatch):
    monkeypatch.setitem(app.config, "MODE", "production")
    with pytest.raises(loader.DemoRefused):
        loader.load()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 1 and "TAPLINE_MODE=demo" in result.output
    assert set(counts().values()) == {0}


def test_a_real_worker_routes_the_demo_queue_without_failures(demo, run_jobs):
    before = {o.number: o.status for o in db.session.scalars(sa.select(WorkOrder))}
    run_jobs()
    routing = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.job == "app.dispatch.jobs.route_order")
    ).all()
    # Every order's routing is done, by its own job or by a batch job routing it too (the
    # commits relay only a few rows each, order messages among them).
    assert len(routing) == 40 and all(row.done_at for row in routing)
    assert [FailedJobRegistry(queue=queue(name)).count for name in QUEUES] == [0, 0, 0]
    orders = db.session.scalars(sa.select(WorkOrder)).all()
    emergency = next(o for o in orders if o.demo_marker == "D009")
    assert emergency.status == "assigned"  # on call, day or night (R2.4)
    assert "emergency" in {s.code for s in emergency.technician.skills}
    assert {o.number: o.status for o in orders if o.demo_marker != "D009"} == {
        number: status for number, status in before.items() if number != emergency.number
    }
