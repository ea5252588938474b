from flask import Response
from flask.views import MethodView

from app.auth.permissions import current_user
from app.auth.roles import DISPATCH, FIELD_WORK_READERS
from app.common.idempotency import idempotent
from app.common.storage import get_storage
from app.common.transaction import commits
from app.errors import NotFound
from app.extensions import Blueprint
from app.signatures import services, verification
from app.signatures.schemas import (
    DamageRecordSchema,
    PublicKeySchema,
    SignatureDetailSchema,
    VerificationSchema,
)
from app.signatures.steps import METER_DAMAGE, SIGN
from app.visits.routes import step_view

blp = Blueprint(
    "signatures",
    __name__,
    url_prefix="/api",
    description="损坏确认与签名 / Meter damage and signatures",
)


# POST on this path is the "meter-damage" phone step, generated from its row in the table.
blp.route("/workorders/<int:order_id>/meter-damage")(step_view(blp, METER_DAMAGE))


@blp.route("/workorders/<int:order_id>/meter-damage")
class DamageRecordListViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, DamageRecordSchema(many=True))
    def get(self, order_id):
        """The order's meter-damage records, each with its signature id once signed"""
        return services.damage_records(current_user(), order_id)


@blp.route("/signatures")
class SignatureViews(MethodView):
    @blp.auth(*SIGN.roles)
    @idempotent
    @blp.arguments(SIGN.schema)
    @blp.response(SIGN.status, SIGN.result)
    def post(self, data):
        """The customer signs a damage record: strokes and PNG; the server signs the document"""
        return SIGN.handler(current_user(), data)


@blp.route("/signatures/public-key")
class PublicKeyViews(MethodView):
    @blp.response(200, PublicKeySchema)
    def get(self):
        """The server's Ed25519 public key, to check a signed document independently"""
        return services.public_key_info()


@blp.route("/signatures/<int:signature_id>")
class SignatureByIdViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, SignatureDetailSchema)
    @commits  # a GET that writes: the receipt link is issued on first read
    def get(self, signature_id):
        """One signature: the signed document, hashes, chain link and its one receipt link"""
        signature = services.get_signature(current_user(), signature_id)
        services.receipt_link(signature)  # issued on first read, the same one after that
        return signature


@blp.route("/signatures/<int:signature_id>/receipt-link")
class ReceiptLinkViews(MethodView):
    @blp.auth(*DISPATCH)
    @blp.response(204)
    @commits
    def delete(self, signature_id):
        """Revoke the customer's receipt link (sent to a wrong number, say); the next read
        issues a new one"""
        signature = services.get_signature(current_user(), signature_id)
        if not services.revoke_receipt_link(signature.id, current_user()):
            raise NotFound("没有有效的回执链接 / no live receipt link")


@blp.route("/signatures/<int:signature_id>/verify")
class SignatureVerifyViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, VerificationSchema)
    def get(self, signature_id):
        """Recompute hashes, signature and chain: intact, or exactly which part changed"""
        return verification.verify(services.get_signature(current_user(), signature_id))


@blp.route("/signatures/<int:signature_id>/png")
class SignaturePngViews(MethodView):
    @blp.auth(*FIELD_WORK_READERS)
    @blp.response(200, description="The signature image (PNG)")
    def get(self, signature_id):
        """The signature image as stored"""
        signature = services.get_signature(current_user(), signature_id)
        return Response(
            get_storage().get(signature.png_sha256),
            mimetype="image/png",
            headers={"Content-Disposition": f'inline; filename="signature-{signature.id}.png"'},
        )
