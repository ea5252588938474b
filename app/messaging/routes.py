"""SMS API: the outbox for staff (短信发件箱), an order's messages, and opt-outs (R8)."""

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from app.auth.permissions import current_user
from app.auth.roles import DISPATCH, FRONT_OFFICE, Role
from app.common.transaction import commits
from app.errors import NotFound
from app.extensions import Blueprint, db
from app.messaging import services, signing
from app.messaging.models import RemoteSignRequest, SmsMessage
from app.messaging.schemas import (
    OneTimeNoticeSchema,
    OptOutResultSchema,
    OptOutSchema,
    RemoteSignedSchema,
    RemoteSignRequestCreateSchema,
    RemoteSignRequestSchema,
    RemoteSignSchema,
    SmsMessagePageSchema,
    SmsMessageQueryArgsSchema,
    SmsMessageSchema,
)
from app.queries import paginate
from app.workorders.services import get_for

blp = Blueprint("sms", __name__, url_prefix="/api", description="短信 / SMS")


@blp.route("/sms/messages")
class SmsMessageViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.arguments(SmsMessageQueryArgsSchema, location="query")
    @blp.response(200, SmsMessagePageSchema)
    def get(self, args):
        """Messages, newest first, with every attempt and the provider's answer"""
        stmt = sa.select(SmsMessage)
        for name in ("status", "kind", "work_order_id"):
            if args.get(name) is not None:
                stmt = stmt.where(getattr(SmsMessage, name) == args[name])
        if args.get("phone"):
            stmt = stmt.where(SmsMessage.phone == args["phone"])
        return paginate(
            stmt,
            args,
            SmsMessage.created_at.desc(),
            SmsMessage.id,
            options=(selectinload(SmsMessage.attempt_rows),),
        )


@blp.route("/workorders/<int:order_id>/sms")
class OrderSmsViews(MethodView):
    @blp.auth(*FRONT_OFFICE)
    @blp.response(200, SmsMessageSchema(many=True))
    def get(self, order_id):
        """The messages sent about this order, each with its attempts"""
        order = get_for(current_user(), order_id)
        return db.session.scalars(
            sa.select(SmsMessage)
            .where(SmsMessage.work_order_id == order.id)
            .options(selectinload(SmsMessage.attempt_rows))
            .order_by(SmsMessage.created_at)
        ).all()


@blp.route("/sms/opt-outs")
class OptOutViews(MethodView):
    @blp.auth(*FRONT_OFFICE)
    @blp.arguments(OptOutSchema)
    @blp.response(201, OptOutResultSchema)
    @commits
    def post(self, data):
        """Record that a number wants no more non-essential messages (the customer asked)"""
        phone = services.opt_out(data["phone"], source="staff")
        return {"phone": phone, "opted_out": True}

    @blp.auth(*FRONT_OFFICE)
    @blp.arguments(OptOutSchema, location="query")
    @blp.response(200, OptOutResultSchema)
    @commits
    def delete(self, data):
        """The number takes order news again"""
        phone = services.opt_in(data["phone"])
        return {"phone": phone, "opted_out": False}


@blp.route("/sms/one-time-notices")
class OneTimeNoticeViews(MethodView):
    @blp.auth(*FRONT_OFFICE)
    @blp.arguments(OneTimeNoticeSchema)
    @blp.response(201, SmsMessageSchema)
    @commits
    def post(self, data):
        """Send the one-time notification (R5.1: what the applicant still lacks) by SMS"""
        message = services.one_time_notice(data, current_user())
        return message


@blp.route("/signatures/remote-requests")
class RemoteSignRequestViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @blp.arguments(RemoteSignRequestCreateSchema)
    @blp.response(201, RemoteSignRequestSchema)
    @commits
    def post(self, data):
        """On site: the customer will sign on their own phone; link and one-time code by SMS"""
        request = signing.request_signature(current_user(), data)
        return request


@blp.route("/signatures/remote-requests/<int:request_id>")
class RemoteSignRequestByIdViews(MethodView):
    @blp.auth(Role.TECHNICIAN)
    @blp.response(200, RemoteSignRequestSchema)
    def get(self, request_id):
        """Whether the customer has signed yet (the technician's phone asks while waiting)"""
        request = db.session.get(RemoteSignRequest, request_id)
        if request is None or request.requested_by_id != current_user().id:
            raise NotFound("签字请求不存在 / no such signing request")
        return request


@blp.route("/sign/<token>")
class RemoteSignViews(MethodView):
    @blp.arguments(RemoteSignSchema)
    @blp.response(201, RemoteSignedSchema)
    @commits
    def post(self, data, token):
        """The customer signs on their own phone with the SMS's one-time code (no login)"""
        signature = signing.sign(token, data)
        return signature
