import marshmallow as ma

from app.auth.permissions import mask_phone
from app.messaging.rules import KINDS, STATUSES
from app.schemas import PageArgsSchema, page_of


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
