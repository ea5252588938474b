"""Which order events tell the customer by SMS (R8, R3.2): one receiver on the work-order
domain's event_recorded signal, one small function per event kind."""

from datetime import datetime

from flask import current_app

from app.extensions import db
from app.messaging import emergency, rules
from app.messaging.services import queue_sms
from app.workorders.signals import event_recorded

WEEKDAYS = "一二三四五六日"


def window_text(start, end):
    """'12月3日(周四)14:00-16:00' in Shanghai time, for a customer."""
    if isinstance(start, str):
        start, end = datetime.fromisoformat(start), datetime.fromisoformat(end)
    start, end = start.astimezone(rules.TZ), end.astimezone(rules.TZ)
    day = f"{start.month}月{start.day}日(周{WEEKDAYS[start.weekday()]})"
    return f"{day}{start:%H:%M}-{end:%H:%M}"


def order_received(order, event):
    queue_sms(
        "order_received",
        order.caller_phone,
        {"number": order.number},
        work_order=order,
        dedupe_key=f"order_received:{order.number}",
    )


def appointment(order, event):
    payload = event.payload
    start = payload.get("start") or payload.get("appointment_start")
    end = payload.get("end") or payload.get("appointment_end")
    if not (start and end):
        return
    params = {"number": order.number, "window": window_text(start, end)}
    kind = "appointment_agreed"
    if payload.get("previous_start"):
        kind = "appointment_changed"
        params["previous"] = window_text(payload["previous_start"], payload["previous_end"])
    queue_sms(kind, order.caller_phone, params, work_order=order)


def departing(order, event):
    technician = order.technician
    if technician is None:
        return
    params = {
        "name": technician.name,
        "employee_no": technician.employee_no,
        "code": visit_code(order.id, technician.id),
    }
    queue_sms("technician_departing", order.caller_phone, params, work_order=order)


def completed(order, event):
    queue_sms(
        "survey_link",
        order.caller_phone,
        {"number": order.number, "url_path": "/survey"},
        work_order=order,
        dedupe_key=f"survey_link:{order.number}",
    )


def signed(order, event):
    signature_id = event.payload["signature_id"]
    queue_sms(
        "receipt_link",
        order.caller_phone,
        {"number": order.number, "url_path": f"/receipt/{signature_id}"},
        work_order=order,
        dedupe_key=f"receipt_link:{signature_id}",
    )


def visit_code(order_id, technician_id):
    """The code in the departing SMS and on the tracking page; the same for one assignment."""
    return rules.visit_code(current_app.config["SECRET_KEY"], "visit", order_id, technician_id)


# The on-call technician's emergency offer (SMS_EMERGENCY_OFFERS), not a customer's message.
TO_TECHNICIANS = {"assign": emergency.ask_for_check, "reassign": emergency.ask_for_check}
ON_EVENT = {
    **TO_TECHNICIANS,
    "created": order_received,
    "schedule": appointment,
    "reschedule": appointment,  # R3.2: the customer is told the new window too
    "depart": departing,
    "complete": completed,
    "customer_signed": signed,
}


@event_recorded.connect
def on_order_event(order, event, **_):
    handler = ON_EVENT.get(event.kind)
    if handler is None:
        return
    switch = "SMS_EMERGENCY_OFFERS" if event.kind in TO_TECHNICIANS else "SMS_ORDER_MESSAGES"
    if current_app.config[switch]:
        with db.session.no_autoflush:  # the caller may still be filling the order in
            handler(order, event)
