"""The customer signs on their own phone (R3.7): link and one-time code by SMS, the same
canonical document with its channel, verified the same way."""

import re
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.messaging.models import RemoteSignRequest, SmsMessage
from app.signatures.models import Signature
from tests.messaging.kit import delivered
from tests.signatures.test_signatures import STROKES, damage, sign
from tests.visits.kit import Phone, assigned_order, png_b64

CUSTOMER = "13700002222"


@pytest.fixture
def on_site(client, make, storage_dir):
    order, tech = assigned_order(make)
    ph = Phone(client, make, tech)
    ph.on_site(order)
    record = damage(ph, order)
    return ph, SimpleNamespace(id=order.id), record  # the jobs' worker ends the session


def ask(ph, order, record_id, **over):
    body = {
        "work_order_id": order.id,
        "damage_record_id": record_id,
        "phone": CUSTOMER,
        "signer_name": "钱先生",
        "signer_relation": "owner",
        **over,
    }
    return ph.client.post("/api/signatures/remote-requests", json=body, headers=ph.headers)


def sms_link_and_code(run_jobs):
    run_jobs()
    text = [d.text for d in delivered(CUSTOMER) if "签字验证码" in d.text][-1]
    token = re.search(r"/s/([A-Za-z0-9_-]+)", text).group(1)
    return token, re.search(r"验证码为(\d{6})", text).group(1)


def customer_signs(client, token, code, **over):
    body = {
        "code": code,
        "signer_name": "钱先生",
        "signer_relation": "owner",
        "strokes": STROKES,
        "png_base64": png_b64(),
        "user_agent": "customer-phone",
        **over,
    }
    return client.post(f"/api/sign/{token}", json=body)


def test_the_customer_signs_on_their_own_phone_after_the_code(client, on_site, run_jobs):
    ph, order, record = on_site
    asked = ask(ph, order, record["id"])
    assert asked.status_code == 201, asked.json
    assert asked.json["status"] == "open" and asked.json["phone"] == CUSTOMER  # R7: theirs
    token, code = sms_link_and_code(run_jobs)
    page = client.get(f"/s/{token}").get_data(as_text=True)
    assert "表玻璃、铅封" in page and "水表更换费 120.00 元" in page and "137****2222" in page

    signed = customer_signs(client, token, code)
    assert signed.status_code == 201, signed.json
    signature = db.session.get(Signature, signed.json["signature_id"])
    assert signature.channel == "customer_phone" and signature.signed_on_user_id is None
    detail = ph.client.get(f"/api/signatures/{signature.id}", headers=ph.headers).json
    channel = detail["document"]["channel"]
    assert channel["kind"] == "customer_phone" and channel["phone"] == "137****2222"
    assert detail["document"]["damage"]["charge_amount"] == "120.00"  # the same document
    checked = ph.client.get(f"/api/signatures/{signature.id}/verify", headers=ph.headers).json
    assert checked["intact"] is True and checked["checks"]["channel"]["ok"] is True
    status = ph.client.get(
        f"/api/signatures/remote-requests/{asked.json['id']}", headers=ph.headers
    )
    assert status.json["status"] == "signed" and status.json["signature_id"] == signature.id
    # Used once: the link now says so, and the receipt link opens.
    assert customer_signs(client, token, code).json["code"] == "link_signed"
    assert "已经签过字了" in client.get(f"/s/{token}").get_data(as_text=True)
    assert client.get(urlsplit(signed.json["receipt_url"]).path).status_code == 200


def test_the_code_is_never_kept_in_the_outbox(client, make, on_site, run_jobs):
    ph, order, record = on_site
    ask(ph, order, record["id"])
    token, code = sms_link_and_code(run_jobs)
    message = db.session.scalar(sa.select(SmsMessage).where(SmsMessage.kind == "sign_code"))
    assert message.status == "sent" and code not in message.text and "******" in message.text
    assert code not in str(message.params)
    admin = make.user("admin")
    listed = client.get("/api/sms/messages?kind=sign_code", headers=make.headers(admin)).json
    assert code not in str(listed)


def test_wrong_codes_change_nothing_and_lock_the_link_after_five(client, on_site, run_jobs):
    ph, order, record = on_site
    ask(ph, order, record["id"])
    token, code = sms_link_and_code(run_jobs)
    wrong = "000000" if code != "000000" else "111111"
    first = customer_signs(client, token, wrong)
    assert first.status_code == 422 and first.json["code"] == "wrong_code"
    assert first.json["tries_left"] == 4
    assert customer_signs(client, token, "12ab").status_code == 422  # not a code: no try used
    for _ in range(4):
        last = customer_signs(client, token, wrong)
    assert last.json["tries_left"] == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0
    locked = customer_signs(client, token, code)
    assert locked.status_code == 409 and locked.json["code"] == "link_locked"
    assert "输错次数过多" in client.get(f"/s/{token}").get_data(as_text=True)


def test_forged_expired_and_replaced_links_are_refused(client, on_site, run_jobs):
    ph, order, record = on_site
    ask(ph, order, record["id"])
    old_token, old_code = sms_link_and_code(run_jobs)
    ask(ph, order, record["id"])  # the technician sends it again: the first link is replaced
    token, code = sms_link_and_code(run_jobs)
    assert token != old_token
    assert customer_signs(client, old_token, old_code).json["code"] == "link_replaced"
    forged = client.get("/s/not-a-real-token")
    assert forged.status_code == 404 and "链接无效" in forged.get_data(as_text=True)
    assert customer_signs(client, "not-a-real-token", code).status_code == 404
    request = db.session.scalar(
        sa.select(RemoteSignRequest).where(RemoteSignRequest.token == token)
    )
    request.expires_at -= timedelta(hours=1)
    db.session.commit()
    assert client.get(f"/s/{token}").status_code == 410
    assert customer_signs(client, token, code).json["code"] == "link_expired"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Signature)) == 0


def test_asking_needs_a_mobile_number_an_unsigned_record_and_the_site(client, on_site, run_jobs):
    ph, order, record = on_site
    bad = ask(ph, order, record["id"], phone="0535-1234567")
    assert bad.status_code == 422 and "phone" in bad.json["errors"]
    shutoff = ask(ph, order, record["id"], document_kind="water_shutoff_notice")
    assert shutoff.status_code == 422 and shutoff.json["code"] == "e_signature_excluded"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RemoteSignRequest)) == 0
    assert sign(ph, order, record["id"]).status_code == 201  # signed on the technician's phone
    again = ask(ph, order, record["id"])
    assert again.status_code == 409 and again.json["code"] == "already_signed"


def test_each_signature_sends_its_receipt_link_to_the_callers_phone(client, make, run_jobs):
    order, tech = assigned_order(make, caller_phone=CUSTOMER)
    ph = Phone(client, make, tech)
    ph.on_site(order)
    order = SimpleNamespace(id=order.id)
    on_the_technicians_phone = sign(ph, order, damage(ph, order)["id"])
    assert on_the_technicians_phone.status_code == 201
    ask(ph, order, damage(ph, order, meter_number="HY-M-0043")["id"])
    token, code = sms_link_and_code(run_jobs)
    assert customer_signs(client, token, code).status_code == 201
    run_jobs()
    receipts = [d.text for d in delivered(CUSTOMER) if "签字回执" in d.text]
    assert len(receipts) == 2  # one per signature, whichever phone it was made on
    pages = ""
    for text in receipts:
        opened = client.get(urlsplit(re.search(r"https?://\S+", text).group(0)).path)
        assert opened.status_code == 303 and "/receipt/" in opened.headers["Location"]
        pages += client.get(opened.headers["Location"]).get_data(as_text=True)
    assert "在维修师傅手机上签字" in pages and "在本人手机上签字(短信验证码)(137****2222)" in pages
