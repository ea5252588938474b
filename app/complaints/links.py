"""A complaint opens a work order (e.g. a water-quality complaint -> a field check)."""

from app.complaints import events
from app.errors import Conflict, Invalid
from app.extensions import db
from app.workorders import services as workorders

# Work orders know fewer channels than complaints; a walk-in stays a walk-in.
WORK_ORDER_CHANNEL = {"walk_in": "walk_in"}


def open_work_order(complaint, data, user):
    """Create the order through the work-order service; the link lives on the complaint."""
    if complaint.work_order_id is not None:
        raise Conflict(
            "该投诉已关联工单 / this complaint already has a work order",
            code="already_linked",
            work_order_id=complaint.work_order_id,
        )
    if complaint.status == "closed":
        raise Conflict("投诉已办结 / the complaint is closed", status=complaint.status)
    order = workorders.create_work_order(_order_data(complaint, data), user)
    complaint.work_order_id = order.id
    workorders.record_event(
        order,
        "complaint_linked",
        user,
        payload={
            "complaint_id": complaint.id,
            "complaint_number": complaint.number,
        },
    )
    events.record(
        complaint,
        "work_order_opened",
        user,
        work_order_id=order.id,
        work_order_number=order.number,
        type=order.type_code,
    )
    db.session.flush()
    return order


def _order_data(complaint, data):
    address = data.get("address") or complaint.address
    if not address and complaint.customer is None:
        raise Invalid(errors={"address": ["需要地址 / an address is needed"]})
    found = {
        "type": data["type"],
        "channel": WORK_ORDER_CHANNEL.get(complaint.channel, "hotline"),
        "caller_name": complaint.caller_name,
        "caller_phone": complaint.caller_phone,
        "description": data.get("description") or f"投诉{complaint.number}:{complaint.description}",
    }
    if complaint.customer is not None:
        found["account_no"] = complaint.customer.account_no
    if address:
        found["address"] = address
    for name in ("location", "meter_number"):
        if data.get(name):
            found[name] = data[name]
    return found
