from flask import jsonify
from flask.views import MethodView
from sqlalchemy.orm import joinedload

from app.auth.permissions import current_user
from app.auth.roles import DISPATCH, Role
from app.common.idempotency import idempotent  # one mechanism for every phone step
from app.common.transaction import commits
from app.dispatch import positions, queue, services
from app.dispatch.models import Technician
from app.dispatch.schemas import (
    AssignSchema,
    DeclineSchema,
    PositionBatchSchema,
    PositionResultSchema,
    QueuePageSchema,
    QueueQueryArgsSchema,
    ReassignSchema,
    SuggestionsSchema,
)
from app.errors import Conflict, Invalid, NotFound
from app.extensions import Blueprint, db
from app.workorders.models import WorkOrder
from app.workorders.schemas import WorkOrderDetailSchema
from app.workorders.services import get_for

blp = Blueprint("dispatch", __name__, url_prefix="/api", description="派单 / Dispatch")


def _technician(technician_id):
    technician = db.session.get(Technician, technician_id)
    if technician is None:
        raise Invalid(errors={"technician_id": ["维修工不存在 / no such technician"]})
    return technician


def _order_for_change(order_id, body):
    order = get_for(current_user(), order_id, lock=True)
    if body.get("version") is not None and body["version"] != order.version_id:
        raise Conflict(
            "工单已被他人修改,请刷新 / the order changed meanwhile: reload",
            code="version_conflict",
            version=order.version_id,
        )
    return order


@blp.route("/workorders/<int:order_id>/suggestions")
class SuggestionViews(MethodView):
    @blp.auth(*DISPATCH, read_only=True)
    @blp.response(200, SuggestionsSchema)
    def get(self, order_id):
        """Ranked candidates for an order, with reasons and why others were left out"""
        order = get_for(current_user(), order_id, options=(joinedload(WorkOrder.type),))
        return services.suggest(order)


@blp.route("/workorders/<int:order_id>/assign")
class AssignViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(AssignSchema)
    @blp.response(200, WorkOrderDetailSchema)
    @blp.alt_response(409, description="Already assigned, or the technician is on an emergency")
    @commits
    def post(self, body, order_id):
        """Assign a new order; overriding the top suggestion needs override_reason"""
        order = _order_for_change(order_id, body)
        services.assign(
            order,
            _technician(body["technician_id"]),
            current_user(),
            reason=body.get("reason"),
            override_reason=body.get("override_reason"),
        )
        return order


@blp.route("/workorders/<int:order_id>/reassign")
class ReassignViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(ReassignSchema)
    @blp.response(200, WorkOrderDetailSchema)
    @commits
    def post(self, body, order_id):
        """Move an assigned order to another technician, with a reason"""
        order = _order_for_change(order_id, body)
        services.reassign(order, _technician(body["technician_id"]), current_user(), body["reason"])
        return order


@blp.route("/workorders/<int:order_id>/accept")
class AcceptViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @idempotent
    @blp.response(200, WorkOrderDetailSchema)
    def post(self, order_id):
        """Accept an order assigned to me (stops an emergency's acceptance timer)"""
        order = get_for(current_user(), order_id, lock=True)
        services.accept(order, current_user())
        return order


@blp.route("/workorders/<int:order_id>/decline")
class DeclineViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @idempotent
    @blp.arguments(DeclineSchema)
    @blp.response(200, WorkOrderDetailSchema)
    def post(self, body, order_id):
        """Decline an order assigned to me, with a reason; it is routed again"""
        order = get_for(current_user(), order_id, lock=True)
        services.decline(order, current_user(), body["reason"])
        return order


@blp.route("/technicians/me/positions")
class PositionViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @idempotent
    @blp.arguments(PositionBatchSchema)
    @blp.response(200, PositionResultSchema)
    def post(self, body):
        """Report up to 100 position pings; absurd ones are rejected one by one"""
        technician = services.technician_of(current_user(), lock=True)
        if technician is None:
            raise NotFound("没有维修工档案 / no technician record for this user")
        return positions.record_positions(technician, body["positions"])


@blp.route("/dispatch/queue")
class QueueViews(MethodView):
    @blp.auth(*DISPATCH, read_only=True)
    @blp.arguments(QueueQueryArgsSchema, location="query")
    @blp.response(200, QueuePageSchema)  # documents the body; built as plain rows
    def get(self, args):
        """The dispatcher's queue: unaccepted emergencies, unrouted, then by SLA risk"""
        return jsonify(queue.page(args, current_user()))
