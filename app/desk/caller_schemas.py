import marshmallow as ma

from app.auth.permissions import mask_phone
from app.complaints.schemas import ComplaintRefSchema
from app.schemas import GeometryPointField
from app.workorders.schemas import CustomerRefSchema, OrderRefSchema, sla_state_field


class OrderBriefSchema(OrderRefSchema):
    """What a desk needs to recognise an order on a call: no timeline."""

    type_name = ma.fields.Function(lambda o: o.type.name_zh)
    address = ma.fields.String()
    description = ma.fields.String()
    created_at = ma.fields.DateTime()
    deadline_at = ma.fields.DateTime()
    sla_state = sla_state_field()
    technician_id = ma.fields.Integer(allow_none=True)


class ComplaintBriefSchema(ComplaintRefSchema):
    received_at = ma.fields.DateTime()
    description = ma.fields.String()


class MeterBriefSchema(ma.Schema):
    number = ma.fields.String()
    status = ma.fields.String()


class CustomerCardSchema(CustomerRefSchema):
    """A customer as the hotline sees them: contact, meters, open orders, recent history."""

    phone = ma.fields.Function(lambda c: mask_phone(c.phone), allow_none=True)
    address = ma.fields.String()
    location = GeometryPointField(allow_none=True)
    limited_mobility = ma.fields.Boolean()
    meters = ma.fields.List(ma.fields.Nested(MeterBriefSchema))
    open_orders = ma.fields.List(ma.fields.Nested(OrderBriefSchema))
    recent_orders = ma.fields.List(ma.fields.Nested(OrderBriefSchema))
    open_complaints = ma.fields.List(ma.fields.Nested(ComplaintBriefSchema))


class CustomerSearchSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(CustomerCardSchema))
    total = ma.fields.Integer()
    other_open_orders = ma.fields.List(
        ma.fields.Nested(OrderBriefSchema),
        metadata={"description": "Open orders with no customer whose phone or address matches"},
    )


class CustomerQueryArgsSchema(ma.Schema):
    q = ma.fields.String(
        required=True,
        validate=ma.validate.Length(2, 100),
        metadata={"description": "电话、户号或地址 / phone, account number (户号) or address"},
    )
    limit = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 50))
