"""Public pages in Chinese, no login: the technician ID check and the satisfaction form."""

import hashlib
import os

import marshmallow as ma
from flask import Blueprint, Response, current_app, render_template, request
from markupsafe import escape
from werkzeug.security import safe_join

from app.auth import sessions
from app.common.storage import KEY, BlobMissing, get_storage
from app.common.transaction import commits
from app.errors import Conflict, NotFound, Unauthorized
from app.visits import customer, images
from app.visits.schemas import SatisfactionCreateSchema

pages = Blueprint("visit_pages", __name__, template_folder="templates")

# No photo on file: the technician's name on a colour of their own, which no one could take
# for a face to compare (the page then asks the customer to check name and number instead).
AVATAR = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 200" width="160" height="200">
<rect width="160" height="200" rx="12" fill="hsl({hue},45%,38%)"/>
<text x="80" y="{y}" font-size="{size}" text-anchor="middle" fill="#fff"
font-family="Noto Sans CJK SC,PingFang SC,Microsoft YaHei,sans-serif">{name}</text>
<text x="80" y="178" font-size="18" text-anchor="middle" fill="#fff" opacity=".85"
font-family="sans-serif">{number}</text></svg>"""
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _warning(title, message, status):
    body = render_template("visits/warning.html", title=title, message=message)
    return body, status, NO_STORE


def _token_warning(exc):
    if exc.code == "token_expired":
        return _warning(
            "二维码已过期",
            "此核验二维码已过期。请让工作人员在手机上重新出示二维码;"
            "如有疑问,请拨打公司客服热线核实。",
            410,
        )
    return _warning(
        "核验失败:二维码无效",
        "此二维码不是本公司签发的,或已被篡改。请勿让来人进门,并拨打公司客服热线或报警核实。",
        403,
    )


@pages.get("/verify/<token>")
@commits
def verify(token):
    """Opened from the QR code on the technician's phone."""
    try:
        facts = customer.open_id_check(token)
    except Unauthorized as exc:
        return _token_warning(exc)
    except customer.NotGenuine:
        return _warning(
            "核验失败:工单不在服务中",
            "此二维码对应的工单当前不在上门服务中。请勿让来人进门,并拨打公司客服热线核实。",
            409,
        )
    photo = has_photo(facts["technician"])
    return render_template("visits/verify.html", token=token, photo=photo, **facts), 200, NO_STORE


@pages.get("/verify/<token>/photo")
@commits
def technician_photo(token):
    try:
        facts = customer.open_id_check(token)
    except (Unauthorized, customer.NotGenuine):
        return Response(status=404)
    technician = facts["technician"]
    return _photo(technician.photo_path) or _avatar(technician)


def _avatar(technician):
    name = escape(technician.name[-3:])
    hue = int(hashlib.sha256(technician.employee_no.encode()).hexdigest()[:4], 16) % 360
    size = 56 if len(name) < 3 else 44
    body = AVATAR.format(
        hue=hue, name=name, size=size, y=100 + size // 3, number=escape(technician.employee_no)
    )
    return Response(body, mimetype="image/svg+xml", headers=_inline("technician.svg"))


def has_photo(technician):
    return _photo(technician.photo_path) is not None


def _photo(photo_path):
    """The technician's photo_path (a storage key or a file under STORAGE_DIR) as a response,
    or None when there is no readable photo."""
    data = None
    if photo_path:
        try:
            data = get_storage().get(photo_path) if KEY.match(photo_path) else _file(photo_path)
        except (BlobMissing, OSError):
            data = None
    try:
        kind = images.inspect(data)[0] if data else None
    except images.NotAnImage:
        kind = None
    if kind is None:
        return None
    return Response(data, mimetype=kind, headers=_inline(f"technician.{kind.split('/')[1]}"))


def _inline(filename):
    """A stored image is shown in the page, never offered as a document of its own."""
    return {**NO_STORE, "Content-Disposition": f'inline; filename="{filename}"'}


def _file(photo_path):
    path = safe_join(current_app.config["STORAGE_DIR"], photo_path)
    if path is None or not os.path.isfile(path):
        return None
    with open(path, "rb") as handle:
        return handle.read()


@pages.route("/survey/<token>", methods=["GET", "POST"])
@commits
def survey(token):
    """征求意见书 on the customer's own phone: one submission, no login."""
    try:
        order, _ = customer.survey_order(token)
    except Unauthorized as exc:
        if exc.code == "token_expired":
            return _warning("链接已过期", "此征求意见书链接已超过有效期。感谢您的关注!", 410)
        return _warning("链接无效", "此链接无效,请核对后再试。", 403)
    except NotFound:
        return _warning("链接无效", "此链接对应的工单不存在。", 404)
    if request.method == "GET":
        return _survey_form(order, {}, {})
    try:
        data = SatisfactionCreateSchema().load(_form_data())
        customer.submit_by_link(token, data, sessions.staff_of_browser())
    except ma.ValidationError as exc:
        return _survey_form(order, exc.messages, request.form, status=422)
    except Conflict as exc:
        return _warning("无法提交", exc.message.split(" / ")[0], 409)
    return render_template("visits/survey_done.html", order=order), 200, NO_STORE


def _form_data():
    fields = (
        "overall",
        "timeliness",
        "attitude",
        "professionalism",
        "site_clean",
        "comments",
        "suggestions",
    )
    return {name: request.form[name] for name in fields if request.form.get(name, "") != ""}


def _survey_form(order, errors, values, status=200):
    done = customer.survey_closed_reason(order)
    if done and status == 200:
        title = "暂时不能填写" if order.status not in customer.DONE_STATUSES else "无需再次填写"
        return _warning(title, done.split(" / ")[0], 409)  # the customer reads Chinese only
    body = render_template("visits/survey.html", order=order, errors=errors, values=values)
    return body, status, NO_STORE
