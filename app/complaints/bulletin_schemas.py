"""Schemas of the weekly bulletin and of what an admin keeps (duty roster, recipients)."""

import marshmallow as ma

from app.schemas import IdField, PageArgsSchema, page_of

FORMATS = ("json", "csv", "html", "xlsx")


class ComplaintBulletinQueryArgsSchema(ma.Schema):
    department_id = IdField()
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS))


class ComplaintBulletinItemSchema(ma.Schema):
    number = ma.fields.String()
    at = ma.fields.String()
    label = ma.fields.String()
    detail = ma.fields.String()


class ComplaintBulletinSectionSchema(ma.Schema):
    department_id = IdField()
    department = ma.fields.String()
    code = ma.fields.String()
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    justified = ma.fields.List(ma.fields.Nested(ComplaintBulletinItemSchema))
    breaches = ma.fields.List(ma.fields.Nested(ComplaintBulletinItemSchema))
    dissatisfied = ma.fields.List(ma.fields.Nested(ComplaintBulletinItemSchema))
    overdue_work_orders = ma.fields.List(ma.fields.Nested(ComplaintBulletinItemSchema))


class ComplaintBulletinSchema(ma.Schema):
    year = ma.fields.Integer()
    week = ma.fields.Integer()
    start = ma.fields.String()
    end = ma.fields.String()
    departments = ma.fields.List(ma.fields.Nested(ComplaintBulletinSectionSchema))


class ComplaintStoredBulletinQueryArgsSchema(PageArgsSchema):
    year = ma.fields.Integer(validate=ma.validate.Range(2000, 2100))
    week = ma.fields.Integer(validate=ma.validate.Range(1, 53))
    department_id = IdField()


class ComplaintStoredBulletinSchema(ma.Schema):
    id = ma.fields.Integer()
    department_id = IdField()
    iso_year = ma.fields.Integer()
    iso_week = ma.fields.Integer()
    produced_at = ma.fields.DateTime()
    produced_by = ma.fields.String()
    sha256 = ma.fields.String()
    counts = ma.fields.Function(lambda b: b.data.get("counts", {}))


ComplaintStoredBulletinPageSchema = page_of(ComplaintStoredBulletinSchema)


class ComplaintFormatArgsSchema(ma.Schema):
    format = ma.fields.String(load_default="json", validate=ma.validate.OneOf(FORMATS))


class ComplaintDutyShiftCreateSchema(ma.Schema):
    day = ma.fields.Date(required=True)
    user_id = IdField(required=True)
    note = ma.fields.String(load_default="", validate=ma.validate.Length(0, 200))


class ComplaintDutyShiftQueryArgsSchema(ma.Schema):
    start = ma.fields.Date(required=True, data_key="from")
    end = ma.fields.Date(required=True, data_key="to")


class ComplaintDutyShiftSchema(ma.Schema):
    id = ma.fields.Integer()
    day = ma.fields.Date()
    user_id = IdField()
    user_name = ma.fields.Function(lambda s: s.user.display_name)
    note = ma.fields.String()


class ComplaintRecipientsSchema(ma.Schema):
    user_ids = ma.fields.List(IdField(), required=True, validate=ma.validate.Length(0, 50))
