import marshmallow as ma
import shapely.wkt

from app.schemas import GeometryPointField, LocationSchema, PageArgsSchema, page_of
from app.visits import rules
from app.visits.models import (
    FORM_CHANNELS_ZH,
    LINK_DELIVERIES,
    PHOTO_PURPOSES,
    SUBMISSION_WARNINGS_ZH,
    VIOLATION_KINDS,
)
from app.workorders import states
from app.workorders.schemas import WorkOrderEventSchema, WorkOrderSchema

V = ma.validate
TEXT = V.Length(0, 4000)


class PositionField(GeometryPointField):
    """A point as {lat, lon}, also before the row is reloaded (it is still EWKT text then)."""

    def _serialize(self, value, attr, obj, **kwargs):
        if isinstance(value, str):
            point = shapely.wkt.loads(value.split(";", 1)[-1])
            return {"lon": point.x, "lat": point.y}
        return super()._serialize(value, attr, obj, **kwargs)


class StepSchema(ma.Schema):
    """What every phone step may carry: the phone's clock and position (R3.9, R7)."""

    device_time = ma.fields.AwareDateTime(
        load_default=None, metadata={"description": "设备时间 / the phone's clock, with offset"}
    )
    position = ma.fields.Nested(LocationSchema, load_default=None)
    accuracy_m = ma.fields.Float(load_default=None, validate=V.Range(0, 100000))


class DeclineStepSchema(StepSchema):
    reason = ma.fields.String(required=True, validate=V.Length(2, 1000))


class ContactAttemptSchema(StepSchema):
    outcome = ma.fields.String(required=True, validate=V.OneOf(list(rules.CONTACT_OUTCOMES)))
    method = ma.fields.String(load_default="phone", validate=V.OneOf(rules.CONTACT_METHODS))
    note = ma.fields.String(load_default="", validate=V.Length(0, 1000))


class AppointmentSchema(StepSchema):
    start = ma.fields.AwareDateTime(required=True)
    end = ma.fields.AwareDateTime(required=True)
    note = ma.fields.String(load_default="", validate=V.Length(0, 1000))


class RescheduleSchema(AppointmentSchema):
    reason = ma.fields.String(required=True, validate=V.Length(2, 1000))
    customer_informed_via = ma.fields.String(required=True, validate=V.OneOf(rules.CONTACT_METHODS))
    customer_informed_at = ma.fields.AwareDateTime(
        required=True, metadata={"description": "何时告知客户 / when the customer was told"}
    )


class ArriveSchema(StepSchema):
    position = ma.fields.Nested(LocationSchema, required=True)


class ChecklistTickSchema(StepSchema):
    item = ma.fields.String(
        required=True,
        validate=V.OneOf(list(rules.CHECKLIST)),
        metadata={"description": ", ".join(rules.CHECKLIST)},
    )
    note = ma.fields.String(load_default="", validate=V.Length(0, 1000))


class PartSchema(ma.Schema):
    name = ma.fields.String(required=True, validate=V.Length(1, 100))
    code = ma.fields.String(validate=V.Length(1, 40))
    quantity = ma.fields.Float(required=True, validate=V.Range(0, 100000, min_inclusive=False))
    unit = ma.fields.String(load_default="个", validate=V.Length(1, 10))


class MeterReplacementSchema(ma.Schema):
    old_meter_number = ma.fields.String(required=True, validate=V.Length(1, 40))
    old_meter_final_reading = ma.fields.Float(required=True, validate=V.Range(0, 1e9))
    new_meter_number = ma.fields.String(required=True, validate=V.Length(1, 40))
    new_meter_initial_reading = ma.fields.Float(required=True, validate=V.Range(0, 1e9))


class WorkRecordSchema(StepSchema):
    notes = ma.fields.String(validate=TEXT)
    parts = ma.fields.List(ma.fields.Nested(PartSchema), validate=V.Length(0, 50))
    meter_replacement = ma.fields.Nested(MeterReplacementSchema)


class CompleteSchema(StepSchema):
    note = ma.fields.String(load_default="", validate=V.Length(0, 1000))


class ViolationCreateSchema(StepSchema):
    kind = ma.fields.String(
        required=True,
        validate=V.OneOf(VIOLATION_KINDS),
        metadata={"description": "violation 违约用水 | theft 窃水"},
    )
    notes = ma.fields.String(required=True, validate=V.Length(2, 4000))
    photo_ids = ma.fields.List(ma.fields.Integer(), load_default=list, validate=V.Length(0, 20))
    customer_aggressive = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "客户态度蛮横,已报告未争执 / reported, not argued"},
    )


class PhotoUploadSchema(ma.Schema):
    purpose = ma.fields.String(load_default="work", validate=V.OneOf(PHOTO_PURPOSES))
    caption = ma.fields.String(load_default="", validate=V.Length(0, 200))
    device_time = ma.fields.AwareDateTime(load_default=None)


class PhotoFileSchema(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class TechnicianPhotoSchema(ma.Schema):
    technician_id = ma.fields.Integer()
    photo_set = ma.fields.Boolean()


class StepResultSchema(WorkOrderEventSchema):
    position = PositionField(allow_none=True)
    work_order_id = ma.fields.Integer()
    status = ma.fields.Function(lambda e: e.work_order.status)
    status_label = ma.fields.Function(lambda e: states.LABELS_ZH[e.work_order.status])


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    sha256 = ma.fields.String()
    content_type = ma.fields.String()
    size_bytes = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    purpose = ma.fields.String()
    caption = ma.fields.String()
    device_time = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    url = ma.fields.Function(lambda p: f"/api/workorders/{p.work_order_id}/photos/{p.id}")


class ViolationReportSchema(ma.Schema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    kind = ma.fields.String()
    notes = ma.fields.String()
    photo_ids = ma.fields.List(ma.fields.Integer())
    customer_aggressive = ma.fields.Boolean()
    referred_team_id = ma.fields.Integer(allow_none=True)
    position = PositionField(allow_none=True)
    accuracy_m = ma.fields.Float(allow_none=True)
    device_time = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()


class VisitSchema(ma.Schema):
    work_order_id = ma.fields.Integer()
    arrived_at = ma.fields.DateTime(allow_none=True)
    arrival_device_time = ma.fields.DateTime(allow_none=True)
    arrival_position = PositionField(allow_none=True)
    arrival_accuracy_m = ma.fields.Float(allow_none=True)
    arrival_distance_m = ma.fields.Float(allow_none=True)
    arrival_flagged = ma.fields.Boolean()
    checklist = ma.fields.Dict()
    notes = ma.fields.String()
    parts = ma.fields.List(ma.fields.Dict())
    meter_replacement = ma.fields.Dict(allow_none=True)
    customer_verified_at = ma.fields.DateTime(allow_none=True)


class ChecklistItemSchema(ma.Schema):
    item = ma.fields.String()
    label = ma.fields.String()
    done_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})


class WindowSchema(ma.Schema):
    start = ma.fields.DateTime()
    end = ma.fields.DateTime()


class VisitDetailSchema(ma.Schema):
    order = ma.fields.Nested(WorkOrderSchema)
    visit = ma.fields.Nested(VisitSchema)
    checklist = ma.fields.List(ma.fields.Nested(ChecklistItemSchema))
    contact_attempts = ma.fields.List(ma.fields.Nested(WorkOrderEventSchema))
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    violations = ma.fields.List(ma.fields.Nested(ViolationReportSchema))
    completion_missing = ma.fields.List(ma.fields.String())
    satisfaction_submitted = ma.fields.Boolean()
    suggested_window = ma.fields.Nested(WindowSchema)


class MyOrdersArgsSchema(ma.Schema):
    status = ma.fields.List(ma.fields.String(validate=V.OneOf(states.STATUSES)))


class MyOrderSchema(WorkOrderSchema):
    arrival_flagged = ma.fields.Boolean(allow_none=True)


MyOrderListSchema = page_of(MyOrderSchema)


class IdCheckSchema(ma.Schema):
    token = ma.fields.String()
    url = ma.fields.String()
    expires_at = ma.fields.DateTime()
    qr_svg = ma.fields.String(metadata={"description": "二维码 SVG / the QR code as SVG"})


class SatisfactionCreateSchema(ma.Schema):
    overall = ma.fields.Integer(required=True, validate=V.Range(1, 5))
    timeliness = ma.fields.Integer(required=True, validate=V.Range(1, 5))
    attitude = ma.fields.Integer(required=True, validate=V.Range(1, 5))
    professionalism = ma.fields.Integer(required=True, validate=V.Range(1, 5))
    site_clean = ma.fields.Boolean(required=True)
    comments = ma.fields.String(load_default="", validate=V.Length(0, 2000))
    suggestions = ma.fields.String(load_default="", validate=V.Length(0, 2000))
    device_time = ma.fields.AwareDateTime(load_default=None)


class SatisfactionFormSchema(SatisfactionCreateSchema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    order_number = ma.fields.Function(lambda f: f.work_order.number)
    technician_id = ma.fields.Integer(allow_none=True)
    team_id = ma.fields.Integer(allow_none=True)
    channel = ma.fields.String()
    channel_label = ma.fields.Function(lambda f: FORM_CHANNELS_ZH[f.channel])
    submitted_by_id = ma.fields.Integer(allow_none=True)
    link_issued_by_id = ma.fields.Function(
        lambda f: f.survey_link.issued_by_id if f.survey_link else None
    )
    link_delivery = ma.fields.Function(lambda f: f.survey_link.delivery if f.survey_link else None)
    warnings = ma.fields.List(ma.fields.String())
    warning_labels = ma.fields.Function(
        lambda f: [SUBMISSION_WARNINGS_ZH[w] for w in f.warnings or []]
    )
    submitted_at = ma.fields.DateTime()


class SatisfactionLinkCreateSchema(ma.Schema):
    delivery = ma.fields.String(
        load_default="qr",
        validate=V.OneOf(LINK_DELIVERIES),
        metadata={"description": "qr (shown on the phone), sms, read_out (told on the phone)"},
    )


class SatisfactionLinkSchema(ma.Schema):
    token = ma.fields.String()
    url = ma.fields.String()
    expires_at = ma.fields.DateTime()
    qr_svg = ma.fields.String()


class SatisfactionQueryArgsSchema(PageArgsSchema):
    submitted_from = ma.fields.AwareDateTime()
    submitted_to = ma.fields.AwareDateTime()
    team_id = ma.fields.Integer()
    technician_id = ma.fields.Integer()


class SatisfactionSummarySchema(ma.Schema):
    count = ma.fields.Integer()
    overall = ma.fields.Float(allow_none=True)
    timeliness = ma.fields.Float(allow_none=True)
    attitude = ma.fields.Float(allow_none=True)
    professionalism = ma.fields.Float(allow_none=True)
    site_clean_rate = ma.fields.Float(allow_none=True)


class SatisfactionPageSchema(page_of(SatisfactionFormSchema)):
    summary = ma.fields.Nested(SatisfactionSummarySchema)


class SyncItemSchema(ma.Schema):
    idempotency_key = ma.fields.String(required=True, validate=V.Length(1, 255))
    method = ma.fields.String(load_default="POST", validate=V.OneOf(["POST", "PUT"]))
    path = ma.fields.String(
        validate=V.Length(1, 255), metadata={"description": "e.g. /api/workorders/12/arrive"}
    )
    action = ma.fields.String(
        validate=V.Length(1, 40), metadata={"description": "instead of path: e.g. arrive"}
    )
    work_order_id = ma.fields.Integer()
    body = ma.fields.Dict(load_default=dict)
    device_time = ma.fields.AwareDateTime(load_default=None)

    @ma.pre_load
    def _device_time_into_body(self, data, **kwargs):
        """The item's device time belongs to the step, exactly as the phone wrote it."""
        body = data.get("body") if isinstance(data, dict) else None
        if isinstance(body, dict) and data.get("device_time"):
            data = {**data, "body": {"device_time": data["device_time"], **data["body"]}}
        return data

    @ma.validates_schema
    def _target(self, data, **kwargs):
        if not data.get("path") and not data.get("action"):
            raise ma.ValidationError("path or action is required / 需要 path 或 action", "path")


class SyncBatchSchema(ma.Schema):
    items = ma.fields.List(
        ma.fields.Nested(SyncItemSchema), required=True, validate=V.Length(1, 1000)
    )


class SyncItemResultSchema(ma.Schema):
    idempotency_key = ma.fields.String()
    status = ma.fields.Integer()
    body = ma.fields.Raw()
    replayed = ma.fields.Boolean()
    device_time = ma.fields.DateTime(allow_none=True)
    received_at = ma.fields.DateTime()


class SyncResultSchema(ma.Schema):
    results = ma.fields.List(ma.fields.Nested(SyncItemResultSchema))
