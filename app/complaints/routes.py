from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user, mask_phone
from app.auth.roles import COMPLAINT_CALLERS, OFFICE, Role
from app.common.idempotency import idempotent, reloaded
from app.common.transaction import commits
from app.complaints import access, handling, links, queries, renderers, services
from app.complaints.blueprint import blp
from app.complaints.schemas import (
    ComplaintContactCreateSchema,
    ComplaintCreateSchema,
    ComplaintDetailSchema,
    ComplaintExtensionSchema,
    ComplaintFollowUpCreateSchema,
    ComplaintHandOffSchema,
    ComplaintPageSchema,
    ComplaintQueryArgsSchema,
    ComplaintResolutionSchema,
    ComplaintSensitiveSchema,
    WorkOrderFromComplaintSchema,
)


def _act(complaint_id, verb, *args):
    """Lock the complaint, apply one verb, return the complaint (the route's owner commits)."""
    user = current_user()
    complaint = access.get_for(user, complaint_id, lock=True)
    verb(complaint, *args, user)
    return complaint


@blp.route("")
class ComplaintViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.arguments(ComplaintQueryArgsSchema, location="query")
    @blp.response(200, ComplaintPageSchema)
    def get(self, args):
        """List complaints (a department lead sees their department's); ?work_order_id= links"""
        return queries.page(args, current_user())

    @blp.auth(Role.HOTLINE_AGENT)
    @idempotent(serialised=True)  # commits once, after the 201 body was built
    @blp.arguments(ComplaintCreateSchema)
    @blp.response(201, ComplaintDetailSchema)
    def post(self, data):
        """Take a complaint (用户投诉记录表): closed at intake, or given its hand-off deadline"""
        complaint = services.intake(data, current_user())
        return reloaded(complaint)


@blp.route("/<int:complaint_id>")
class ComplaintByIdViews(MethodView):
    @blp.auth(*OFFICE, read_only=True)
    @blp.response(200, ComplaintDetailSchema)
    def get(self, complaint_id):
        """One complaint with its clocks, contacts, replies, follow-ups, documents and timeline"""
        return access.detail_for(current_user(), complaint_id)


@blp.route("/<int:complaint_id>/record")
class ComplaintRecordViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, description="用户投诉记录表 as printable HTML", content_type="text/html")
    def get(self, complaint_id):
        """The written record (用户投诉记录表) as it stands, printable"""
        complaint = access.get_for(current_user(), complaint_id)
        page = renderers.render_record(complaint, mask_phone(complaint.caller_phone))
        return Response(page, mimetype="text/html")


@blp.route("/<int:complaint_id>/sensitive")
class SensitiveViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT, Role.DEPARTMENT_LEAD, Role.GENERAL_MANAGER)
    @blp.arguments(ComplaintSensitiveSchema)
    @blp.response(200, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Flag a complaint sensitive: its reply then needs a general manager's approval"""
        return _act(complaint_id, services.flag_sensitive, body["reason"])


@blp.route("/<int:complaint_id>/handoff")
class HandOffViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT)
    @blp.arguments(ComplaintHandOffSchema)
    @blp.response(200, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Hand the complaint and its written record to the responsible department"""
        return _act(complaint_id, services.hand_off, body)


@blp.route("/<int:complaint_id>/accept")
class AcceptViews(MethodView):
    @blp.auth(Role.DEPARTMENT_LEAD)
    @blp.response(200, ComplaintDetailSchema)
    @blp.alt_response(409, description="Not in progress, or already accepted")
    @commits
    def post(self, complaint_id):
        """The department lead signs for a handed-off complaint (签收)"""
        return _act(complaint_id, lambda complaint, user: handling.accept(complaint, user))


@blp.route("/<int:complaint_id>/contacts")
class ContactViews(MethodView):
    @blp.auth(*COMPLAINT_CALLERS)
    @blp.arguments(ComplaintContactCreateSchema)
    @blp.response(201, ComplaintDetailSchema)
    @blp.alt_response(403, description="An agent on a complaint another agent took")
    @commits
    def post(self, body, complaint_id):
        """Log a call or other contact with the customer (the department's lead, or the agent who
        took the complaint); kind progress_call answers the progress clock"""
        return _act(complaint_id, handling.log_contact, body)


@blp.route("/<int:complaint_id>/extension")
class ExtensionViews(MethodView):
    @blp.auth(Role.DEPARTMENT_LEAD)
    @blp.arguments(ComplaintExtensionSchema)
    @blp.response(200, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Extend the limit to 48 hours as a special case, with the reason"""
        return _act(complaint_id, handling.extend, body["reason"])


@blp.route("/<int:complaint_id>/resolution")
class ResolutionViews(MethodView):
    @blp.auth(Role.DEPARTMENT_LEAD)
    @blp.arguments(ComplaintResolutionSchema)
    @blp.response(200, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Record the department's resolution; a follow-up visit is opened"""
        return _act(complaint_id, handling.resolve, body)


@blp.route("/<int:complaint_id>/follow-up")
class FollowUpViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT, Role.DEPARTMENT_LEAD)
    @blp.arguments(ComplaintFollowUpCreateSchema)
    @blp.response(200, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Record the follow-up visit (回访); a dissatisfied one may reopen the complaint"""
        return _act(complaint_id, handling.follow_up, body)


@blp.route("/<int:complaint_id>/work-order")
class WorkOrderLinkViews(MethodView):
    @blp.auth(Role.HOTLINE_AGENT, Role.DEPARTMENT_LEAD)
    @blp.arguments(WorkOrderFromComplaintSchema)
    @blp.response(201, ComplaintDetailSchema)
    @commits
    def post(self, body, complaint_id):
        """Open a work order from the complaint (e.g. a water-quality field check)"""
        return _act(complaint_id, links.open_work_order, body)
