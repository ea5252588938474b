"""The customer signs on their own phone (SPEC R3.7, Electronic Signature Law art. 13).

The technician asks for it on site: the customer's mobile gets one SMS with a link
`/s/<token>` and a 6-digit one-time code. The page shows the same damage record; the
customer types the code and signs with a finger. Only someone holding that phone has the
code, so the signature was under the signer's sole control; the document signed is the
same canonical one as on the technician's phone (app.signatures.services.write_signature)
with the channel recorded in it, and it is verified the same way.

The code is never stored: it is an HMAC of the token under the server's key, so the SMS
outbox keeps the message with the code masked. A request lasts SIGN_LINK_MINUTES, allows
MAX_WRONG_CODES wrong codes, and a new request for the same record replaces the old one.
"""

import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.common.transaction import keep_on_refusal
from app.database import utcnow
from app.errors import Conflict, Invalid, NotFound
from app.extensions import db
from app.messaging import rules
from app.messaging.models import RemoteSignRequest
from app.messaging.services import public_base, queue_sms, valid_mobile
from app.signatures import services as signatures
from app.signatures.models import RELATIONS_ZH
from app.visits.services import order_for_step
from app.workorders.models import WorkOrder

MAX_WRONG_CODES = 5
PAGE_PATH = "/s/"


class RequestClosed(Exception):
    """The link cannot be used any more; `reason` says why, in the page's words."""

    def __init__(self, reason):
        self.reason = reason  # forged, expired, replaced, locked, signed


def masked(phone):
    """138****5678 whoever looks: the page and the signed document never show the number."""
    return phone[:3] + "****" + phone[-4:]


def code_for(token):
    """The 6-digit one-time code of a request, derived from its token with the server's key."""
    return rules.visit_code(current_app.config["SECRET_KEY"], "sign", token, digits=6)


def request_signature(user, data):
    """The technician, on site, asks for the customer's signature on their own phone."""
    signatures.refuse_unsignable(data["document_kind"])
    number = valid_mobile(data["phone"])
    order = order_for_step(user, data["work_order_id"], "on_site")
    damage = signatures.unsigned_damage(order, data["damage_record_id"])
    now = utcnow()
    for old in _open_requests(damage.id):
        old.closed_at, old.closed_reason = now, "replaced"
    minutes = current_app.config["SIGN_LINK_MINUTES"]
    request = RemoteSignRequest(
        token=secrets.token_urlsafe(24),
        work_order_id=order.id,
        damage_record_id=damage.id,
        phone=number,
        signer_name=data["signer_name"],
        signer_relation=data["signer_relation"],
        requested_by_id=user.id,
        created_at=now,
        expires_at=now + timedelta(minutes=minutes),
    )
    db.session.add(request)
    db.session.flush()
    message = queue_sms(
        "sign_code",
        number,
        {"sign_request_id": request.id, "minutes": minutes},
        work_order=order,
    )
    request.sms_message = message
    return request


def _open_requests(damage_record_id):
    return db.session.scalars(
        sa.select(RemoteSignRequest).where(
            RemoteSignRequest.damage_record_id == damage_record_id,
            RemoteSignRequest.closed_at.is_(None),
        )
    ).all()


def code_params(params):
    """At sending time: the code and the link of the message's request (never stored)."""
    request = db.session.get(RemoteSignRequest, params["sign_request_id"])
    return {"code": code_for(request.token), "url": f"{public_base()}{PAGE_PATH}{request.token}"}


def open_request(token, lock=False):
    """The request behind a link, still usable; RequestClosed with the reason otherwise."""
    stmt = sa.select(RemoteSignRequest).where(RemoteSignRequest.token == token)
    request = db.session.scalar(stmt.with_for_update() if lock else stmt)
    if request is None:
        raise RequestClosed("forged")
    if request.closed_reason is not None:
        raise RequestClosed(request.closed_reason)
    if request.expires_at <= utcnow():
        raise RequestClosed("expired")
    return request


def page_facts(request):
    """What the customer reads before signing: the same content as the signed document."""
    damage = signatures.damage_part(request.damage_record)
    order = request.work_order
    technician = order.technician
    return {
        "number": order.number,
        "address": order.address,
        "meter_number": damage["meter_number"],
        "damaged_parts": "、".join(damage["damaged_parts"]),
        "description": damage["description"],
        "cause": damage["cause"],
        "charge": (
            f"{damage['charge_item'] or '费用'} {damage['charge_amount']} 元"
            if damage["charge_amount"]
            else "无"
        ),
        "technician": f"{technician.name}(工号{technician.employee_no})" if technician else "",
        "signer_name": request.signer_name,
        "signer_relation": request.signer_relation,
        "relations": RELATIONS_ZH,
        "phone": masked(request.phone),
        "expires_at": request.expires_at,
    }


def sign(token, data):
    """The customer's own phone signs: the code first, then the same document as on site."""
    try:
        request = open_request(token, lock=True)
    except RequestClosed as exc:
        raise _refusal(exc.reason) from None
    if not hmac.compare_digest(data["code"], code_for(token)):
        request.wrong_codes += 1
        if request.wrong_codes >= MAX_WRONG_CODES:
            request.closed_at, request.closed_reason = utcnow(), "locked"
        keep_on_refusal()  # the count must hold even though the request is refused
        left = MAX_WRONG_CODES - request.wrong_codes
        raise Invalid(
            f"验证码不对,还可以再试{left}次 / wrong code, {left} tries left"
            if left
            else "验证码错误次数过多,请让维修师傅重新发送 / too many wrong codes",
            code="wrong_code",
            errors={"code": [f"{left} tries left"]},
            tries_left=left,
        )
    order = db.session.get(WorkOrder, request.work_order_id, with_for_update=True)
    damage = signatures.unsigned_damage(order, request.damage_record_id)
    document = {
        "document_kind": "meter_damage",
        "signer_name": data["signer_name"],
        "signer_relation": data["signer_relation"],
        "strokes": data["strokes"],
        "png_base64": data["png_base64"],
        "user_agent": data.get("user_agent", ""),
    }
    signature = signatures.write_signature(
        order,
        damage,
        document,
        technician=signatures.technician_part(order, request.requested_by),
        signed_on=None,
        actor="customer:own_phone",
        channel={
            "kind": "customer_phone",
            "phone": masked(request.phone),
            "sms_message_id": str(request.sms_message_id),
            "request_id": request.id,
        },
    )
    request.signature_id = signature.id
    request.closed_at, request.closed_reason = utcnow(), "signed"
    return signature


PAGE_REFUSALS = {
    "forged": (404, "链接无效", "这个链接不是本公司发出的,或者抄错了。请核对短信里的链接。"),
    "expired": (410, "链接已过期", "签字链接已经过了有效期,请让维修师傅重新发送。"),
    "replaced": (410, "链接已失效", "维修师傅已经重新发送了签字短信,请打开最新的一条。"),
    "locked": (410, "链接已锁定", "验证码输错次数过多,请让维修师傅重新发送签字短信。"),
    "signed": (409, "已经签过字了", "这份确认书已经签字,不能再次签字。"),
}


def _refusal(reason):
    """The API's answer for a link that cannot sign (the page shows PAGE_REFUSALS)."""
    title = PAGE_REFUSALS[reason][1]
    if reason == "forged":
        return NotFound(f"{title} / no such signing link", code="link_forged")
    return Conflict(f"{title} / signing link {reason}", code=f"link_{reason}")
