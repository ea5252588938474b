import marshmallow as ma

from app.planning import editing, summary
from app.planning.models import PLAN_STATUSES
from app.schemas import IdField, PageArgsSchema, page_of
from app.workorders.schemas import OrderRefSchema


class PlanCreateSchema(ma.Schema):
    team_id = IdField(required=True)
    date = ma.fields.Date(required=True, metadata={"description": "本地日期 / local day"})


class PlanQueryArgsSchema(PageArgsSchema):
    team_id = IdField()
    day = ma.fields.Date(data_key="date")
    status = ma.fields.String(validate=ma.validate.OneOf(PLAN_STATUSES))


class PlanMoveSchema(ma.Schema):
    order_id = IdField(required=True)
    technician_id = IdField(
        required=True,
        allow_none=True,
        metadata={"description": "目标维修工;null 表示移出计划 / null takes it out of the plan"},
    )
    position = ma.fields.Integer(
        load_default=None,
        validate=ma.validate.Range(0, 500),
        metadata={"description": "0 起的位置,省略则排在最后 / 0-based; omitted: last"},
    )


class PlanOrderSchema(OrderRefSchema):
    address = ma.fields.String()
    priority = ma.fields.Integer()
    limited_mobility = ma.fields.Boolean()
    technician_id = ma.fields.Integer(allow_none=True)
    deadline_at = ma.fields.DateTime()


class PlanWindowSchema(ma.Schema):
    start = ma.fields.DateTime(attribute="window_start")
    end = ma.fields.DateTime(attribute="window_end")


class PlanMoveOptionSchema(ma.Schema):
    technician_id = ma.fields.Integer()
    name = ma.fields.String()
    allowed = ma.fields.Boolean()
    why_not = ma.fields.String(allow_none=True)


class PlanStopSchema(ma.Schema):
    sequence = ma.fields.Integer()
    moves = ma.fields.Function(
        lambda s: PlanMoveOptionSchema(many=True).dump(editing.move_options(s)),
        metadata={
            "description": "可移到的维修工,及不可移的原因 / where the stop may move, and why not"
        },
    )
    order = ma.fields.Nested(PlanOrderSchema, attribute="work_order")
    eta = ma.fields.DateTime(attribute="arrival_at")
    planned_start = ma.fields.DateTime()
    planned_end = ma.fields.DateTime()
    travel_minutes = ma.fields.Function(lambda s: round(s.travel_seconds / 60, 1))
    travel_km = ma.fields.Function(lambda s: round(s.travel_metres / 1000, 2))
    wait_minutes = ma.fields.Function(
        lambda s: round((s.planned_start - s.arrival_at).total_seconds() / 60)
    )
    service_minutes = ma.fields.Function(lambda s: s.service_seconds // 60)
    window = ma.fields.Function(lambda s: PlanWindowSchema().dump(s) if s.window_start else None)
    violations = ma.fields.Function(lambda s: summary.violations(s.violations))


class PlanUnassignedSchema(ma.Schema):
    order = ma.fields.Nested(PlanOrderSchema, attribute="work_order")
    moves = ma.fields.Function(
        lambda s: PlanMoveOptionSchema(many=True).dump(editing.move_options(s))
    )
    window = ma.fields.Function(lambda s: PlanWindowSchema().dump(s) if s.window_start else None)
    reason = ma.fields.Function(lambda s: summary.reason(s.reason_code))


class PlanTechnicianSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    employee_no = ma.fields.String()


class PlanShiftSchema(ma.Schema):
    start = ma.fields.DateTime(attribute="shift_start")
    end = ma.fields.DateTime(attribute="shift_end")
    source = ma.fields.String(attribute="shift_source")
    lunch_start = ma.fields.DateTime(allow_none=True)
    lunch_minutes = ma.fields.Integer(allow_none=True)


class PlanRouteSchema(ma.Schema):
    technician = ma.fields.Nested(PlanTechnicianSchema)
    skills = ma.fields.List(ma.fields.String())
    max_tasks = ma.fields.Integer()
    shift = ma.fields.Function(lambda r: PlanShiftSchema().dump(r))
    stops = ma.fields.Function(lambda r: PlanStopSchema(many=True).dump(summary.ordered(r)))
    back_at = ma.fields.DateTime(allow_none=True)
    totals = ma.fields.Function(summary.route_totals)
    violations = ma.fields.Function(lambda r: summary.violations(r.violations))


class PlanSchema(ma.Schema):
    id = ma.fields.Integer()
    team_id = ma.fields.Integer()
    date = ma.fields.Date(attribute="day")
    status = ma.fields.String()
    travel_estimate = ma.fields.Function(lambda p: p.settings.get("travel"))
    settings = ma.fields.Dict()
    solve_ms = ma.fields.Integer()
    created_by_id = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    accepted_by_id = ma.fields.Integer(allow_none=True)
    accepted_at = ma.fields.DateTime(allow_none=True)
    totals = ma.fields.Function(summary.plan_totals)


class PlanDetailSchema(PlanSchema):
    routes = ma.fields.List(ma.fields.Nested(PlanRouteSchema))
    unassigned = ma.fields.List(ma.fields.Nested(PlanUnassignedSchema))
    edits = ma.fields.List(ma.fields.Dict())


PlanPageSchema = page_of(PlanSchema)


class DayShiftQueryArgsSchema(ma.Schema):
    team_id = IdField(required=True)
    day = ma.fields.Date(required=True, data_key="date")


class DayShiftPutSchema(ma.Schema):
    off = ma.fields.Boolean(load_default=False)
    start = ma.fields.Time(metadata={"description": "本地时间 HH:MM / local time"})
    end = ma.fields.Time()
    note = ma.fields.String(validate=ma.validate.Length(0, 200))

    @ma.validates_schema
    def _hours(self, data, **kwargs):
        if data["off"]:
            return
        if "start" not in data or "end" not in data:
            raise ma.ValidationError(
                "上班需给出开始和结束时间 / start and end are required unless off", "start"
            )
        if data["end"] <= data["start"]:
            raise ma.ValidationError("结束须晚于开始 / end must be after start", "end")


class DayShiftSchema(ma.Schema):
    technician = ma.fields.Nested(PlanTechnicianSchema)
    date = ma.fields.Date(attribute="day")
    working = ma.fields.Boolean()
    source = ma.fields.String(
        metadata={"description": "roster | office_hours | on_call | not_working_day"}
    )
    start = ma.fields.Time(allow_none=True)
    end = ma.fields.Time(allow_none=True)
    lunch_minutes = ma.fields.Integer(allow_none=True)
    note = ma.fields.String(allow_none=True)
