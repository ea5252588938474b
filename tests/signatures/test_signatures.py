import base64
import json
import os
import re

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from app.common import canonical
from app.common.storage import get_storage
from app.extensions import db
from app.signatures.models import DamageRecord, ReceiptLink, Signature
from tests.visits.kit import jpeg, png_b64

STROKES = [
    [{"x": 10, "y": 10, "t": 0}, {"x": 40, "y": 22, "t": 16}, {"x": 80, "y": 30, "t": 33}],
    [{"x": 20, "y": 50, "t": 400}, {"x": 60, "y": 52, "t": 420}],
]  # noqa: E501


def damage(ph, order, **over):
    photo = ph.upload(order, jpeg()).json["id"]
    body = {
        "meter_number": "HY-M-0042",
        "damaged_parts": ["表玻璃", "铅封"],
        "description": "表玻璃碎裂",
        "cause": "用户装修时重物撞击,经双方确认",
        "charge_item": "水表更换费",
        "charge_amount": "120.00",
        "photo_ids": [photo],
        **over,
    }
    resp = ph.post(order.id, "meter-damage", body)
    assert resp.status_code == 201, resp.json
    return resp.json


def sign(ph, order, record_id, key=None, **over):
    body = {
        "document_kind": "meter_damage",
        "work_order_id": order.id,
        "damage_record_id": record_id,
        "signer_name": "钱先生",
        "signer_relation": "owner",
        "strokes": STROKES,
        "png_base64": png_b64(),
        "user_agent": "pytest-phone",
        "position": {"lat": 36.77, "lon": 121.16},
        "accuracy_m": 6,
        **over,
    }
    headers = dict(ph.headers, **({"Idempotency-Key": key} if key else {}))
    return ph.client.post("/api/signatures", json=body, headers=headers)


@pytest.fixture
def signed(phone):
    ph, order = phone
    ph.on_site(order)
    record = damage(ph, order)
    resp = sign(ph, order, record["id"])
    assert resp.status_code == 201, resp.json
    return ph, order, resp.json


def verify(ph, signature_id):
    resp = ph.client.get(f"/api/signatures/{signature_id}/verify", headers=ph.headers)
    assert resp.status_code == 200
    return resp.json


def test_signature_signs_a_canonical_document_anyone_can_check(signed, client):
    ph, order, sig = signed
    doc = sig["document"]
    assert doc["kind"] == "meter_damage" and doc["damage"]["charge_amount"] == "120.00"
    assert doc["signer"] == {"name": "钱先生", "relation": "owner"}
    assert doc["work_order"]["number"] == order.number and doc["previous_sha256"] is None
    assert doc["device"]["position"] == {"lat": 36.77, "lon": 121.16}
    assert len(doc["damage"]["photo_sha256"]) == 1
    text = sig["document_text"].encode()
    assert text == canonical.canonical_json(json.loads(text))
    assert canonical.sha256_hex(text) == sig["document_sha256"]
    # The PNG is stored as Pillow decoded and re-encoded it; the document hashes what is kept.
    stored = client.get(f"/api/signatures/{sig['id']}/png", headers=ph.headers)
    assert stored.status_code == 200 and stored.data.startswith(b"\x89PNG")
    assert sig["png_sha256"] == canonical.sha256_hex(stored.data)
    as_validated = [
        [{k: float(v) for k, v in point.items()} for point in stroke] for stroke in STROKES
    ]  # numbers are floats once validated
    assert sig["strokes_sha256"] == canonical.sha256_hex(canonical.canonical_json(as_validated))
    key = client.get("/api/signatures/public-key").json
    public = Ed25519PublicKey.from_public_bytes(base64.b64decode(key["public_key"]))
    public.verify(base64.b64decode(sig["server_signature"]), text)  # raises if wrong
    result = verify(ph, sig["id"])
    assert result["intact"] is True and result["mismatches"] == []
    assert result["verification_code"] == sig["verification_code"]


def test_second_signature_on_the_order_is_chained(signed):
    ph, order, first = signed
    record = damage(ph, order, meter_number="HY-M-0043")
    second = sign(ph, order, record["id"]).json
    assert second["previous_sha256"] == first["document_sha256"]
    assert second["document"]["previous_sha256"] == first["document_sha256"]
    assert verify(ph, second["id"])["intact"] is True
    again = sign(ph, order, record["id"])
    assert again.status_code == 409 and again.json["code"] == "already_signed"


def test_postgresql_itself_refuses_update_and_delete(signed):
    _, _, sig = signed
    for statement in (
        "UPDATE signatures SET signer_name = 'x' WHERE id = :id",
        "DELETE FROM signatures WHERE id = :id",
        "UPDATE damage_records SET cause = 'x' WHERE id = (SELECT damage_record_id "
        "FROM signatures WHERE id = :id)",
    ):
        with db.engine.connect() as conn:
            with pytest.raises(sa.exc.DBAPIError) as caught:
                conn.execute(sa.text(statement), {"id": sig["id"]})
            assert "append-only" in str(caught.value)
    assert db.session.get(Signature, sig["id"]).signer_name == "钱先生"


def tamper(sql, **params):
    """What only someone bypassing the trigger (a superuser) could do."""
    with db.engine.begin() as conn:
        conn.execute(sa.text("ALTER TABLE signatures DISABLE TRIGGER signatures_append_only"))
        conn.execute(
            sa.text("ALTER TABLE damage_records DISABLE TRIGGER damage_records_append_only")
        )
        conn.execute(sa.text(sql), params)
        conn.execute(sa.text("ALTER TABLE signatures ENABLE TRIGGER signatures_append_only"))
        conn.execute(
            sa.text("ALTER TABLE damage_records ENABLE TRIGGER damage_records_append_only")
        )


def test_verify_names_a_changed_signature_image(signed, storage_dir):
    ph, _, sig = signed
    key = sig["png_sha256"]
    path = os.path.join(storage_dir, key[:2], key[2:4], key)
    with open(path, "ab") as handle:
        handle.write(b"!")
    result = verify(ph, sig["id"])
    assert result["intact"] is False and result["mismatches"] == ["png"]


def test_verify_names_changed_strokes(signed, storage_dir):
    ph, _, sig = signed
    os.remove(
        os.path.join(
            storage_dir,
            sig["strokes_sha256"][:2],
            sig["strokes_sha256"][2:4],
            sig["strokes_sha256"],
        )
    )
    assert verify(ph, sig["id"])["mismatches"] == ["strokes"]


def test_verify_names_a_changed_document(signed):
    ph, _, sig = signed
    tamper(
        "UPDATE signatures SET document = replace(document, '120.00', '12.00') WHERE id = :id",
        id=sig["id"],
    )
    result = verify(ph, sig["id"])
    assert "document_hash" in result["mismatches"] and "server_signature" in result["mismatches"]
    assert "damage_record" in result["mismatches"]  # the record no longer matches the text


def test_verify_names_a_changed_damage_record_and_signer(signed):
    ph, _, sig = signed
    tamper(
        "UPDATE damage_records SET charge_amount = 1200 WHERE id = :id", id=sig["damage_record_id"]
    )
    assert verify(ph, sig["id"])["mismatches"] == ["damage_record"]
    tamper("UPDATE signatures SET signer_name = '别人' WHERE id = :id", id=sig["id"])
    assert verify(ph, sig["id"])["mismatches"] == ["damage_record", "signer"]


def test_verify_names_a_broken_chain(signed):
    ph, order, first = signed
    record = damage(ph, order, meter_number="HY-M-0044")
    second = sign(ph, order, record["id"]).json
    tamper("DELETE FROM signatures WHERE id = :id", id=first["id"])
    result = verify(ph, second["id"])
    assert result["mismatches"] == ["chain"]


def test_shut_off_notice_is_never_signed_electronically(phone):
    ph, order = phone
    ph.on_site(order)
    record = damage(ph, order)
    resp = sign(ph, order, record["id"], document_kind="water_shutoff_notice")
    assert resp.status_code == 422 and resp.json["code"] == "e_signature_excluded"
    assert "停止供水" in resp.json["message"] and "电子签名法" in resp.json["message"]
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 0


def test_bad_signature_input_changes_nothing(phone, make):
    ph, order = phone
    ph.on_site(order)
    record = damage(ph, order)
    assert sign(ph, order, record["id"], png_base64="bm90IGEgcG5n").status_code == 422
    jpeg_b64 = base64.b64encode(jpeg()).decode()
    assert sign(ph, order, record["id"], png_base64=jpeg_b64).status_code == 422
    assert sign(ph, order, record["id"], signer_relation="neighbour").status_code == 422
    assert sign(ph, order, record["id"], strokes=[]).status_code == 422
    other = make.work_order()
    assert sign(ph, other, record["id"]).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Signature.id))) == 0
    resp = ph.post(
        order.id,
        "meter-damage",
        {"meter_number": "M", "damaged_parts": ["表"], "cause": "撞击", "charge_item": "换表"},
    )
    assert resp.status_code == 422 and "charge_amount" in resp.json["errors"]
    assert db.session.scalar(sa.select(sa.func.count(DamageRecord.id))) == 1


def test_signing_is_idempotent(phone):
    ph, order = phone
    ph.on_site(order)
    record = damage(ph, order)
    first = sign(ph, order, record["id"], key="sig-1")
    again = sign(ph, order, record["id"], key="sig-1")
    assert again.status_code == 201 and again.json == first.json


def test_receipt_page_shows_what_was_signed_the_image_and_the_code(signed, client):
    ph, _, sig = signed
    detail = ph.client.get(f"/api/signatures/{sig['id']}", headers=ph.headers).json
    page = client.get(detail["receipt_url"].split("localhost", 1)[-1])
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (
        "因用户责任引起的计量装置损坏确认书",
        "HY-M-0042",
        "表玻璃、铅封",
        "钱先生",
        "户主",
        "120.00 元",
        sig["verification_code"],
        "没有被改动过",
    ):
        assert shown in html, shown
    # Beijing time in Chinese, no ISO UTC stamp, no English outside "how to verify".
    signed_at = re.search(r'<dd id="signed-at">(.*?)</dd>', html).group(1)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}", signed_at)
    assert "+00:00" not in html
    assert "Ed25519" in html.split('id="how-to-verify"')[1]
    image = client.get(detail["receipt_url"].split("localhost", 1)[-1] + "/signature.png")
    assert image.status_code == 200 and image.data == get_storage().get(sig["png_sha256"])
    assert client.get("/receipt/not-a-token").status_code == 403


def test_damage_records_list_shows_signature(signed):
    ph, order, sig = signed
    records = ph.client.get(f"/api/workorders/{order.id}/meter-damage", headers=ph.headers).json
    assert records[0]["signature_id"] == sig["id"]


def test_one_revocable_receipt_link_per_signature(signed, client, make):
    """Audit item 14: reading a signature no longer mints a new 30-day token each time."""
    ph, _, sig = signed
    urls = {
        ph.client.get(f"/api/signatures/{sig['id']}", headers=ph.headers).json["receipt_url"]
        for _ in range(3)
    }
    assert len(urls) == 1
    [url] = urls
    path = url.split("localhost", 1)[-1]
    assert client.get(path).status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(ReceiptLink.id))) == 1
    assert (
        client.delete(f"/api/signatures/{sig['id']}/receipt-link", headers=ph.headers).status_code
        == 403
    )  # a technician cannot
    dispatcher = make.headers(make.user("dispatcher"))
    revoked = client.delete(f"/api/signatures/{sig['id']}/receipt-link", headers=dispatcher)
    assert revoked.status_code == 204
    page = client.get(path)
    assert page.status_code == 403 and "回执链接无效" in page.get_data(as_text=True)
    assert client.get(path + "/signature.png").status_code == 404
    fresh = ph.client.get(f"/api/signatures/{sig['id']}", headers=ph.headers).json["receipt_url"]
    assert fresh != url and client.get(fresh.split("localhost", 1)[-1]).status_code == 200
