import sqlalchemy as sa
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import DISPATCH, Role
from app.common.transaction import commits
from app.dispatch import admin
from app.dispatch.routes import blp
from app.dispatch.schemas import (
    AutoAssignSettingSchema,
    AutoAssignUpdateSchema,
    DutyShiftQueryArgsSchema,
    DutyShiftSchema,
    FailedQueueSchema,
    WorkOrderTypeSchema,
    WorkOrderTypeUpdateSchema,
)
from app.extensions import db
from app.workorders.models import WorkOrderType


@blp.route("/admin/duty-shifts")
class DutyShiftViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(DutyShiftQueryArgsSchema, location="query")
    @blp.response(200, DutyShiftSchema(many=True))
    def get(self, args):
        """The on-call roster (值班表), filtered by technician or instant"""
        return admin.shifts(args)

    @blp.auth(Role.ADMIN)
    @blp.arguments(DutyShiftSchema)
    @blp.response(201, DutyShiftSchema)
    @commits
    def post(self, data):
        """Put a technician on the roster for a span (evenings, weekends, holidays)"""
        shift = admin.add_shift(data, current_user())
        return shift


@blp.route("/admin/duty-shifts/<int:shift_id>")
class DutyShiftByIdViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(204)
    @commits
    def delete(self, shift_id):
        """Take a shift off the roster"""
        admin.remove_shift(shift_id)


@blp.route("/admin/workorder-types")
class WorkOrderTypeViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.response(200, WorkOrderTypeSchema(many=True))
    def get(self):
        """Work-order types with their skill, time limit and auto-assignment"""
        return db.session.scalars(sa.select(WorkOrderType).order_by(WorkOrderType.code)).all()


@blp.route("/admin/workorder-types/<code>")
class WorkOrderTypeByCodeViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.arguments(WorkOrderTypeUpdateSchema)
    @blp.response(200, WorkOrderTypeSchema)
    @commits
    def put(self, data, code):
        """Create or change a type: its required skill is configuration, not code"""
        order_type = admin.save_type(code, data)
        return order_type


@blp.route("/admin/teams/<int:team_id>/auto-assign")
class AutoAssignViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.response(200, AutoAssignSettingSchema(many=True))
    def get(self, team_id):
        """Automatic assignment per type for one team (emergencies are always automatic)"""
        return admin.auto_assign_settings(team_id)


@blp.route("/admin/teams/<int:team_id>/auto-assign/<code>")
class AutoAssignByTypeViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(AutoAssignUpdateSchema)
    @blp.response(200, AutoAssignSettingSchema(many=True))
    @commits
    def put(self, body, team_id, code):
        """Turn automatic assignment on or off for one type in one team"""
        settings = admin.set_auto_assign(team_id, code, body["enabled"], current_user())
        return settings


@blp.route("/admin/jobs/failed")
class FailedJobViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, FailedQueueSchema(many=True))
    def get(self):
        """Failed background jobs per queue (RQ FailedJobRegistry)"""
        return admin.failed_jobs()
