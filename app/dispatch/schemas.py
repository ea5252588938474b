import marshmallow as ma

from app.dispatch.models import DUTY_KINDS
from app.schemas import PageArgsSchema, page_of
from app.workorders.schemas import WorkOrderSchema


class CandidateSchema(ma.Schema):
    rank = ma.fields.Integer()
    technician_id = ma.fields.Integer()
    name = ma.fields.String()
    team_id = ma.fields.Integer()
    distance_m = ma.fields.Float(metadata={"description": "metres on the geography"})
    load = ma.fields.Integer(metadata={"description": "open orders now"})
    max_open_orders = ma.fields.Integer()
    due_earlier = ma.fields.Integer(metadata={"description": "open orders due before this one"})
    on_call = ma.fields.Boolean()
    on_duty_roster = ma.fields.Boolean(metadata={"description": "on call or on the roster now"})
    fresh_position = ma.fields.Boolean()
    last_position_at = ma.fields.DateTime(allow_none=True)
    outside_team = ma.fields.Boolean(metadata={"description": "from a neighbouring team"})
    would_preempt = ma.fields.Boolean(metadata={"description": "an emergency displaces a job"})
    has_emergency = ma.fields.Boolean()


class ExcludedSchema(ma.Schema):
    technician_id = ma.fields.Integer()
    name = ma.fields.String()
    distance_m = ma.fields.Float(allow_none=True)
    reasons = ma.fields.List(ma.fields.String())
    labels = ma.fields.List(ma.fields.String())


class SuggestionsSchema(ma.Schema):
    order_id = ma.fields.Integer()
    emergency = ma.fields.Boolean()
    office_hours = ma.fields.Boolean()
    scope = ma.fields.String(metadata={"description": "team, neighbours, all_teams, none"})
    candidates = ma.fields.List(ma.fields.Nested(CandidateSchema))
    excluded = ma.fields.List(ma.fields.Nested(ExcludedSchema))


class AssignSchema(ma.Schema):
    technician_id = ma.fields.Integer(required=True)
    reason = ma.fields.String(validate=ma.validate.Length(1, 1000))
    override_reason = ma.fields.String(
        validate=ma.validate.Length(2, 1000),
        metadata={"description": "required when not the top suggestion"},
    )
    version = ma.fields.Integer(metadata={"description": "the order's version you saw"})


class ReassignSchema(AssignSchema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(2, 1000))


class DeclineSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(2, 1000))


class PositionBatchSchema(ma.Schema):
    positions = ma.fields.List(
        ma.fields.Dict(),
        required=True,
        validate=ma.validate.Length(1, 100),
        metadata={
            "description": "[{lat, lon, device_time, accuracy_m}], up to 100; "
            "each item is accepted or rejected on its own"
        },
    )


class RejectedPingSchema(ma.Schema):
    index = ma.fields.Integer()
    errors = ma.fields.Dict()


class PositionResultSchema(ma.Schema):
    accepted = ma.fields.Integer()
    rejected = ma.fields.List(ma.fields.Nested(RejectedPingSchema))
    last_position_at = ma.fields.DateTime(allow_none=True)


class QueueItemSchema(WorkOrderSchema):
    queue_reason = ma.fields.String()


QueuePageSchema = page_of(QueueItemSchema)


class QueueQueryArgsSchema(PageArgsSchema):
    team_id = ma.fields.Integer()


class DutyShiftSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    technician_id = ma.fields.Integer(required=True)
    technician_name = ma.fields.Function(lambda s: s.technician.name, dump_only=True)
    starts_at = ma.fields.AwareDateTime(required=True)
    ends_at = ma.fields.AwareDateTime(required=True)
    kind = ma.fields.String(load_default="on_call", validate=ma.validate.OneOf(DUTY_KINDS))
    note = ma.fields.String(validate=ma.validate.Length(0, 200))
    created_by_id = ma.fields.Integer(dump_only=True)

    @ma.validates_schema
    def _span(self, data, **kwargs):
        if data["ends_at"] <= data["starts_at"]:
            raise ma.ValidationError("须晚于开始时间 / must be after starts_at", "ends_at")
        if (data["ends_at"] - data["starts_at"]).days > 14:
            raise ma.ValidationError("一次排班最长14天 / at most 14 days per shift", "ends_at")


class DutyShiftQueryArgsSchema(ma.Schema):
    technician_id = ma.fields.Integer()
    at = ma.fields.AwareDateTime(metadata={"description": "on duty at this instant"})
    ends_after = ma.fields.AwareDateTime()
    starts_before = ma.fields.AwareDateTime()


class WorkOrderTypeSchema(ma.Schema):
    code = ma.fields.String(dump_only=True)
    name_zh = ma.fields.String(validate=ma.validate.Length(1, 60))
    name_en = ma.fields.String(validate=ma.validate.Length(1, 60))
    skill = ma.fields.String(
        attribute="skill_code",
        data_key="skill",
        allow_none=True,
        validate=ma.validate.Length(1, 40),
    )
    is_emergency = ma.fields.Boolean()
    deadline_working_days = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, 60))
    response_minutes = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(1, 1440))
    auto_assign = ma.fields.Boolean()
    active = ma.fields.Boolean()


class WorkOrderTypeUpdateSchema(WorkOrderTypeSchema):
    skill = ma.fields.String(allow_none=True, validate=ma.validate.Length(1, 40))


class AutoAssignSettingSchema(ma.Schema):
    type = ma.fields.String()
    type_name = ma.fields.String()
    is_emergency = ma.fields.Boolean()
    type_default = ma.fields.Boolean()
    team_override = ma.fields.Boolean(allow_none=True)
    effective = ma.fields.Boolean()


class AutoAssignUpdateSchema(ma.Schema):
    enabled = ma.fields.Boolean(
        required=True, allow_none=True, metadata={"description": "null removes the team's override"}
    )


class FailedJobSchema(ma.Schema):
    id = ma.fields.String()
    job = ma.fields.String()
    args = ma.fields.List(ma.fields.Raw())
    enqueued_at = ma.fields.DateTime(allow_none=True)
    ended_at = ma.fields.DateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
    retries_left = ma.fields.Integer(allow_none=True)


class FailedQueueSchema(ma.Schema):
    queue = ma.fields.String()
    count = ma.fields.Integer()
    jobs = ma.fields.List(ma.fields.Nested(FailedJobSchema))
