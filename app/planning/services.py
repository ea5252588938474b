"""Day-plan verbs: propose, read, and the roster; editing and accepting live beside this."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.calendar.rules import local_date
from app.database import utcnow
from app.dispatch.models import Team
from app.errors import Invalid, NotFound
from app.extensions import db
from app.planning import build, loading, planner, reasons
from app.planning import settings as planning_settings
from app.planning.models import Plan, PlanRoute, PlanStop
from app.queries import paginate


def propose_plan(team_id, day, user):
    """Plan the team's open non-emergency orders into its technicians' day (a proposal)."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise Invalid(errors={"team_id": [f"班组不存在 / no team {team_id}"]})
    _check_day(day)
    settings = planning_settings.current()
    clock = loading.DayClock(day)
    crew_rows = loading.crew(team, day, settings)
    orders = loading.orders(team, day)
    crews, visits, seconds, metres = build.problem(crew_rows, orders, clock, settings)
    proposal = planner.propose(crews, visits, seconds, metres, **planning_settings.solve_options())
    plan = Plan(
        team_id=team.id,
        day=day,
        status="proposed",
        created_by_id=user.id,
        settings={**settings, "travel": planning_settings.travel_model(settings).describe()},
        solve_ms=proposal.solve_ms,
        edits=[],
    )
    db.session.add(plan)
    _fill(plan, crew_rows, orders, visits, proposal, clock)
    db.session.flush()
    return plan


def _check_day(day):
    today, horizon = local_date(utcnow()), planning_settings.horizon_days()
    if day < today:
        raise Invalid(errors={"date": ["不能为过去的日期排计划 / that day is over"]})
    if (day - today).days > horizon:
        raise Invalid(
            errors={
                "date": [f"最多提前 {horizon} 天排计划 / plans reach at most {horizon} days ahead"]
            }
        )


def _fill(plan, crew_rows, orders, visits, proposal, clock):
    visit_of = {visit.id: visit for visit in visits}
    stops = {order.id: build.stop_row(order, visit_of.get(order.id), clock) for order in orders}
    plan.stops.extend(stops.values())
    for tech, shift in crew_rows:
        route = build.route_row(tech, shift, clock)
        plan.routes.append(route)
        build.write_route(route, proposal.routes[tech.id], stops, clock)
    for order_id, reason in proposal.unassigned.items():
        stops[order_id].reason_code = reason
    for order in orders:
        if order.location is None:
            stops[order.id].reason_code = reasons.NO_LOCATION


def get_plan(plan_id, lock=False):
    stmt = (
        sa.select(Plan)
        .where(Plan.id == plan_id)
        .options(
            selectinload(Plan.routes).selectinload(PlanRoute.technician),
            selectinload(Plan.routes)
            .selectinload(PlanRoute.stops)
            .selectinload(PlanStop.work_order),
            selectinload(Plan.stops).selectinload(PlanStop.work_order),
        )
    )
    if lock:
        stmt = stmt.with_for_update(of=Plan)
    plan = db.session.scalar(stmt)
    if plan is None:
        raise NotFound(f"计划不存在 / plan {plan_id} not found")
    return plan


def list_plans(args):
    stmt = sa.select(Plan)
    for name in ("team_id", "day", "status"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(Plan, name) == args[name])
    return paginate(
        stmt,
        args,
        Plan.day.desc(),
        Plan.id.desc(),
        options=(selectinload(Plan.stops), selectinload(Plan.routes).selectinload(PlanRoute.stops)),
    )
