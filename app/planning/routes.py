from datetime import date

from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import DISPATCH, PLAN_READERS, Role
from app.common.transaction import commits
from app.errors import Invalid
from app.extensions import Blueprint
from app.planning import accepting, editing, roster, services
from app.planning.schemas import (
    DayShiftPutSchema,
    DayShiftQueryArgsSchema,
    DayShiftSchema,
    PlanCreateSchema,
    PlanDetailSchema,
    PlanMoveSchema,
    PlanPageSchema,
    PlanQueryArgsSchema,
)

blp = Blueprint(
    "planning", __name__, url_prefix="/api/dispatch", description="日计划 / Day planning (R2.5)"
)


@blp.route("/plans")
class PlanViews(MethodView):
    @blp.auth(*PLAN_READERS)
    @blp.arguments(PlanQueryArgsSchema, location="query")
    @blp.response(200, PlanPageSchema)
    def get(self, args):
        """List day plans by team, date and status"""
        return services.list_plans(args)

    @blp.auth(Role.DISPATCHER)
    @blp.arguments(PlanCreateSchema)
    @blp.response(201, PlanDetailSchema)
    @commits
    def post(self, data):
        """Propose a day plan for a team (VROOM): routes with ETAs, and what stays out, why"""
        plan = services.propose_plan(data["team_id"], data["date"], current_user())
        return services.get_plan(plan.id)


@blp.route("/plans/<int:plan_id>")
class PlanByIdViews(MethodView):
    @blp.auth(*PLAN_READERS)
    @blp.response(200, PlanDetailSchema)
    def get(self, plan_id):
        """One plan with its routes, stops, unassigned orders and totals"""
        return services.get_plan(plan_id)

    @blp.auth(Role.DISPATCHER)
    @blp.arguments(PlanMoveSchema)
    @blp.response(200, PlanDetailSchema)
    @commits
    def patch(self, data, plan_id):
        """Move one order to another technician or position; ETAs and violations recomputed"""
        plan = services.get_plan(plan_id, lock=True)
        editing.move_stop(
            plan, data["order_id"], data["technician_id"], data["position"], current_user()
        )
        return services.get_plan(plan_id)


@blp.route("/plans/<int:plan_id>/accept")
class PlanAcceptViews(MethodView):
    @blp.auth(Role.DISPATCHER)
    @blp.response(200, PlanDetailSchema)
    @commits
    def post(self, plan_id):
        """Accept the plan: assign and schedule its orders (409 if accepted or orders changed)"""
        plan = services.get_plan(plan_id, lock=True)
        accepting.accept_plan(plan, current_user())
        return services.get_plan(plan_id)


@blp.route("/day-shifts")
class DayShiftViews(MethodView):
    @blp.auth(*PLAN_READERS)
    @blp.arguments(DayShiftQueryArgsSchema, location="query")
    @blp.response(200, DayShiftSchema(many=True))
    def get(self, args):
        """A team's hours on one day: roster entries, else office hours, else on-call duty"""
        return roster.effective_shifts(args["team_id"], args["day"])


@blp.route("/day-shifts/<int:technician_id>/<day>")
class DayShiftByIdViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(DayShiftPutSchema)
    @blp.response(200, DayShiftSchema(many=True))
    @commits
    def put(self, data, technician_id, day):
        """Set one technician's hours (or a day off) for one day"""
        technician = roster.put_shift(technician_id, _day(day), data, current_user())
        return roster.effective_shifts(technician.team_id, _day(day))

    @blp.auth(*DISPATCH)
    @blp.response(200, DayShiftSchema(many=True))
    @commits
    def delete(self, technician_id, day):
        """Remove the roster entry: that day follows office hours again"""
        technician = roster.clear_shift(technician_id, _day(day))
        return roster.effective_shifts(technician.team_id, _day(day))


def _day(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(errors={"date": ["日期格式应为 YYYY-MM-DD / expected YYYY-MM-DD"]}) from None
