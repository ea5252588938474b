from flask.views import MethodView

from app.auth.roles import Role
from app.common.transaction import commits
from app.complaints import access, roster
from app.complaints.blueprint import blp
from app.complaints.bulletin_schemas import (
    ComplaintDutyShiftCreateSchema,
    ComplaintDutyShiftQueryArgsSchema,
    ComplaintDutyShiftSchema,
    ComplaintRecipientsSchema,
)


@blp.route("/duty-shifts")
class DutyShiftViews(MethodView):
    @blp.auth(Role.ADMIN, Role.HOTLINE_AGENT, Role.GENERAL_MANAGER)
    @blp.arguments(ComplaintDutyShiftQueryArgsSchema, location="query")
    @blp.response(200, ComplaintDutyShiftSchema(many=True))
    def get(self, args):
        """Who is on duty (值班) for complaints, day by day"""
        return roster.shifts_between(args["start"], args["end"])

    @blp.auth(Role.ADMIN)
    @blp.arguments(ComplaintDutyShiftCreateSchema)
    @blp.response(201, ComplaintDutyShiftSchema)
    @commits
    def post(self, data):
        """Put a user on duty for a day; on non-working days they get the complaint alerts"""
        shift = roster.add_shift(data)
        return shift


@blp.route("/duty-shifts/<int:shift_id>")
class DutyShiftByIdViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(204)
    @commits
    def delete(self, shift_id):
        """Take a roster entry off (roster configuration, not a complaint document)"""
        roster.remove_shift(shift_id)


@blp.route("/departments/<int:department_id>/recipients")
class RecipientViews(MethodView):
    @blp.auth(Role.ADMIN)
    @blp.response(200, ComplaintRecipientsSchema)
    def get(self, department_id):
        """Who, besides the lead, is told about the department's complaints"""
        access.department(department_id)
        return {"user_ids": roster.recipients(department_id)}

    @blp.auth(Role.ADMIN)
    @blp.arguments(ComplaintRecipientsSchema)
    @blp.response(200, ComplaintRecipientsSchema)
    @commits
    def put(self, body, department_id):
        """Replace the department's recipients"""
        access.department(department_id)
        found = roster.set_recipients(department_id, body["user_ids"])
        return {"user_ids": found}
