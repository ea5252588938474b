"""The whole demo as plain data, from one seed: the same seed always gives the same city."""

import random
from dataclasses import dataclass, field

from app.auth.roles import Role
from app.demo import geo
from app.demo.catalog import (
    DEPARTMENTS,
    EXTRA_SKILLS,
    METER_MODELS,
    OFF_DUTY,
    SKILL_SETS,
    STAFF,
    TEAM_SIZES,
    TOWNS,
)
from app.demo.people import People
from app.demo.plan_orders import plan_orders

SEED = 370687


@dataclass
class Plan:
    teams: list = field(default_factory=list)
    zones: list = field(default_factory=list)
    users: list = field(default_factory=list)
    technicians: list = field(default_factory=list)
    customers: list = field(default_factory=list)
    orders: list = field(default_factory=list)


def build_plan(type_skills, seed=SEED):
    """Every row the demo needs; `type_skills` maps work-order type -> skill code."""
    rng = random.Random(seed)
    people = People(rng)
    plan = Plan()
    shapes = geo.split_zones([town.seed for town in TOWNS])
    for number, (town, shape) in enumerate(zip(TOWNS, shapes, strict=True), start=1):
        _plan_town(plan, town, shape)
        plan.customers += _customers(rng, people, town, shape, number)
    _plan_staff(plan)
    _plan_technicians(plan, rng, people, shapes)
    _mark_limited_mobility(rng, plan.customers)
    plan.orders = plan_orders(rng, people, plan, type_skills)
    return plan


def _plan_town(plan, town, shape):
    team = f"TEAM-{town.key}"
    plan.teams.append({"code": team, "name": f"{town.team_name}({town.name})", "kind": "field"})
    plan.zones.append(
        {
            "code": f"ZONE-{town.key}",
            "name": f"{town.name}片区",
            "team": team,
            "geom": shape,
            "town": town,
        }
    )


def _plan_staff(plan):
    plan.teams += [{"code": code, "name": name, "kind": "department"} for code, name in DEPARTMENTS]
    plan.users += [
        {
            "username": username,
            "roles": roles.split(),
            "display_name": name,
            "team": team,
            "phone": None,
        }
        for username, roles, name, team in STAFF
    ]


def _plan_technicians(plan, rng, people, shapes):
    number = 0
    for town, shape, size in zip(TOWNS, shapes, TEAM_SIZES, strict=True):
        area = geo.inner(shape)
        for slot in range(size):
            number += 1
            plan.technicians.append(_technician(rng, people, town, area, slot, number))
    for tech in plan.technicians:
        plan.users.append(
            {
                "username": tech["username"],
                "roles": [Role.TECHNICIAN],
                "display_name": tech["name"],
                "team": tech["team"],
                "phone": tech["phone"],
            }
        )


def _technician(rng, people, town, area, slot, number):
    skills = set(SKILL_SETS[slot % len(SKILL_SETS)])
    if rng.random() < 0.4:
        skills.add(rng.choice(EXTRA_SKILLS))
    username = f"tech{number:02d}"
    off_duty = username in OFF_DUTY
    base = geo.point_near(rng, area, town.seed, 0.02)
    fresh = not off_duty and rng.random() < 0.7
    return {
        "username": username,
        "employee_no": f"HYGS{number:04d}",
        "name": people.name(),
        "phone": people.phone(),
        "team": f"TEAM-{town.key}",
        "skills": sorted(skills),
        "base": base,
        "on_call": slot == 0,
        "status": "off_duty" if off_duty else "available",
        "area": area,
        "town": town,
        # Where the phone last reported, and how long ago (minutes): fresh or hours old.
        "position": None if off_duty else geo.point_near(rng, area, base, 0.01),
        "position_age": rng.randint(1, 20) if fresh else rng.randint(180, 1200),
    }


def _customers(rng, people, town, shape, zone_number):
    area = geo.inner(shape)
    spread = 0.015 if town.urban else 0.035
    return [
        _customer(rng, people, town, area, spread, f"0601{zone_number:02d}{n:04d}")
        for n in range(1, town.customers + 1)
    ]


def _customer(rng, people, town, area, spread, account_no):
    model, diameter = rng.choice(METER_MODELS)
    installed = rng.randint(2012, 2024)
    return {
        "account_no": account_no,
        "name": people.name(),
        "phone": people.phone(),
        "address": address(rng, town),
        "location": geo.point_near(rng, area, town.seed, spread),
        "limited_mobility": False,
        "zone": f"ZONE-{town.key}",
        "meter": {
            "number": f"HY{installed}{account_no[4:]}",
            "model": model,
            "diameter_mm": diameter,
            "installed_on": (installed, rng.randint(1, 12), 1),
            "last_reading": round(rng.uniform(20, 3000), 2),
        },
    }


def address(rng, town):
    street = rng.choice(town.streets)
    if not town.urban:
        return f"海阳市{town.name}{street}村{rng.randint(1, 400)}号"
    building, unit = rng.randint(1, 30), rng.randint(1, 4)
    room = rng.randint(1, 6) * 100 + rng.randint(1, 4)
    return f"海阳市{town.name}{street}{rng.randint(1, 300)}号{building}号楼{unit}单元{room}室"


def _mark_limited_mobility(rng, customers):
    """About 5%: 孤寡老人/残疾人士 with no one to act for them (R1.4)."""
    for customer in rng.sample(customers, round(len(customers) * 0.05)):
        customer["limited_mobility"] = True
