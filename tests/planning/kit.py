"""A field team on a working day to come: technicians with skills, orders around Haiyang."""

from datetime import timedelta

import pytest

from app.calendar.rules import at_local, local_date
from app.calendar.services import WorkingCalendar
from app.database import utcnow
from app.extensions import db

# Points inside the factories' square zone around central Haiyang (lon, lat).
BASE = (121.16, 36.77)
EAST = (121.20, 36.78)
WEST = (121.12, 36.76)
NORTH = (121.16, 36.81)


@pytest.fixture
def day():
    """The next working day after today (so no plan starts in the past)."""
    calendar = WorkingCalendar()
    candidate = local_date(utcnow()) + timedelta(days=1)
    while not calendar.is_working(candidate):
        candidate += timedelta(days=1)
    return candidate


@pytest.fixture
def non_working_day():
    calendar = WorkingCalendar()
    candidate = local_date(utcnow()) + timedelta(days=1)
    while calendar.is_working(candidate):
        candidate += timedelta(days=1)
    return candidate


class Crew:
    """make.*, plus a team with its zone, a dispatcher, and helpers for orders."""

    def __init__(self, make):
        self.make = make
        self.team = make.team()
        self.zone = make.zone(self.team)
        self.dispatcher = make.user("dispatcher")
        self.headers = make.headers(self.dispatcher)

    def technician(self, skills=("plumbing",), at=BASE, **kw):
        return self.make.technician(team=self.team, skills=skills, at=at, **kw)

    def order(self, at=EAST, type="general_repair", window=None, day=None, **fields):
        order = self.make.work_order(type=type, at=at)
        for name, value in fields.items():
            setattr(order, name, value)
        if window:
            order.appointment_start = at_local(day, window[0])
            order.appointment_end = at_local(day, window[1])
        db.session.commit()
        return order


@pytest.fixture
def crew(make):
    return Crew(make)


def propose(client, crew, day):
    resp = client.post(
        "/api/dispatch/plans",
        headers=crew.headers,
        json={"team_id": crew.team.id, "date": day.isoformat()},
    )
    assert resp.status_code == 201, resp.json
    return resp.json


def route_of(plan, technician):
    return next(r for r in plan["routes"] if r["technician"]["id"] == technician.id)


def stop_ids(route):
    return [stop["order"]["id"] for stop in route["stops"]]


def unassigned_reasons(plan):
    return {item["order"]["id"]: item["reason"]["code"] for item in plan["unassigned"]}
