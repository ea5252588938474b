"""What the customer sees: the ID check behind a QR code (R3.3) and the satisfaction form (R3.8).

Both travel as short-lived, single-purpose signed tokens in a URL; neither needs a login.
"""

import uuid
from datetime import timedelta

import segno
import sqlalchemy as sa
from flask import current_app, request

from app.auth import tokens
from app.database import utcnow
from app.dispatch.models import Technician
from app.errors import Conflict, NotFound
from app.extensions import db
from app.queries import paginate
from app.visits import rules
from app.visits.models import SatisfactionForm, SurveyLink
from app.visits.services import locked_order, visit_for
from app.workorders.models import WorkOrder, WorkOrderEvent
from app.workorders.services import get_for, record_event

VERIFY_PURPOSE = "verify_technician"
SURVEY_PURPOSE = "satisfaction_form"
VISIT_STATUSES = ("accepted", "scheduled", "en_route", "on_site")
DONE_STATUSES = ("completed", "closed")


class NotGenuine(Exception):
    """The token is sound but the visit it names is not (or no longer) going on."""


def public_link(path, token, lifetime):
    base = current_app.config["PUBLIC_BASE_URL"] or request.host_url
    url = f"{base.rstrip('/')}{path}{token}"
    return {
        "token": token,
        "url": url,
        "expires_at": utcnow() + lifetime,
        "qr_svg": segno.make(url, error="m").svg_inline(scale=4),
    }


def id_check_link(user, order_id):
    """A QR code the customer scans to see that this technician is genuine (~10 minutes)."""
    order = get_for(user, order_id)
    if order.status not in VISIT_STATUSES or order.technician_id is None:
        raise Conflict(
            "工单不在服务中 / the order is not being visited",
            code="wrong_status",
            errors={"status": [order.status]},
        )
    lifetime = timedelta(minutes=current_app.config["VERIFY_TOKEN_MINUTES"])
    token = tokens.issue(order.id, VERIFY_PURPOSE, lifetime, tech=order.technician_id)
    return public_link("/verify/", token, lifetime)


def open_id_check(token):
    """The page's facts; records "customer_verified_id" on the order once per token."""
    payload = tokens.read(token, VERIFY_PURPOSE)
    order = db.session.get(WorkOrder, int(payload["sub"]), with_for_update=True)
    technician = db.session.get(Technician, payload.get("tech"))
    if (
        order is None
        or technician is None
        or order.technician_id != technician.id
        or order.status not in VISIT_STATUSES
    ):
        raise NotGenuine()
    if not _verified_with(order.id, payload["jti"]):
        record_event(
            order,
            "customer_verified_id",
            "customer:qr",
            payload={"jti": payload["jti"], "technician_id": technician.id},
        )
        visit = visit_for(order)
        visit.customer_verified_at = visit.customer_verified_at or utcnow()
    return {"order": order, "technician": technician, "expires": payload["exp"]}


def _verified_with(order_id, jti):
    return (
        db.session.scalar(
            sa.select(WorkOrderEvent.id)
            .where(
                WorkOrderEvent.work_order_id == order_id,
                WorkOrderEvent.kind == "customer_verified_id",
                WorkOrderEvent.payload["jti"].astext == jti,
            )
            .limit(1)
        )
        is not None
    )


def survey_link(user, order_id, delivery="qr"):
    """A link for the customer's own phone: 7 days, one submission, no login; who issued it,
    how it was delivered and from which address and browser are kept (audit item 13)."""
    order = get_for(user, order_id)
    _check_survey_open(order)
    lifetime = timedelta(days=current_app.config["SURVEY_LINK_DAYS"])
    link = SurveyLink(
        work_order_id=order.id,
        token_id=uuid.uuid4().hex,
        issued_by_id=user.id,
        delivery=delivery,
        expires_at=utcnow() + lifetime,
        issuer_addr=request.remote_addr,
        issuer_agent=request.user_agent.string[:300],
    )
    db.session.add(link)
    db.session.flush()
    token = tokens.issue(order.id, SURVEY_PURPOSE, lifetime, jti=link.token_id)
    return public_link("/survey/", token, lifetime)


def survey_order(token):
    payload = tokens.read(token, SURVEY_PURPOSE)
    order = db.session.get(WorkOrder, int(payload["sub"]), with_for_update=True)
    if order is None:
        raise NotFound()
    return order, payload["jti"]


def submit_on_phone(user, order_id, data):
    order = locked_order(user, order_id)
    return _submit(order, data, "technician_phone", user=user)


def submit_by_callback(user, order_id, data):
    """The hotline records the answers the customer gave on a callback (回访)."""
    order = get_for(user, order_id, lock=True)
    return _submit(order, data, "hotline_callback", user=user)


def submit_by_link(token, data, staff_user_id=None):
    """The customer's own submission; flagged when it came from the staff side.

    `staff_user_id` is whoever signed in last in this browser (the staff-browser cookie).
    """
    order, jti = survey_order(token)
    link = db.session.scalar(sa.select(SurveyLink).where(SurveyLink.token_id == jti))
    form = _submit(order, data, "customer_link", jti=jti)
    form.survey_link_id = link.id if link else None
    form.submitted_addr = request.remote_addr
    form.warnings = rules.submission_warnings(
        link and (link.issued_by_id, link.issuer_addr, link.issuer_agent),
        (request.remote_addr, request.user_agent.string[:300]),
        staff_user_id,
    )
    db.session.flush()
    return form


def survey_closed_reason(order):
    """Why no form can be filled for this order now, or None."""
    if order.status not in DONE_STATUSES:
        return "工单完工后才能填写征求意见书 / the form follows completion"
    if (
        db.session.scalar(
            sa.select(SatisfactionForm.id).where(SatisfactionForm.work_order_id == order.id)
        )
        is not None
    ):
        return "此工单的征求意见书已提交,感谢您的意见 / this order's form was already submitted"
    return None


def _check_survey_open(order):
    reason = survey_closed_reason(order)
    if reason:
        code = "not_completed" if order.status not in DONE_STATUSES else "already_submitted"
        raise Conflict(reason, code=code, errors={"status": [order.status]})


def _submit(order, data, channel, user=None, jti=None):
    _check_survey_open(order)
    form = SatisfactionForm(
        work_order_id=order.id,
        technician_id=order.technician_id,
        team_id=order.team_id,
        channel=channel,
        submitted_by_id=user.id if user else None,
        token_jti=jti,
        submitted_at=utcnow(),
        **data,
    )
    db.session.add(form)
    record_event(
        order,
        "satisfaction_submitted",
        user or "customer:link",
        device_time=data.get("device_time"),
        payload={"channel": channel, "overall": data["overall"], "site_clean": data["site_clean"]},
    )
    db.session.flush()
    return form


SCORES = ("overall", "timeliness", "attitude", "professionalism")


def satisfaction_page(args):
    """Answers for reports, with averages over everything the filters select."""
    conditions = _report_filters(args)
    stmt = sa.select(SatisfactionForm).where(*conditions)
    page = paginate(stmt, args, SatisfactionForm.submitted_at.desc(), SatisfactionForm.id.desc())
    return {**page, "summary": _summary(conditions)}


def _report_filters(args):
    conditions = []
    if args.get("submitted_from"):
        conditions.append(SatisfactionForm.submitted_at >= args["submitted_from"])
    if args.get("submitted_to"):
        conditions.append(SatisfactionForm.submitted_at < args["submitted_to"])
    for name in ("team_id", "technician_id"):
        if args.get(name) is not None:
            conditions.append(getattr(SatisfactionForm, name) == args[name])
    return conditions


def _summary(conditions):
    columns = [sa.func.avg(getattr(SatisfactionForm, name)).label(name) for name in SCORES]
    clean = sa.func.avg(sa.cast(SatisfactionForm.site_clean, sa.Integer)).label("site_clean_rate")
    row = db.session.execute(
        sa.select(sa.func.count().label("count"), *columns, clean).where(*conditions)
    ).one()
    return {
        key: (round(float(value), 2) if value is not None and key != "count" else value)
        for key, value in row._mapping.items()
    }
