"""The demo city as plain data: no database, so every rule here is checked in milliseconds."""

import itertools
import re

import pytest
import shapely
from shapely.geometry import Point

from app.demo import geo
from app.demo.catalog import TOWNS
from app.demo.plan import build_plan
from tests.demo.kit import TYPE_SKILLS


@pytest.fixture(scope="module")
def plan():
    return build_plan(TYPE_SKILLS)


def test_eight_zones_cover_the_boundary_exactly_without_overlap(plan):
    shapes = [zone["geom"] for zone in plan.zones]
    assert len(shapes) == 8 and all(s.geom_type == "MultiPolygon" and s.is_valid for s in shapes)
    union = shapely.union_all(shapes)
    assert union.symmetric_difference(geo.boundary()).area < 1e-12
    assert max(a.intersection(b).area for a, b in itertools.combinations(shapes, 2)) < 1e-12
    for town, shape in zip(TOWNS, shapes, strict=True):
        assert shape.contains(Point(town.seed)), town.name


def test_the_same_seed_gives_the_same_city(plan):
    again = build_plan(TYPE_SKILLS)
    assert [z["geom"].wkt for z in again.zones] == [z["geom"].wkt for z in plan.zones]
    assert again.customers == plan.customers
    assert again.orders == plan.orders
    assert [strip(t) for t in again.technicians] == [strip(t) for t in plan.technicians]
    assert build_plan(TYPE_SKILLS, seed=1).customers != plan.customers


def strip(tech):
    return {k: v for k, v in tech.items() if k != "area"}


def test_technicians_are_spread_over_teams_with_the_skills_the_work_needs(plan):
    techs = plan.technicians
    assert [t["username"] for t in techs] == [f"tech{n:02d}" for n in range(1, 31)]
    assert len({t["employee_no"] for t in techs}) == 30
    assert len({t["phone"] for t in techs}) == 30 and len({t["name"] for t in techs}) == 30
    assert {s for t in techs for s in t["skills"]} == set(TYPE_SKILLS.values())
    assert sorted(t["username"] for t in techs if t["status"] == "off_duty") == ["tech09", "tech22"]
    for zone in plan.zones:
        team = [t for t in techs if t["team"] == zone["team"]]
        assert 3 <= len(team) <= 5
        on_call = [t for t in team if t["on_call"]]
        assert on_call and all("emergency" in t["skills"] for t in on_call)
        for tech in team:
            assert zone["geom"].contains(Point(tech["base"])), tech["username"]
    fresh = [t for t in techs if t["position"] and t["position_age"] <= 30]
    assert 10 <= len(fresh) < 28


def test_customers_have_accounts_meters_and_homes_in_their_zone(plan):
    customers = plan.customers
    assert len(customers) == 200
    assert all(re.fullmatch(r"0601\d{6}", c["account_no"]) for c in customers)
    assert len({c["account_no"] for c in customers}) == 200
    assert len({c["meter"]["number"] for c in customers}) == 200
    assert sum(c["limited_mobility"] for c in customers) == 10
    zones = {zone["code"]: zone for zone in plan.zones}
    for customer in customers:
        zone = zones[customer["zone"]]
        assert zone["geom"].contains(Point(customer["location"]))
        assert customer["address"].startswith(f"海阳市{zone['town'].name}")


def test_orders_are_assigned_by_skill_and_zone_and_some_lie_outside(plan):
    orders = plan.orders
    assert len(orders) == 40 and len({o["marker"] for o in orders}) == 40
    assert {o["status"] for o in orders} >= {
        "new",
        "assigned",
        "accepted",
        "scheduled",
        "en_route",
        "on_site",
        "completed",
        "cancelled",
    }
    techs = {t["employee_no"]: t for t in plan.technicians}
    zones = {zone["team"]: zone for zone in plan.zones}
    for order in orders:
        if order["technician"] is None:
            assert "assign" not in order["actions"]
            continue
        tech = techs[order["technician"]]
        assert TYPE_SKILLS[order["type"]] in tech["skills"] and tech["status"] != "off_duty"
        assert zones[tech["team"]]["geom"].contains(Point(order["point"]))
    outside = [o for o in orders if o["status"] == "unrouted"]
    assert len(outside) == 3
    assert not any(geo.boundary().contains(Point(o["point"])) for o in outside)
