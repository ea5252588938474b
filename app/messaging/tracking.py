"""The customer's tracking page behind /t/<token> (R8): what it shows and what it accepts.

No login: the short token from the SMS is the only key, so the page shows nothing the
customer did not give (no phone, no name), the technician only once on the way (R3.3).
"""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app

from app.auth import tokens
from app.database import utcnow
from app.dispatch.models import Technician
from app.extensions import db
from app.messaging import services
from app.messaging.hooks import visit_code, window_text
from app.messaging.models import TrackingLink
from app.notifications.services import notify
from app.signatures.models import Signature
from app.signatures.services import receipt_link
from app.workorders.models import WorkOrder
from app.workorders.services import record_event

# In words an elderly customer understands (R7).
STATUS_TEXT = {
    "new": ("已受理", "您的报修已登记,我们正在安排维修师傅。"),
    "assigned": ("已安排师傅", "维修师傅会尽快打电话和您约定上门时间。"),
    "accepted": ("已安排师傅", "维修师傅会尽快打电话和您约定上门时间。"),
    "scheduled": ("已约好时间", "维修师傅会在约定的时间上门。"),
    "en_route": ("师傅已出发", "维修师傅正在赶来,请开门前核对下面的姓名、照片和核对码。"),
    "on_site": ("师傅已到达", "维修师傅正在为您维修。"),
    "completed": ("已修好", "维修已经完成,请您花一分钟填写征求意见书。"),
    "closed": ("已办结", "这张工单已经办结,感谢您的支持。"),
    "cancelled": ("已取消", "这张工单已经取消。如还需要维修,请拨打客服热线。"),
}
TECHNICIAN_SHOWN = ("en_route", "on_site")
RESCHEDULE_OPEN = ("new", "assigned", "accepted", "scheduled")


class LinkRefused(Exception):
    def __init__(self, reason):
        self.reason = reason  # "forged" or "expired"


def open_link(token, lock=False):
    """The link and its order; a guessed token is 'forged', an old one 'expired'."""
    link = db.session.get(TrackingLink, token) if len(token) <= 24 else None
    if link is None:
        raise LinkRefused("forged")
    if link.expires_at <= utcnow():
        raise LinkRefused("expired")
    order = db.session.get(WorkOrder, link.work_order_id, with_for_update=lock)
    return link, order


def page_facts(order):
    title, text = STATUS_TEXT[order.status]
    facts = {
        "number": order.number,
        "type_name": order.type.name_zh,
        "address": order.address,
        "status_title": title,
        "status_text": text,
        "window": None,
        "technician": None,
        "can_reschedule": order.status in RESCHEDULE_OPEN,
        "survey_open": False,
        "signatures": [],
    }
    if order.appointment_start and order.status in ("scheduled", "en_route"):
        facts["window"] = window_text(order.appointment_start, order.appointment_end)
    if order.status in TECHNICIAN_SHOWN and order.technician_id:
        technician = db.session.get(Technician, order.technician_id)
        facts["technician"] = {
            "name": technician.name,
            "employee_no": technician.employee_no,
            "code": visit_code(order.id, technician.id),
        }
    if order.status in ("completed", "closed"):
        from app.visits.customer import survey_closed_reason

        facts["survey_open"] = survey_closed_reason(order) is None
    return facts


def request_new_time(order, preferred, note):
    """The customer asks for another time: an event on the order and a task for whoever
    makes the appointment (the technician, or the dispatchers while nobody is assigned)."""
    event = record_event(
        order,
        "customer_reschedule_request",
        "customer:link",
        reason=note or None,
        payload={"preferred": preferred, "note": note},
    )
    db.session.flush()
    recipients = [order.technician.user_id] if order.technician_id else _dispatchers()
    notify(
        recipients,
        "customer_reschedule_request",
        {"order_id": order.id, "number": order.number, "preferred": preferred, "note": note},
        dedupe_key=f"customer_reschedule_request:{event.id}",
    )
    return event


def _dispatchers():
    from app.dispatch.announce import dispatcher_ids

    return dispatcher_ids()


def opt_out(order):
    return services.opt_out(order.caller_phone, source="tracking_page")


def survey_url(order):
    from app.visits.customer import SURVEY_PURPOSE

    days = current_app.config["SURVEY_LINK_DAYS"]
    return "/survey/" + tokens.issue(order.id, SURVEY_PURPOSE, timedelta(days=days))


def receipt_url(order, signature_id):
    """The signature's one live receipt link (issued on first need: the caller commits)."""
    signature = db.session.get(Signature, signature_id)
    if signature is None or signature.work_order_id != order.id:
        return None
    return urlsplit(receipt_link(signature)["url"]).path
