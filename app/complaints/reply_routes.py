from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import OFFICE, Role
from app.common.transaction import commits
from app.complaints import access, replies
from app.complaints.blueprint import blp
from app.complaints.schemas import (
    ComplaintApprovalCreateSchema,
    ComplaintApprovalSchema,
    ComplaintReplyCreateSchema,
    ComplaintReplySchema,
    ComplaintReplySentSchema,
    ComplaintReplySubmitSchema,
)


def _locked(complaint_id, reply_id):
    complaint = access.get_for(current_user(), complaint_id, lock=True)
    return complaint, replies.get(complaint, reply_id, lock=True)


@blp.route("/<int:complaint_id>/replies")
class ReplyViews(MethodView):
    @blp.auth(*OFFICE)
    @blp.response(200, ComplaintReplySchema(many=True))
    def get(self, complaint_id):
        """The complaint's replies, each with its approvals"""
        return access.get_for(current_user(), complaint_id).replies

    @blp.auth(Role.DEPARTMENT_LEAD)
    @blp.arguments(ComplaintReplyCreateSchema)
    @blp.response(201, ComplaintReplySchema)
    @commits
    def post(self, body, complaint_id):
        """Draft a reply; its text never changes afterwards (a new draft is a new reply)"""
        complaint = access.get_for(current_user(), complaint_id, lock=True)
        reply = replies.draft(complaint, body["body"], current_user())
        return reply


@blp.route("/<int:complaint_id>/replies/<int:reply_id>/submit")
class ReplySubmitViews(MethodView):
    @blp.auth(Role.DEPARTMENT_LEAD)
    @blp.arguments(ComplaintReplySubmitSchema)
    @blp.response(200, ComplaintReplySchema)
    @commits
    def post(self, body, complaint_id, reply_id):
        """Send a draft to the leader in charge for the general manager's approval"""
        complaint, reply = _locked(complaint_id, reply_id)
        replies.submit(complaint, reply, body.get("leader_in_charge_id"), current_user())
        return reply


@blp.route("/<int:complaint_id>/replies/<int:reply_id>/approval")
class ReplyApprovalViews(MethodView):
    @blp.auth(Role.GENERAL_MANAGER)
    @blp.arguments(ComplaintApprovalCreateSchema)
    @blp.response(201, ComplaintApprovalSchema)
    @blp.alt_response(409, description="Not submitted, or not the text you read")
    @commits
    def post(self, body, complaint_id, reply_id):
        """Approve and sign, or reject, the exact text of a submitted reply (总经理批示)"""
        complaint, reply = _locked(complaint_id, reply_id)
        approval = replies.decide(complaint, reply, body, current_user())
        return approval


@blp.route("/<int:complaint_id>/replies/<int:reply_id>/sent")
class ReplySentViews(MethodView):
    @blp.auth(Role.DEPARTMENT_LEAD, Role.HOTLINE_AGENT)
    @blp.arguments(ComplaintReplySentSchema)
    @blp.response(200, ComplaintReplySchema)
    @blp.alt_response(409, description="A sensitive complaint's reply without approval")
    @commits
    def post(self, body, complaint_id, reply_id):
        """Mark a reply sent; a sensitive complaint's needs its text approved first"""
        complaint, reply = _locked(complaint_id, reply_id)
        replies.mark_sent(complaint, reply, body["via"], current_user())
        return reply
