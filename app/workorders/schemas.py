import marshmallow as ma

from app.auth.permissions import mask_phone
from app.schemas import (
    CodeRefSchema,
    EventBaseSchema,
    GeometryPointField,
    IdField,
    LocationSchema,
    PageArgsSchema,
    page_of,
)
from app.workorders import deadlines, states, timeline
from app.workorders.models import CHANNELS, FLAG_LABELS_ZH, PROPERTY_SIDES, SLA_STATES

PHONE = ma.validate.Regexp(
    r"^\+?[0-9][0-9\- ]{4,30}$", error="not a phone number / 电话号码格式错误"
)


HHMM = ma.validate.Regexp(r"^([01][0-9]|2[0-3]):[0-5][0-9]$", error="HH:MM / 时间格式为 时:分")


class PreferredWindowSchema(ma.Schema):
    """The time the customer would like the visit, Beijing time; the phone offers it first."""

    start = ma.fields.String(required=True, validate=HHMM)
    end = ma.fields.String(required=True, validate=HHMM)

    @ma.validates_schema
    def _order(self, data, **kwargs):
        if data.get("start", "") >= data.get("end", "~"):
            raise ma.ValidationError("结束时间须晚于开始时间 / end must be after start", "end")


# What a client may mark on an order, and nothing else: unknown keys are refused (audit item 3).
WorkOrderFlagsSchema = ma.Schema.from_dict(
    {
        **{
            key: ma.fields.Boolean(truthy={True}, falsy={False}, metadata={"description": label})
            for key, label in FLAG_LABELS_ZH.items()
        },
        "preferred_window": ma.fields.Nested(PreferredWindowSchema),
    },
    name="WorkOrderFlagsSchema",
)


class WorkOrderCreateSchema(ma.Schema):
    type = ma.fields.String(required=True, validate=ma.validate.Length(1, 40))
    channel = ma.fields.String(required=True, validate=ma.validate.OneOf(CHANNELS))
    account_no = ma.fields.String(validate=ma.validate.Length(1, 32))
    caller_name = ma.fields.String(validate=ma.validate.Length(1, 100))
    caller_phone = ma.fields.String(validate=PHONE)
    address = ma.fields.String(validate=ma.validate.Length(1, 255))
    location = ma.fields.Nested(LocationSchema)
    meter_number = ma.fields.String(validate=ma.validate.Length(1, 40))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(0, 4000))
    limited_mobility = ma.fields.Boolean(
        load_default=False, metadata={"description": "孤寡老人/残疾人士,无人代劳 (R1.4)"}
    )
    property_side = ma.fields.String(
        load_default="unknown",
        validate=ma.validate.OneOf(PROPERTY_SIDES),
        metadata={"description": "Fault inside the company's property boundary? (R1.5)"},
    )
    flags = ma.fields.Nested(
        WorkOrderFlagsSchema,
        load_default=dict,
        metadata={"description": "Yes/no marks and the customer's preferred time"},
    )

    @ma.validates_schema
    def _where(self, data, **kwargs):
        if not data.get("account_no") and not data.get("address"):
            raise ma.ValidationError(
                "无户号时须填写地址 / address is required without an account number", "address"
            )


class ZoneRefSchema(CodeRefSchema):
    pass


class CustomerRefSchema(ma.Schema):
    id = ma.fields.Integer()
    account_no = ma.fields.String()
    name = ma.fields.String()


class WorkOrderEventSchema(EventBaseSchema):
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    server_time = ma.fields.DateTime()
    device_time = ma.fields.DateTime(allow_none=True)
    position = GeometryPointField(allow_none=True)
    accuracy_m = ma.fields.Float(allow_none=True)
    label = ma.fields.Function(lambda e: timeline.event_label(e.kind))
    sentence = ma.fields.Function(timeline.describe)


def sla_state_field():
    """The order's SLA state, computed from its deadline on every read (deadlines.py)."""
    return ma.fields.Function(lambda o: deadlines.sla_state(o.created_at, o.deadline_at, o.status))


class OrderRefSchema(ma.Schema):
    """What every list shows of an order to recognise it: number, type, status."""

    id = ma.fields.Integer()
    number = ma.fields.String()
    type = ma.fields.String(attribute="type_code")
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda o: states.LABELS_ZH[o.status])


class WorkOrderSchema(OrderRefSchema):
    type_name = ma.fields.Function(lambda o: o.type.name_zh)
    channel = ma.fields.String()
    allowed_actions = ma.fields.Function(lambda o: states.allowed_actions(o.status))
    priority = ma.fields.Integer()
    customer = ma.fields.Nested(CustomerRefSchema, allow_none=True)
    caller_name = ma.fields.String(allow_none=True)
    caller_phone = ma.fields.Function(lambda o: mask_phone(o.caller_phone), allow_none=True)
    address = ma.fields.String()
    location = GeometryPointField(allow_none=True)
    meter_number = ma.fields.String(allow_none=True)
    description = ma.fields.String()
    limited_mobility = ma.fields.Boolean()
    property_side = ma.fields.String()
    flags = ma.fields.Dict()
    zone = ma.fields.Nested(ZoneRefSchema, allow_none=True)
    unrouted = ma.fields.Function(lambda o: o.zone_id is None)
    team_id = ma.fields.Integer(allow_none=True)
    technician_id = ma.fields.Integer(allow_none=True)
    deadline_at = ma.fields.DateTime()
    deadline_rule = ma.fields.String()
    calendar_unconfirmed = ma.fields.Boolean()
    sla_state = sla_state_field()
    first_contact_user_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()
    assigned_at = ma.fields.DateTime(allow_none=True)
    accepted_at = ma.fields.DateTime(allow_none=True)
    appointment_start = ma.fields.DateTime(allow_none=True)
    appointment_end = ma.fields.DateTime(allow_none=True)
    completed_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    cancel_reason = ma.fields.String(allow_none=True)
    version = ma.fields.Integer(attribute="version_id")


class WorkOrderDetailSchema(WorkOrderSchema):
    timeline = ma.fields.List(ma.fields.Nested(WorkOrderEventSchema), attribute="events")


WorkOrderPageSchema = page_of(WorkOrderSchema)


class WorkOrderQueryArgsSchema(PageArgsSchema):
    status = ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(states.STATUSES)))
    type = ma.fields.String(validate=ma.validate.Length(1, 40))
    zone_id = IdField()
    team_id = IdField()
    technician_id = IdField()
    sla_state = ma.fields.String(validate=ma.validate.OneOf(SLA_STATES))
    unrouted = ma.fields.Boolean()
    created_from = ma.fields.DateTime()
    created_to = ma.fields.DateTime()
    q = ma.fields.String(
        validate=ma.validate.Length(1, 100),
        metadata={"description": "Text search on number, address and phone"},
    )


class CancelSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(2, 1000))
