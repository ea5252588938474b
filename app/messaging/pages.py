"""HTML: the staff's 短信发件箱 (every message and attempt), the customer's /t/<token>, and
/s/<token> where the customer signs on their own phone (R3.7)."""

from flask import Blueprint, redirect, render_template, request

from app.common.transaction import commits
from app.messaging import signing, tracking

pages = Blueprint(
    "messaging_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/sms/static",
)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
REFUSED = {
    "forged": (
        404,
        "链接无效",
        "这个链接不是本公司发出的,或者抄错了。请核对短信里的链接,或拨打客服热线。",
    ),
    "expired": (410, "链接已过期", "这个链接已经过了有效期。如需查询工单,请拨打客服热线。"),
}


@pages.get("/admin/sms/")
def outbox():
    return render_template("messaging/outbox.html", tile_url="")


def _refused(exc):
    status, title, message = REFUSED[exc.reason]
    body = render_template("messaging/refused.html", title=title, message=message)
    return body, status, NO_STORE


def _page(token, order, notice=None, error=None, status=200):
    facts = tracking.page_facts(order)
    body = render_template(
        "messaging/tracking.html", token=token, notice=notice, error=error, **facts
    )
    return body, status, NO_STORE


@pages.get("/t/<token>")
def track(token):
    """The customer's tracking page, opened from an SMS."""
    try:
        _, order = tracking.open_link(token)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    return _page(token, order)


@pages.post("/t/<token>/reschedule")
@commits
def ask_new_time(token):
    try:
        _, order = tracking.open_link(token, lock=True)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    preferred = request.form.get("preferred", "").strip()[:100]
    note = request.form.get("note", "").strip()[:500]
    if not preferred:
        return _page(token, order, error="请写下您方便的时间。", status=422)
    if order.status not in tracking.RESCHEDULE_OPEN:
        return _page(token, order, error="现在已不能改约,如有需要请拨打客服热线。", status=409)
    tracking.request_new_time(order, preferred, note)
    return _page(token, order, notice="已收到您的改约申请,维修师傅或调度员会打电话和您确认。")


@pages.post("/t/<token>/opt-out")
@commits
def opt_out(token):
    try:
        _, order = tracking.open_link(token)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    tracking.opt_out(order)
    return _page(token, order, notice="以后不再给您发送工单进度短信;停水通知和预约时间仍会发送。")


@pages.get("/t/<token>/survey")
def survey(token):
    try:
        _, order = tracking.open_link(token)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    return redirect(tracking.survey_url(order), 303)


@pages.get("/t/<token>/receipt/<int:signature_id>")
@commits  # the receipt link, if this was its first need
def receipt(token, signature_id):
    try:
        _, order = tracking.open_link(token)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    url = tracking.receipt_url(order, signature_id)
    if url is None:
        return _refused(tracking.LinkRefused("forged"))
    return redirect(url, 303)


@pages.get("/t/<token>/photo")
def photo(token):
    from app.visits.public_pages import _avatar, _photo  # the same photo rules and avatar

    try:
        _, order = tracking.open_link(token)
    except tracking.LinkRefused as exc:
        return _refused(exc)
    if order.status not in tracking.TECHNICIAN_SHOWN or order.technician is None:
        return _refused(tracking.LinkRefused("forged"))
    return _photo(order.technician.photo_path) or _avatar(order.technician)


@pages.get("/s/<token>")
def sign(token):
    """The customer reads the damage record and signs it on their own phone (R3.7)."""
    try:
        request = signing.open_request(token)
    except signing.RequestClosed as exc:
        status, title, message = signing.PAGE_REFUSALS[exc.reason]
        body = render_template("messaging/refused.html", title=title, message=message)
        return body, status, NO_STORE
    body = render_template("messaging/sign.html", token=token, **signing.page_facts(request))
    return body, 200, NO_STORE
