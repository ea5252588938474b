import marshmallow as ma

from app.auth.permissions import mask_phone
from app.desk.caller_schemas import OrderBriefSchema
from app.desk.catalogue import APPLICANT_KINDS, BUSINESSES
from app.desk.models import COVERAGES, SIGNER_KINDS
from app.schemas import CodeRefSchema
from app.workorders.schemas import PHONE

BUSINESS = ma.validate.OneOf(BUSINESSES)
KIND = ma.validate.OneOf(APPLICANT_KINDS)
TEXT = ma.validate.Length(1, 1000)


class FeatureCollectionSchema(ma.Schema):
    type = ma.fields.String()
    features = ma.fields.List(ma.fields.Dict())


class OrderTypeSchema(ma.Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()
    is_emergency = ma.fields.Boolean()


class KindSchema(ma.Schema):
    code = ma.fields.String()
    name_zh = ma.fields.String()
    name_en = ma.fields.String()


class NoticeKindsSchema(ma.Schema):
    businesses = ma.fields.List(ma.fields.Nested(KindSchema))
    applicant_kinds = ma.fields.List(ma.fields.Nested(KindSchema))


class PreviewQueryArgsSchema(ma.Schema):
    type = ma.fields.String(required=True, validate=ma.validate.Length(1, 40))
    account_no = ma.fields.String(validate=ma.validate.Length(1, 32))
    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(validate=ma.validate.Range(-180, 180))

    @ma.validates_schema
    def _pair(self, data, **kwargs):
        if ("lat" in data) != ("lon" in data):
            raise ma.ValidationError("lat and lon go together / 经纬度需同时提供", "lat")


class RefSchema(CodeRefSchema):
    pass


class DuplicateSchema(ma.Schema):
    reason = ma.fields.String(metadata={"description": "same_customer | nearby_same_type"})
    distance_m = ma.fields.Float(allow_none=True)
    order = ma.fields.Nested(OrderBriefSchema)


class PreviewSchema(ma.Schema):
    type = ma.fields.String()
    type_name = ma.fields.String()
    is_emergency = ma.fields.Boolean()
    location = ma.fields.Dict(allow_none=True)
    zone = ma.fields.Nested(RefSchema, allow_none=True)
    team = ma.fields.Nested(RefSchema, allow_none=True)
    unrouted = ma.fields.Boolean()
    deadline_at = ma.fields.DateTime()
    deadline_rule = ma.fields.String()
    calendar_unconfirmed = ma.fields.Boolean()
    duplicates = ma.fields.List(ma.fields.Nested(DuplicateSchema))


class MaterialSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    when = ma.fields.String(load_default=None, allow_none=True, validate=TEXT)
    stage = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(1, 60))
    deferrable = ma.fields.Boolean(load_default=False)


class NoticeEntrySchema(ma.Schema):
    business = ma.fields.String(dump_only=True)
    business_name = ma.fields.Function(lambda e: BUSINESSES[e.business][0], dump_only=True)
    applicant_kind = ma.fields.String(dump_only=True)
    applicant_kind_name = ma.fields.Function(
        lambda e: APPLICANT_KINDS[e.applicant_kind][0], dump_only=True
    )
    coverage = ma.fields.String(required=True, validate=ma.validate.OneOf(COVERAGES))
    conditions = ma.fields.List(ma.fields.String(validate=TEXT), load_default=list)
    time_limit = ma.fields.String(load_default=None, allow_none=True, validate=TEXT)
    procedure = ma.fields.List(ma.fields.String(validate=TEXT), load_default=list)
    materials = ma.fields.List(ma.fields.Nested(MaterialSchema), load_default=list)
    notes = ma.fields.List(ma.fields.String(validate=TEXT), load_default=list)
    source = ma.fields.String(load_default="", validate=ma.validate.Length(0, 200))
    version = ma.fields.Integer(dump_only=True)
    updated_at = ma.fields.DateTime(dump_only=True)
    updated_by_id = ma.fields.Integer(dump_only=True, allow_none=True)


class NoticeQueryArgsSchema(ma.Schema):
    business = ma.fields.String(validate=BUSINESS)
    applicant_kind = ma.fields.String(validate=KIND)


class ChecklistSchema(ma.Schema):
    have = ma.fields.List(ma.fields.String(validate=ma.validate.Length(1, 200)), load_default=list)
    not_applicable = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        load_default=list,
        metadata={"description": "Conditional materials whose condition does not apply"},
    )
    applicant = ma.fields.String(validate=ma.validate.Length(1, 200))


class ChecklistResultSchema(ma.Schema):
    entry = ma.fields.Nested(NoticeEntrySchema)
    missing = ma.fields.List(ma.fields.Nested(MaterialSchema))
    printable_text = ma.fields.String()
    sms_text = ma.fields.String()


class CommitmentSchema(ma.Schema):
    """告知承诺书: the five confirmations of §四(二) and the signer's proof."""

    true_intent = ma.fields.Boolean(required=True)
    informed = ma.fields.Boolean(required=True)
    materials_true = ma.fields.Boolean(required=True)
    supply_in_time = ma.fields.Boolean(required=True)
    accept_liability = ma.fields.Boolean(required=True)
    id_copy = ma.fields.Boolean(load_default=False)
    legal_rep_or_seal = ma.fields.Boolean(load_default=False)
    power_of_attorney = ma.fields.Boolean(load_default=False)


class DeferralCreateSchema(ma.Schema):
    business = ma.fields.String(required=True, validate=BUSINESS)
    applicant_kind = ma.fields.String(required=True, validate=KIND)
    applicant_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 200))
    applicant_phone = ma.fields.String(validate=PHONE)
    account_no = ma.fields.String(validate=ma.validate.Length(1, 32))
    signer_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(SIGNER_KINDS))
    signer_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 100))
    commitment = ma.fields.Nested(CommitmentSchema, required=True)
    missing = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(1, 200)),
        required=True,
        validate=ma.validate.Length(1, 50),
    )
    due_on = ma.fields.Date(
        required=True,
        metadata={"description": "补齐期限:签订供水配套协议书之前 / due before the agreement"},
    )
    note = ma.fields.String(load_default="", validate=ma.validate.Length(0, 2000))


class DeferredItemSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    supplied_at = ma.fields.DateTime(allow_none=True)


class DeferralSchema(ma.Schema):
    id = ma.fields.Integer()
    number = ma.fields.String()
    business = ma.fields.String()
    applicant_kind = ma.fields.String()
    title = ma.fields.Function(
        lambda d: f"{BUSINESSES[d.business][0]}({APPLICANT_KINDS[d.applicant_kind][0]})"
    )
    applicant_name = ma.fields.String()
    applicant_phone = ma.fields.Function(lambda d: mask_phone(d.applicant_phone), allow_none=True)
    customer_id = ma.fields.Integer(allow_none=True)
    signer_kind = ma.fields.String()
    signer_name = ma.fields.String()
    commitment = ma.fields.Dict()
    committed_on = ma.fields.Date()
    due_on = ma.fields.Date()
    days_left = ma.fields.Integer()
    overdue = ma.fields.Boolean()
    status = ma.fields.String()
    agreement_signed_at = ma.fields.DateTime(allow_none=True)
    note = ma.fields.String()
    created_by_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    items = ma.fields.List(ma.fields.Nested(DeferredItemSchema))


class DeferralQueryArgsSchema(ma.Schema):
    status = ma.fields.String(validate=ma.validate.OneOf(("open", "complete", "signed")))
    due_within_days = ma.fields.Integer(
        validate=ma.validate.Range(0, 365),
        metadata={"description": "Open promises due within N days (overdue included)"},
    )


class SupplySchema(ma.Schema):
    item_ids = ma.fields.List(ma.fields.Integer(), required=True, validate=ma.validate.Length(1))
