"""`flask demo load`: the Haiyang demo city, written idempotently by natural keys."""

from collections import Counter
from datetime import date, timedelta

import click
import sqlalchemy as sa
from flask import current_app

from app.auth.models import User
from app.auth.services import hash_password
from app.customers.models import Customer, Meter
from app.database import point_wkt, utcnow
from app.demo import geo
from app.demo.catalog import LEAD_DEPARTMENT
from app.demo.orders import load_orders
from app.demo.plan import build_plan
from app.dispatch.models import ServiceZone, Skill, Team, Technician
from app.extensions import db
from app.workorders.models import WorkOrderType

DEMO_PASSWORD = "demo1234"
DEMO_MODES = ("demo", "test")


class DemoRefused(click.ClickException):
    """Demo users share a published password: never outside demo or test mode."""


def load():
    """Write every missing demo row, keep the ones already there; counts of what is present."""
    mode = current_app.config["MODE"]
    if mode not in DEMO_MODES:
        raise DemoRefused(
            f"演示数据只能在 demo/test 模式下加载 / demo data loads only with "
            f"TAPLINE_MODE=demo or test (now: {mode})"
        )
    types = db.session.execute(sa.select(WorkOrderType.code, WorkOrderType.skill_code)).all()
    plan = build_plan(dict(types))
    created = Counter()
    teams = ensure(Team, "code", plan.teams, _team, created)
    users = ensure(User, "username", plan.users, _user_builder(teams), created)
    if teams[LEAD_DEPARTMENT].lead_user_id is None:
        teams[LEAD_DEPARTMENT].lead_user_id = users["lead01"].id
    zones = ensure(ServiceZone, "code", plan.zones, lambda z: _zone(z, teams), created)
    techs = ensure(
        Technician, "employee_no", plan.technicians, _technician_builder(teams, users), created
    )
    customers = ensure(Customer, "account_no", plan.customers, _customer, created)
    meters = ensure(
        Meter,
        "number",
        [c["meter"] | {"customer": customers[c["account_no"]]} for c in plan.customers],
        _meter,
        created,
    )
    orders = load_orders(plan, users, techs, created)
    db.session.commit()
    analyze()
    return {
        "teams": len(teams),
        "zones": len(zones),
        "users": len(users),
        "technicians": len(techs),
        "customers": len(customers),
        "meters": len(meters),
        "work_orders": orders,
        "created": sum(created.values()),
    }


# Bulk-loaded tables get their planner statistics at once, not when autovacuum gets round to
# it: the first requests after a load are planned on real row counts (issue 16).
ANALYZED = (
    "teams",
    "service_zones",
    "users",
    "technicians",
    "technician_skills",
    "customers",
    "meters",
    "work_orders",
    "work_order_events",
    "assignment_offers",
)


def analyze():
    db.session.execute(sa.text("ANALYZE " + ", ".join(ANALYZED)))
    db.session.commit()


def ensure(model, key, entries, build, created):
    """{key: row} for every entry; rows missing by their natural key are built and added."""
    column = getattr(model, key)
    wanted = [entry[key] for entry in entries]
    rows = {
        getattr(row, key): row
        for row in db.session.scalars(sa.select(model).where(column.in_(wanted)))
    }
    new = [build(entry) for entry in entries if entry[key] not in rows]
    db.session.add_all(new)
    db.session.flush()
    for row in new:
        # Reload on next use, so geometries read back as shapes, as on rows loaded later.
        db.session.expire(row)
        rows[getattr(row, key)] = row
    created[model.__tablename__] += len(new)
    return rows


def _team(entry):
    return Team(code=entry["code"], name=entry["name"], kind=entry["kind"])


def _user_builder(teams):
    hashed = []

    def build(entry):
        if not hashed:  # one argon2 hash for the one shared demo password
            hashed.append(hash_password(DEMO_PASSWORD))
        team = teams[entry["team"]].id if entry["team"] else None
        user = User(
            username=entry["username"],
            password_hash=hashed[0],
            display_name=entry["display_name"],
            phone=entry["phone"],
            team_id=team,
        )
        user.set_roles(entry["roles"])
        return user

    return build


def _zone(entry, teams):
    return ServiceZone(
        code=entry["code"],
        name=entry["name"],
        team_id=teams[entry["team"]].id,
        geom=geo.ewkt(entry["geom"]),
    )


def _technician_builder(teams, users):
    skills = {skill.code: skill for skill in db.session.scalars(sa.select(Skill))}
    now = utcnow()

    def build(entry):
        position = entry["position"]
        return Technician(
            user_id=users[entry["username"]].id,
            employee_no=entry["employee_no"],
            name=entry["name"],
            phone=entry["phone"],
            team_id=teams[entry["team"]].id,
            base_point=point_wkt(*entry["base"]),
            status=entry["status"],
            on_call=entry["on_call"],
            skills=[skills[code] for code in entry["skills"]],
            last_position=point_wkt(*position) if position else None,
            last_position_at=now - timedelta(minutes=entry["position_age"]) if position else None,
        )

    return build


def _customer(entry):
    return Customer(
        account_no=entry["account_no"],
        name=entry["name"],
        phone=entry["phone"],
        address=entry["address"],
        location=point_wkt(*entry["location"]),
        limited_mobility=entry["limited_mobility"],
    )


def _meter(entry):
    return Meter(
        number=entry["number"],
        customer_id=entry["customer"].id,
        model=entry["model"],
        diameter_mm=entry["diameter_mm"],
        installed_on=date(*entry["installed_on"]),
        last_reading=entry["last_reading"],
    )
