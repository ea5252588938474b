"""Ranked candidates for an order, each with its reasons, and why the others were left out."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.calendar.services import WorkingCalendar, office_hours
from app.common.geometry import to_lonlat
from app.database import utcnow
from app.dispatch import candidates, rules
from app.dispatch.models import AssignmentOffer, Skill
from app.extensions import db
from app.zones import queries

EXCLUSION_LABELS = {
    "off_duty": "休息/不在岗 / off duty",
    "no_skill": "无所需技能 / lacks the required skill",
    "not_on_shift": "非工作时间且未值班 / outside office hours and not on call",
    "load_full": "在办工单已满 / open load at the limit",
    "has_emergency": "已有抢修工单 / already on an emergency",
    "already_tried": "已拒单或超时未接 / declined or let this order time out",
    "current": "当前承办人 / the current assignee",
    "farther": "距离较远,未进入前列 / eligible but farther away",
}


def context(order, now=None, exclude=()):
    """The parameters every candidate query for `order` shares."""
    now = now or utcnow()
    config = current_app.config
    skill_id, tried_ids = _skill_and_tried(order)
    return {
        "now": now,
        "skill_id": skill_id,
        "emergency": order.type.is_emergency,
        "office": office_now(now),
        "fresh_since": now - timedelta(minutes=config["POSITION_FRESH_MINUTES"]),
        "preempt_before": now + timedelta(minutes=config["PREEMPT_WINDOW_MINUTES"]),
        "deadline": order.deadline_at,
        "exclude": sorted(set(exclude) | tried_ids),
        "lon": None,
        "lat": None,
        "teams": [],
    }


def office_now(now):
    """Day staff are on shift: office hours on a working day of the official calendar."""
    return rules.in_office_hours(now, WorkingCalendar().is_working, office_hours())


def _skill_and_tried(order):
    """The id of the skill the order's type needs (None for none), and the technicians who
    declined this order or let it time out (not offered it again): one round trip."""
    skill = sa.select(Skill.id).where(Skill.code == order.type.skill_code)
    tried = sa.select(sa.func.array_agg(AssignmentOffer.technician_id)).where(
        AssignmentOffer.work_order_id == order.id,
        AssignmentOffer.outcome.in_(("declined", "expired")),
    )
    row = db.session.execute(sa.select(skill.scalar_subquery(), tried.scalar_subquery())).one()
    return row[0], set(row[1] or ())


def scopes(order):
    """(scope, team ids) to try in turn: the order's team, then its neighbours, looked up
    (a distance between zone polygons) only when the team had no one."""
    if order.team_id is None:
        yield "all_teams", queries.field_team_ids()
        return
    yield "team", [order.team_id]
    metres = current_app.config["NEIGHBOUR_ZONE_METRES"]
    yield "neighbours", queries.neighbour_team_ids(order.zone_id, order.team_id, metres)


def suggest(order, now=None, limit=None, explain=True):
    """Ranked candidates with reasons; `excluded` says why the team's others are not there."""
    limit = limit or current_app.config["SUGGESTION_LIMIT"]
    exclude = [order.technician_id] if order.technician_id else []
    params = context(order, now, exclude)
    result = {
        "order_id": order.id,
        "emergency": params["emergency"],
        "office_hours": params["office"],
        "scope": None,
        "candidates": [],
        "excluded": [],
    }
    if order.location is None:
        result["scope"] = "no_location"
        return result
    params["lon"], params["lat"] = to_lonlat(order.location)
    for scope, teams in scopes(order):
        if not teams:
            continue
        rows = candidates.candidate_rows(
            {**params, "teams": teams}, want=limit, k=max(40, limit * 4)
        )
        if rows:
            result["scope"] = scope
            result["candidates"] = _present(
                rules.rank(rows, params["emergency"])[:limit], scope != "team"
            )
            break
    result["scope"] = result["scope"] or "none"
    if explain and order.team_id:
        result["excluded"] = excluded(params, [order.team_id], result["candidates"], order)
    return result


def _present(rows, outside_team):
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
        row["distance_m"] = round(row["distance_m"], 1)
        row["outside_team"] = outside_team
        for key in ("has_skill", "already_offered", "status", "on_shift"):
            row.pop(key, None)
    return rows


def excluded(params, teams, ranked, order):
    chosen = {c["technician_id"] for c in ranked}
    out = []
    for row in candidates.roster_rows({**params, "teams": teams}):
        if row["technician_id"] in chosen:
            continue
        reasons = exclusion_reasons(row, params["emergency"], order.technician_id)
        out.append(
            {
                "technician_id": row["technician_id"],
                "name": row["name"],
                "distance_m": None if row["distance_m"] is None else round(row["distance_m"], 1),
                "reasons": reasons,
                "labels": [EXCLUSION_LABELS[r] for r in reasons],
            }
        )
    return out


def exclusion_reasons(row, emergency, current_id=None):
    checks = [
        ("current", row["technician_id"] == current_id),
        ("off_duty", row["status"] == "off_duty"),
        ("no_skill", not row["has_skill"]),
        ("not_on_shift", not row["on_shift"]),
        ("has_emergency", emergency and row["has_emergency"]),
        ("load_full", not emergency and row["load"] >= row["max_open_orders"]),
        ("already_tried", row["already_offered"]),
    ]
    return [code for code, hit in checks if hit] or ["farther"]
