import marshmallow as ma

from app.auth.permissions import mask_phone
from app.database import utcnow
from app.messaging.rules import KINDS, STATUSES
from app.schemas import PageArgsSchema, page_of
from app.signatures.documents import verification_code
from app.signatures.models import SIGNER_RELATIONS
from app.signatures.schemas import StrokePointSchema
from app.signatures.services import receipt_link


class SmsAttemptSchema(ma.Schema):
    at = ma.fields.DateTime()
    provider = ma.fields.String()
    ok = ma.fields.Boolean()
    retryable = ma.fields.Boolean()
    answer = ma.fields.Dict()


class SmsMessageSchema(ma.Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String()
    kind_label = ma.fields.Function(lambda m: KINDS[m.kind].label_zh)
    phone = ma.fields.Function(lambda m: mask_phone(m.phone))  # R7: masked for admins
    text = ma.fields.String()
    status = ma.fields.String()
    work_order_id = ma.fields.Integer(allow_none=True)
    complaint_id = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.DateTime()
    next_attempt_at = ma.fields.DateTime()
    deferred_reason = ma.fields.String(allow_none=True)
    attempts = ma.fields.Integer()
    sent_at = ma.fields.DateTime(allow_none=True)
    provider = ma.fields.String(allow_none=True)
    provider_message_id = ma.fields.String(allow_none=True)
    attempt_rows = ma.fields.List(ma.fields.Nested(SmsAttemptSchema), data_key="attempt_log")


class SmsMessagePageSchema(page_of(SmsMessageSchema)):
    pass


class SmsMessageQueryArgsSchema(PageArgsSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=ma.validate.OneOf(tuple(KINDS)))
    phone = ma.fields.String(validate=ma.validate.Length(max=32))
    work_order_id = ma.fields.Integer()


class OptOutSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(1, 32))


class OptOutResultSchema(ma.Schema):
    phone = ma.fields.String()
    opted_out = ma.fields.Boolean()


class OneTimeNoticeSchema(ma.Schema):
    phone = ma.fields.String(required=True, validate=ma.validate.Length(1, 32))
    business = ma.fields.String(required=True, validate=ma.validate.Length(1, 40))
    applicant_kind = ma.fields.String(required=True, validate=ma.validate.Length(1, 40))
    have = ma.fields.List(ma.fields.String(validate=ma.validate.Length(1, 200)), load_default=list)
    not_applicable = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(1, 200)), load_default=list
    )


class RemoteSignRequestCreateSchema(ma.Schema):
    document_kind = ma.fields.String(
        load_default="meter_damage",
        validate=ma.validate.Length(1, 40),
        metadata={"description": "meter_damage; 停止供水通知 (water_shutoff_notice) is refused"},
    )
    work_order_id = ma.fields.Integer(required=True)
    damage_record_id = ma.fields.Integer(required=True)
    phone = ma.fields.String(
        required=True,
        validate=ma.validate.Length(1, 32),
        metadata={"description": "the customer's mobile: gets the link and the one-time code"},
    )
    signer_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    signer_relation = ma.fields.String(required=True, validate=ma.validate.OneOf(SIGNER_RELATIONS))


def _request_status(request):
    if request.closed_reason is not None:
        return request.closed_reason
    return "expired" if request.expires_at <= utcnow() else "open"


class RemoteSignRequestSchema(ma.Schema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    damage_record_id = ma.fields.Integer()
    phone = ma.fields.Function(lambda r: mask_phone(r.phone))
    created_at = ma.fields.DateTime()
    expires_at = ma.fields.DateTime()
    status = ma.fields.Function(
        _request_status,
        metadata={"description": "open, signed, expired, replaced or locked (wrong codes)"},
    )
    signature_id = ma.fields.Integer(allow_none=True)


class RemoteSignSchema(ma.Schema):
    code = ma.fields.String(
        required=True,
        validate=ma.validate.Regexp(r"^[0-9]{6}$", error="6 digits"),
        metadata={"description": "the one-time code from the SMS"},
    )
    signer_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    signer_relation = ma.fields.String(required=True, validate=ma.validate.OneOf(SIGNER_RELATIONS))
    strokes = ma.fields.List(
        ma.fields.List(ma.fields.Nested(StrokePointSchema), validate=ma.validate.Length(1, 5000)),
        required=True,
        validate=ma.validate.Length(1, 200),
    )
    png_base64 = ma.fields.String(required=True, validate=ma.validate.Length(8, 1_500_000))
    user_agent = ma.fields.String(load_default="", validate=ma.validate.Length(0, 300))


class RemoteSignedSchema(ma.Schema):
    signature_id = ma.fields.Integer(attribute="id")
    document_sha256 = ma.fields.String()
    verification_code = ma.fields.Function(lambda s: verification_code(s.document_sha256))
    receipt_url = ma.fields.Function(lambda s: receipt_link(s)["url"])
