from flask import jsonify
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import OFFICE, Role
from app.common.idempotency import idempotent, reloaded
from app.common.transaction import commits
from app.extensions import Blueprint
from app.workorders import queries, services
from app.workorders.schemas import (
    CancelSchema,
    WorkOrderCreateSchema,
    WorkOrderDetailSchema,
    WorkOrderPageSchema,
    WorkOrderQueryArgsSchema,
)

blp = Blueprint(
    "workorders", __name__, url_prefix="/api/workorders", description="工单 / Work orders"
)


@blp.route("")
class WorkOrderViews(MethodView):
    @blp.auth(*OFFICE, Role.TECHNICIAN, read_only=True)
    @blp.arguments(WorkOrderQueryArgsSchema, location="query")
    @blp.response(200, WorkOrderPageSchema)  # documents the body; built as plain rows
    def get(self, args):
        """List work orders with filters, paging and a total count"""
        return jsonify(queries.page(args, current_user()))

    @blp.auth(Role.HOTLINE_AGENT, Role.DISPATCHER)
    @idempotent(serialised=True)  # commits once, after the 201 body was built
    @blp.arguments(WorkOrderCreateSchema)
    @blp.response(201, WorkOrderDetailSchema)
    def post(self, data):
        """Open a work order: it is numbered, located, given its deadline and routed"""
        order = services.create_work_order(data, current_user())
        return reloaded(order)


@blp.route("/<int:order_id>")
class WorkOrderByIdViews(MethodView):
    @blp.auth(*OFFICE, Role.TECHNICIAN, read_only=True)
    @blp.response(200, WorkOrderDetailSchema)  # documents the body; built as plain rows
    def get(self, order_id):
        """One work order with its timeline"""
        return jsonify(queries.detail(current_user(), order_id))


@blp.route("/<int:order_id>/cancel")
class WorkOrderCancelViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT, Role.DISPATCHER, Role.ADMIN)
    @blp.arguments(CancelSchema)
    @blp.response(200, WorkOrderDetailSchema)
    @commits
    def post(self, body, order_id):
        """Cancel an open order with a reason (nothing is deleted)"""
        order = services.get_for(current_user(), order_id, lock=True)
        services.cancel(order, body["reason"], current_user())
        return order
