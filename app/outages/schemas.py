import marshmallow as ma
from geoalchemy2.shape import to_shape
from shapely.geometry import mapping

from app.outages.rules import KIND_LABELS_ZH, KINDS, STATUS_LABELS_ZH


def _geojson(outage):
    return mapping(to_shape(outage.area)) if outage.area is not None else None


class OutageCreateSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    area_name = ma.fields.String(required=True, validate=ma.validate.Length(1, 120))
    area = ma.fields.Dict(metadata={"description": "GeoJSON Polygon/MultiPolygon drawn on the map"})
    zone_ids = ma.fields.List(ma.fields.Integer(), validate=ma.validate.Length(max=50))
    start_at = ma.fields.AwareDateTime(required=True)
    expected_end_at = ma.fields.AwareDateTime(required=True)
    reason = ma.fields.String(required=True, validate=ma.validate.Length(1, 500))
    work_order_id = ma.fields.Integer(metadata={"description": "the 抢修 order (emergency)"})
    fire_supply_affected = ma.fields.Boolean(load_default=False)
    approval_reason = ma.fields.String(
        validate=ma.validate.Length(1, 500),
        metadata={"description": "a lead's reason for a planned outage with < 24 h notice"},
    )


class OutageChangeSchema(ma.Schema):
    start_at = ma.fields.AwareDateTime()
    expected_end_at = ma.fields.AwareDateTime()
    reason = ma.fields.String(validate=ma.validate.Length(1, 500))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))


class OutageSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    kind_label = ma.fields.Function(lambda o: KIND_LABELS_ZH[o.kind])
    status = ma.fields.String()
    status_label = ma.fields.Function(lambda o: STATUS_LABELS_ZH[o.status])
    area_name = ma.fields.String()
    area = ma.fields.Function(_geojson)
    zone_ids = ma.fields.List(ma.fields.Integer())
    start_at = ma.fields.DateTime()
    expected_end_at = ma.fields.DateTime()
    restored_at = ma.fields.DateTime(allow_none=True)
    reason = ma.fields.String()
    work_order_id = ma.fields.Integer(allow_none=True)
    fire_supply_affected = ma.fields.Boolean()
    notify = ma.fields.Function(
        lambda o: ["受影响用户"] + (["消防部门"] if o.fire_supply_affected else [])
    )
    approval_reason = ma.fields.String(allow_none=True)
    affected_count = ma.fields.Integer()
    emergency_water_at = ma.fields.DateTime(allow_none=True)
    history = ma.fields.List(ma.fields.Dict())


class OutageQueryArgsSchema(ma.Schema):
    lon = ma.fields.Float(validate=ma.validate.Range(-180, 180))
    lat = ma.fields.Float(validate=ma.validate.Range(-90, 90))
    account_no = ma.fields.String(validate=ma.validate.Length(1, 32))


class OutageCallCreateSchema(ma.Schema):
    customer_id = ma.fields.Integer()
    caller_name = ma.fields.String(validate=ma.validate.Length(max=100))
    caller_phone = ma.fields.String(validate=ma.validate.Length(max=32))
    address = ma.fields.String(validate=ma.validate.Length(max=255))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=1000))


class OutageCallSchema(OutageCallCreateSchema):
    id = ma.fields.Integer()
    outage_id = ma.fields.Integer()
    taken_at = ma.fields.DateTime()
