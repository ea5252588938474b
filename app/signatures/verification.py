"""Recompute everything about a stored signature and name each part that no longer matches."""

import json

import sqlalchemy as sa
from flask import current_app

from app.common import canonical
from app.common.storage import BlobMissing, get_storage
from app.extensions import db
from app.signatures import documents
from app.signatures.models import DamageRecord, Signature
from app.signatures.services import damage_part

LABELS = {
    "document_hash": "文书哈希 / document hash",
    "server_signature": "服务器签名 / server signature",
    "png": "签名图片 / signature image",
    "strokes": "笔迹数据 / stroke data",
    "chain": "签名链 / chain link",
    "damage_record": "损坏记录 / damage record",
    "signer": "签字人 / signer",
    "channel": "签字方式 / channel",
}


def check(ok, detail=""):
    return {"ok": bool(ok), "detail": detail}


def verify(signature):
    text = signature.document.encode()
    try:
        doc = json.loads(text)
    except ValueError:
        doc = {}
    checks = {
        "document_hash": _document_hash(signature, text),
        "server_signature": _server_signature(signature, text),
        "png": _blob(signature.png_sha256, doc.get("png_sha256")),
        "strokes": _blob(signature.strokes_sha256, doc.get("strokes_sha256")),
        "chain": _chain(signature, doc),
        "damage_record": _damage(signature, doc),
        "signer": check(
            doc.get("signer")
            == {"name": signature.signer_name, "relation": signature.signer_relation},
            "签字人与文书不符 / signer columns differ from the document",
        ),
        "channel": check(
            doc.get("channel", {"kind": "technician_phone"}).get("kind") == signature.channel,
            "签字方式与文书不符 / the channel column differs from the document",
        ),
    }
    for name, result in checks.items():
        result["label"] = LABELS[name]
        if result["ok"]:
            result["detail"] = ""
    mismatches = [name for name, result in checks.items() if not result["ok"]]
    return {
        "signature_id": signature.id,
        "intact": not mismatches,
        "mismatches": mismatches,
        "checks": checks,
        "document_sha256": signature.document_sha256,
        "verification_code": documents.verification_code(signature.document_sha256),
    }


def _document_hash(signature, text):
    recomputed = canonical.sha256_hex(text)
    return check(recomputed == signature.document_sha256, f"重新计算为 / recomputed {recomputed}")


def _server_signature(signature, text):
    key = documents.private_key(current_app.config["SIGNING_KEY"]).public_key()
    if documents.key_id(key) != signature.key_id:
        return check(False, f"签名密钥未知 / signed with unknown key {signature.key_id}")
    return check(
        documents.signature_valid(text, signature.server_signature, key),
        "Ed25519 签名与文书不符 / the Ed25519 signature does not match the document",
    )


def _blob(key, signed_hash):
    if key != signed_hash:
        return check(False, "记录的哈希与文书不符 / the stored hash differs from the document")
    try:
        data = get_storage().get(key)
    except BlobMissing:
        return check(False, "文件缺失 / the stored file is missing")
    recomputed = canonical.sha256_hex(data)
    return check(recomputed == signed_hash, f"文件已变 / file content hashes to {recomputed}")


def _chain(signature, doc):
    previous = db.session.scalar(
        sa.select(Signature.document_sha256)
        .where(Signature.work_order_id == signature.work_order_id, Signature.id < signature.id)
        .order_by(Signature.id.desc())
        .limit(1)
    )
    ok = doc.get("previous_sha256") == signature.previous_sha256 == previous
    return check(ok, f"上一签名为 / previous signature is {previous}")


def _damage(signature, doc):
    record = db.session.get(DamageRecord, signature.damage_record_id)
    if record is None:
        return check(False, "损坏记录缺失 / the damage record is missing")
    return check(
        damage_part(record) == doc.get("damage"),
        "损坏记录与签署内容不符 / the damage record differs from what was signed",
    )
