"""The print-friendly receipt of a signature, for the customer to keep (R3.7)."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, render_template

from app.common.storage import BlobMissing, get_storage
from app.errors import NotFound, Unauthorized
from app.signatures import services, verification
from app.signatures.models import CHANNELS_ZH, RELATIONS_ZH

pages = Blueprint("signature_pages", __name__, template_folder="templates")
BEIJING = ZoneInfo("Asia/Shanghai")


@pages.app_template_filter("beijing")
def beijing(moment):
    """An ISO time (or datetime) as people in China write it: 2026年12月1日 21:30 (北京时间)."""
    if not moment:
        return "未记录"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    local = moment.astimezone(BEIJING)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _signature(token):
    try:
        return services.signature_for_receipt(token), None
    except Unauthorized as exc:
        expired = exc.code == "token_expired"
        title = "回执链接已过期" if expired else "回执链接无效"
        body = render_template(
            "visits/warning.html", title=title, message="请联系公司客服热线获取新的回执链接。"
        )
        return None, (body, 410 if expired else 403, HEADERS)
    except NotFound:
        return None, (
            render_template(
                "visits/warning.html", title="回执不存在", message="此回执对应的签名不存在。"
            ),
            404,
            HEADERS,
        )


@pages.get("/receipt/<token>")
def receipt(token):
    signature, refused = _signature(token)
    if refused:
        return refused
    return (
        render_template(
            "signatures/receipt.html",
            token=token,
            signature=signature,
            doc=json.loads(signature.document),
            relations=RELATIONS_ZH,
            channels=CHANNELS_ZH,
            check=verification.verify(signature),
        ),
        200,
        HEADERS,
    )


@pages.get("/receipt/<token>/signature.png")
def receipt_png(token):
    signature, refused = _signature(token)
    if refused:
        return Response(status=404)
    try:
        return Response(
            get_storage().get(signature.png_sha256),
            mimetype="image/png",
            headers={**HEADERS, "Content-Disposition": 'inline; filename="signature.png"'},
        )
    except BlobMissing:
        return Response(status=404)
