"""Schemas shared by every area: ids, references, events, positions, pages."""

import marshmallow as ma

from app.common.geometry import to_lonlat

MAX_ID = 2**31 - 1


def IdField(**kwargs):  # noqa: N802 - reads like a field class at the call site
    """An integer id: positive and within PostgreSQL's integer range."""
    return ma.fields.Integer(validate=ma.validate.Range(1, MAX_ID), **kwargs)


class CodeRefSchema(ma.Schema):
    """A reference to a coded row (zone, team): what a list or a choice shows of it."""

    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()


class EventBaseSchema(ma.Schema):
    """What every append-only event (work order, complaint) says: which, who, why, details."""

    id = ma.fields.Integer()
    kind = ma.fields.String()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_label = ma.fields.String()
    reason = ma.fields.String(allow_none=True)
    payload = ma.fields.Dict()


class LocationSchema(ma.Schema):
    lat = ma.fields.Float(required=True, validate=ma.validate.Range(-90, 90))
    lon = ma.fields.Float(required=True, validate=ma.validate.Range(-180, 180))


class GeometryPointField(ma.fields.Field):
    """Dumps a PostGIS point as {"lat", "lon"}."""

    def _serialize(self, value, attr, obj, **kwargs):
        lonlat = to_lonlat(value)
        return None if lonlat is None else {"lon": lonlat[0], "lat": lonlat[1]}


class PageArgsSchema(ma.Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 100000))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(1, 200))


def page_of(schema_cls):
    """A {items, total, page, per_page} envelope schema for `schema_cls`."""
    return type(
        f"{schema_cls.__name__.removesuffix('Schema')}PageSchema",
        (ma.Schema,),
        {
            "items": ma.fields.List(ma.fields.Nested(schema_cls)),
            "total": ma.fields.Integer(),
            "page": ma.fields.Integer(),
            "per_page": ma.fields.Integer(),
        },
    )
