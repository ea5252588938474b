import json

import marshmallow as ma
import segno
from flask import url_for

from app.signatures import documents
from app.signatures.models import SIGNER_RELATIONS
from app.signatures.services import receipt_link
from app.visits.schemas import PositionField, StepSchema

V = ma.validate


def _amount_in_range(amount):
    if not 0 <= amount <= 100000:
        raise ma.ValidationError("金额须在 0-100000 元之间 / amount must be 0 to 100000")


class DamageRecordCreateSchema(StepSchema):
    meter_number = ma.fields.String(required=True, validate=V.Length(1, 40))
    damaged_parts = ma.fields.List(
        ma.fields.String(validate=V.Length(1, 100)),
        required=True,
        validate=V.Length(1, 20),
        metadata={"description": "损坏部位 / what is damaged"},
    )
    description = ma.fields.String(load_default="", validate=V.Length(0, 4000))
    cause = ma.fields.String(
        required=True,
        validate=V.Length(2, 2000),
        metadata={"description": "与客户共同确认的原因 / the cause agreed"},
    )
    charge_item = ma.fields.String(load_default=None, allow_none=True, validate=V.Length(1, 100))
    # A plain function, not V.Range: apispec would print Decimal bounds as strings.
    charge_amount = ma.fields.Decimal(
        load_default=None,
        allow_none=True,
        places=2,
        validate=_amount_in_range,
        metadata={"description": "元, two decimals", "minimum": 0, "maximum": 100000},
    )
    photo_ids = ma.fields.List(ma.fields.Integer(), load_default=list, validate=V.Length(0, 20))

    @ma.validates_schema
    def _charge(self, data, **kwargs):
        if (data.get("charge_item") is None) != (data.get("charge_amount") is None):
            raise ma.ValidationError(
                "收费项目和金额须同时填写 / item and amount go together", "charge_amount"
            )


class DamageRecordSchema(ma.Schema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    meter_number = ma.fields.String()
    damaged_parts = ma.fields.List(ma.fields.String())
    description = ma.fields.String()
    cause = ma.fields.String()
    charge_item = ma.fields.String(allow_none=True)
    charge_amount = ma.fields.Decimal(allow_none=True, as_string=True)
    photo_ids = ma.fields.List(ma.fields.Integer())
    device_time = ma.fields.DateTime(allow_none=True)
    created_at = ma.fields.DateTime()
    signature_id = ma.fields.Function(lambda r: r.signature.id if r.signature else None)


class StrokePointSchema(ma.Schema):
    x = ma.fields.Float(required=True, validate=V.Range(-10000, 10000))
    y = ma.fields.Float(required=True, validate=V.Range(-10000, 10000))
    t = ma.fields.Float(
        required=True,
        validate=V.Range(0, 1e14),
        metadata={"description": "毫秒时间戳 / time in ms"},
    )
    pressure = ma.fields.Float(validate=V.Range(0, 1))


class SignatureCreateSchema(StepSchema):
    document_kind = ma.fields.String(
        load_default="meter_damage",
        validate=V.Length(1, 40),
        metadata={"description": "meter_damage; 停止供水通知 (water_shutoff_notice) is refused"},
    )
    work_order_id = ma.fields.Integer(required=True)
    damage_record_id = ma.fields.Integer(required=True)
    signer_name = ma.fields.String(required=True, validate=V.Length(1, 100))
    signer_relation = ma.fields.String(required=True, validate=V.OneOf(SIGNER_RELATIONS))
    strokes = ma.fields.List(
        ma.fields.List(ma.fields.Nested(StrokePointSchema), validate=V.Length(1, 5000)),
        required=True,
        validate=V.Length(1, 200),
        metadata={"description": "笔画,每笔为带时间的点 / strokes of timed points"},
    )
    png_base64 = ma.fields.String(required=True, validate=V.Length(8, 1_500_000))
    user_agent = ma.fields.String(load_default="", validate=V.Length(0, 300))


def _receipt_url(signature):
    return receipt_link(signature)["url"]


class SignatureSchema(ma.Schema):
    id = ma.fields.Integer()
    work_order_id = ma.fields.Integer()
    damage_record_id = ma.fields.Integer()
    document_kind = ma.fields.String()
    document = ma.fields.Function(lambda s: json.loads(s.document))
    document_text = ma.fields.String(attribute="document")
    document_sha256 = ma.fields.String()
    previous_sha256 = ma.fields.String(allow_none=True)
    server_signature = ma.fields.String()
    key_id = ma.fields.String()
    png_sha256 = ma.fields.String()
    strokes_sha256 = ma.fields.String()
    signer_name = ma.fields.String()
    signer_relation = ma.fields.String()
    device_time = ma.fields.DateTime(allow_none=True)
    position = PositionField(allow_none=True)
    accuracy_m = ma.fields.Float(allow_none=True)
    created_at = ma.fields.DateTime()
    verification_code = ma.fields.Function(lambda s: documents.verification_code(s.document_sha256))
    png_url = ma.fields.Function(
        lambda s: url_for("signatures.SignaturePngViews", signature_id=s.id)
    )


def _receipt(signature):
    """The receipt link once, with its QR code, for the technician to hand over."""
    url = _receipt_url(signature)
    return {"url": url, "qr_svg": segno.make(url, error="m").svg_inline(scale=4)}


class SignatureDetailSchema(SignatureSchema):
    receipt_url = ma.fields.Function(_receipt_url)
    receipt = ma.fields.Function(_receipt, metadata={"type": "object"})


class CheckSchema(ma.Schema):
    ok = ma.fields.Boolean()
    label = ma.fields.String()
    detail = ma.fields.String()


class VerificationSchema(ma.Schema):
    signature_id = ma.fields.Integer()
    intact = ma.fields.Boolean()
    mismatches = ma.fields.List(ma.fields.String())
    checks = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Nested(CheckSchema))
    document_sha256 = ma.fields.String()
    verification_code = ma.fields.String()


class PublicKeySchema(ma.Schema):
    algorithm = ma.fields.String()
    key_id = ma.fields.String()
    public_key = ma.fields.String(metadata={"description": "raw 32 bytes, base64"})
    canonical_form = ma.fields.String()
