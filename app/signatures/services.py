"""Record meter damage, have the customer sign it, and prove later that nothing changed (R3.7)."""

import base64
import binascii
import uuid
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects.postgresql import insert

from app.auth import tokens
from app.common import canonical
from app.common.storage import get_storage
from app.common.times import iso_utc
from app.database import point_wkt, utcnow
from app.errors import Conflict, Invalid, NotFound, Unauthorized
from app.extensions import db
from app.signatures import documents
from app.signatures.models import DamageRecord, ReceiptLink, Signature
from app.visits import images
from app.visits.customer import public_link
from app.visits.models import Photo
from app.visits.records import photos_of
from app.visits.services import check_device_time, event_fields, lonlat, order_for_step
from app.workorders.services import get_for, record_event

SIGNABLE_KINDS = ("meter_damage",)
# 《电子签名法》第三条: documents on stopping water supply may not be signed electronically.
EXCLUDED_KINDS = {
    "water_shutoff_notice": "停止供水通知",
    "supply_suspension_notice": "停止供水通知",
}
PNG_MAX_BYTES = 1024 * 1024


def record_damage(user, order_id, data):
    check_device_time(data)
    order = order_for_step(user, order_id, "on_site")
    record = DamageRecord(
        work_order_id=order.id,
        meter_number=data["meter_number"],
        damaged_parts=data["damaged_parts"],
        description=data["description"],
        cause=data["cause"],
        charge_item=data.get("charge_item"),
        charge_amount=data.get("charge_amount"),
        photo_ids=photos_of(order.id, data["photo_ids"]),
        created_by_id=user.id,
        device_time=data.get("device_time"),
        created_at=utcnow(),
    )
    db.session.add(record)
    db.session.flush()
    record_event(
        order,
        "meter_damage_recorded",
        user,
        payload={
            "damage_record_id": record.id,
            "meter_number": record.meter_number,
        },
        **event_fields(data),
    )
    return record


def refuse_unsignable(kind):
    if kind in EXCLUDED_KINDS:
        raise Invalid(
            f"依《电子签名法》第三条,「{EXCLUDED_KINDS[kind]}」不适用电子签名,请使用纸质文书 / "
            "the Electronic Signature Law (art. 3) excludes water shut-off notices: sign on paper",
            code="e_signature_excluded",
            errors={"document_kind": [kind]},
        )
    if kind not in SIGNABLE_KINDS:
        raise Invalid(errors={"document_kind": [f"不可签署的文书类型 / not signable: {kind}"]})


def sign(user, data):
    """The customer signs on the technician's phone: strokes and PNG from the phone's pad."""
    refuse_unsignable(data["document_kind"])
    check_device_time(data)
    order = order_for_step(user, data["work_order_id"], "on_site")  # the lock orders the chain
    damage = unsigned_damage(order, data["damage_record_id"])
    return write_signature(
        order,
        damage,
        data,
        technician=technician_part(order, user),
        signed_on=user,
        actor=user,
        channel={"kind": "technician_phone"},
    )


def write_signature(order, damage, data, *, technician, signed_on, actor, channel):
    """Build the canonical document, store its hash, sign it, chain it to the order's last.

    The order must be locked by the caller (the lock orders the chain). `channel` says where
    the customer signed ({"kind": "technician_phone"}, or "customer_phone" with the masked
    number and the SMS that carried the one-time code); it is part of what is signed.
    """
    png = _png(data["png_base64"])
    strokes = canonical.canonical_json(data["strokes"])
    storage = get_storage()
    hashes = {"png": storage.put(png), "strokes": storage.put(strokes)}
    previous = _last_signature_hash(order.id)
    received_at = utcnow()
    doc = documents.meter_damage_document(
        order=order_part(order),
        damage=damage_part(damage),
        signer={"name": data["signer_name"], "relation": data["signer_relation"]},
        technician=technician,
        times={
            "device_time": iso_utc(data.get("device_time")),
            "received_at": iso_utc(received_at),
        },
        device={
            "position": data.get("position"),
            "accuracy_m": data.get("accuracy_m"),
            "user_agent": data.get("user_agent", ""),
        },
        hashes=hashes,
        previous=previous,
        channel=channel,
    )
    text = canonical.canonical_json(doc)
    server_signature, key_id = documents.sign(text, current_app.config["SIGNING_KEY"])
    signature = Signature(
        work_order_id=order.id,
        damage_record_id=damage.id,
        document_kind=data["document_kind"],
        document=text.decode(),
        document_sha256=canonical.sha256_hex(text),
        previous_sha256=previous,
        server_signature=server_signature,
        key_id=key_id,
        png_sha256=hashes["png"],
        strokes_sha256=hashes["strokes"],
        signer_name=data["signer_name"],
        signer_relation=data["signer_relation"],
        signed_on_user_id=signed_on.id if signed_on is not None else None,
        channel=channel["kind"],
        device_time=data.get("device_time"),
        position=point_wkt(*lonlat(data)) if data.get("position") else None,
        accuracy_m=data.get("accuracy_m"),
        created_at=received_at,
    )
    db.session.add(signature)
    db.session.flush()
    record_event(
        order,
        "customer_signed",
        actor,
        payload={
            "signature_id": signature.id,
            "document_sha256": signature.document_sha256,
            "signer_relation": signature.signer_relation,
            "channel": signature.channel,
        },
        **event_fields(data),
    )
    return signature


def unsigned_damage(order, record_id):
    damage = db.session.get(DamageRecord, record_id)
    if damage is None or damage.work_order_id != order.id:
        raise Invalid(errors={"damage_record_id": ["不是此工单的记录 / not this order's record"]})
    if damage.signature is not None:
        raise Conflict(
            "此损坏记录已签字 / this record is already signed",
            code="already_signed",
            errors={"damage_record_id": [f"signature {damage.signature.id}"]},
        )
    return damage


def _png(text):
    try:
        data = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Invalid(errors={"png_base64": ["不是 base64 / not base64"]}) from exc
    if len(data) > PNG_MAX_BYTES:
        raise Invalid(errors={"png_base64": ["签名图片过大 / signature image over 1 MB"]})
    try:
        kind, _, _, data = images.normalise(
            data,
            current_app.config["IMAGE_MAX_PIXELS"],
            current_app.config["IMAGE_MAX_SIDE"],
        )
    except images.NotAnImage as exc:
        raise Invalid(errors={"png_base64": [str(exc)]}) from exc
    if kind != "image/png":
        raise Invalid(errors={"png_base64": ["签名须为 PNG / the signature must be a PNG"]})
    return data


def _last_signature_hash(order_id):
    return db.session.scalar(
        sa.select(Signature.document_sha256)
        .where(Signature.work_order_id == order_id)
        .order_by(Signature.id.desc())
        .limit(1)
    )


def order_part(order):
    return {
        "id": order.id,
        "number": order.number,
        "type": order.type_code,
        "address": order.address,
    }


def damage_part(damage):
    amount = damage.charge_amount
    return {
        "record_id": damage.id,
        "meter_number": damage.meter_number,
        "damaged_parts": list(damage.damaged_parts),
        "description": damage.description,
        "cause": damage.cause,
        "charge_item": damage.charge_item,
        "charge_amount": None if amount is None else f"{amount:.2f}",
        "photo_sha256": _photo_hashes(damage.photo_ids),
        "recorded_at": iso_utc(damage.created_at),
    }


def _photo_hashes(ids):
    rows = dict(
        db.session.execute(sa.select(Photo.id, Photo.sha256).where(Photo.id.in_(ids))).all()
    )
    return [rows.get(i) for i in ids]


def technician_part(order, user):
    tech = order.technician
    return {
        "id": tech.id if tech else None,
        "employee_no": tech.employee_no if tech else None,
        "name": tech.name if tech else user.display_name,
        "user_id": user.id,
    }


def get_signature(user, signature_id):
    signature = db.session.get(Signature, signature_id)
    if signature is None:
        raise NotFound("签名不存在 / signature not found")
    get_for(user, signature.work_order_id)  # a technician's foreign order is 404
    return signature


RECEIPT_PURPOSE = "signature_receipt"


def receipt_link(signature):
    """The signature's one live receipt link, issued on first need (flushes, never commits)."""
    link = _live_receipt_link(signature.id) or _new_receipt_link(signature.id)
    token = tokens.issue_at(
        signature.id, RECEIPT_PURPOSE, link.issued_at, link.expires_at, jti=link.token_id
    )
    return public_link("/receipt/", token, link.expires_at - utcnow())


def _live_receipt_link(signature_id):
    return db.session.scalar(
        sa.select(ReceiptLink).where(
            ReceiptLink.signature_id == signature_id,
            ReceiptLink.revoked_at.is_(None),
            ReceiptLink.expires_at > utcnow(),
        )
    )


def _new_receipt_link(signature_id):
    revoke_receipt_link(signature_id, None)  # an expired one, if any, makes way
    now = utcnow()
    lifetime = timedelta(days=current_app.config["RECEIPT_LINK_DAYS"])
    db.session.execute(
        insert(ReceiptLink)
        .values(
            signature_id=signature_id,
            token_id=uuid.uuid4().hex,
            issued_at=now.replace(microsecond=0),  # JWT times are whole seconds
            expires_at=(now + lifetime).replace(microsecond=0),
        )
        .on_conflict_do_nothing(
            index_elements=["signature_id"], index_where=ReceiptLink.revoked_at.is_(None)
        )
    )
    return _live_receipt_link(signature_id)  # ours, or the one a concurrent request made


def revoke_receipt_link(signature_id, user):
    """Revoke the live link (if any); True when there was one. Flushes, never commits."""
    revoked = db.session.execute(
        sa.update(ReceiptLink)
        .where(ReceiptLink.signature_id == signature_id, ReceiptLink.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_by_id=getattr(user, "id", None))
    )
    return revoked.rowcount > 0


def signature_for_receipt(token):
    payload = tokens.read(token, RECEIPT_PURPOSE)
    link = db.session.scalar(
        sa.select(ReceiptLink).where(
            ReceiptLink.token_id == payload.get("jti"),
            ReceiptLink.signature_id == int(payload["sub"]),
        )
    )
    if link is None or link.revoked_at is not None:
        raise Unauthorized("回执链接已撤销 / Receipt link revoked", code="token_revoked")
    signature = db.session.get(Signature, link.signature_id)
    if signature is None:
        raise NotFound()
    return signature


def public_key_info():
    key = documents.private_key(current_app.config["SIGNING_KEY"]).public_key()
    return {
        "algorithm": "Ed25519",
        "key_id": documents.key_id(key),
        "public_key": base64.b64encode(documents.public_bytes(key)).decode(),
        "canonical_form": 'json.dumps(doc, sort_keys=True, separators=(",", ":"), '
        "ensure_ascii=False).encode()",
    }


def damage_records(user, order_id):
    order = get_for(user, order_id)
    return db.session.scalars(
        sa.select(DamageRecord)
        .where(DamageRecord.work_order_id == order.id)
        .order_by(DamageRecord.id)
    ).all()
