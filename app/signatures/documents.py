"""The signed document: canonical JSON, its SHA-256 and the server's Ed25519 signature.

No database here. The canonical form is app/common/canonical.py's, so anyone holding the
document text and the public key can check it with any JSON library.

Fields of a meter-damage document (version 1):
    v                 1
    kind              "meter_damage"
    title             因用户责任引起的计量装置损坏确认书
    work_order        {id, number, type, address}
    damage            {record_id, meter_number, damaged_parts, description, cause,
                       charge_item, charge_amount (a decimal string or null),
                       photo_sha256 (list), recorded_at}
    signer            {name, relation}
    technician        {id, employee_no, name, user_id}
    times             {device_time (the phone's clock, may be null), received_at (server)}
    device            {position {lat, lon} or null, accuracy_m, user_agent}
    png_sha256        SHA-256 of the signature image as stored
    strokes_sha256    SHA-256 of the canonical JSON of the strokes as validated and stored:
                      [[{"t", "x", "y"(, "pressure")}, ...], ...] with every number a float
    previous_sha256   document_sha256 of the order's previous signature, or null (chain)
    channel           where the customer signed: {"kind": "technician_phone"}, or
                      {"kind": "customer_phone", "phone" (masked), "sms_message_id",
                       "request_id"} after a one-time code sent to that phone (R3.7);
                      absent from documents signed before it was recorded
"""

import base64

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from app.common.canonical import sha256_hex

TITLE = "因用户责任引起的计量装置损坏确认书"


def private_key(seed_b64: str) -> Ed25519PrivateKey:
    seed = base64.b64decode(seed_b64)
    if len(seed) != 32:
        raise ValueError("SIGNING_KEY must be a base64 32-byte Ed25519 seed")
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short fingerprint of the public key, so a rotated key is recognisable."""
    return sha256_hex(public_bytes(key))[:16]


def sign(document_bytes: bytes, seed_b64: str) -> tuple[str, str]:
    """(base64 signature over the canonical bytes, key id)."""
    key = private_key(seed_b64)
    return base64.b64encode(key.sign(document_bytes)).decode(), key_id(key.public_key())


def signature_valid(document_bytes: bytes, signature_b64: str, public_key) -> bool:
    try:
        public_key.verify(base64.b64decode(signature_b64), document_bytes)
    except (InvalidSignature, ValueError):
        return False
    return True


def verification_code(document_sha256: str) -> str:
    """What the receipt prints: the first 16 hex digits of the hash, in groups of four."""
    head = document_sha256[:16].upper()
    return "-".join(head[i : i + 4] for i in range(0, 16, 4))


def meter_damage_document(
    order, damage, signer, technician, times, device, hashes, previous, channel
):
    """The document as a plain dict; callers pass plain values only."""
    return {
        "v": 1,
        "kind": "meter_damage",
        "title": TITLE,
        "work_order": order,
        "damage": damage,
        "signer": signer,
        "technician": technician,
        "times": times,
        "device": device,
        "png_sha256": hashes["png"],
        "strokes_sha256": hashes["strokes"],
        "previous_sha256": previous,
        "channel": channel,
    }
