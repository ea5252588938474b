"""The complaint's history: one append-only event per thing that happened (R7)."""

from app.complaints.models import EVENT_LABELS_ZH, ComplaintEvent
from app.database import utcnow
from app.extensions import db
from app.workorders.services import actor_fields


def record(complaint, what, actor, reason=None, at=None, **payload):
    if what not in EVENT_LABELS_ZH:  # the office would show the code: a programming error
        raise ValueError(f"complaint event {what!r} has no Chinese label in EVENT_LABELS_ZH")
    event = ComplaintEvent(
        complaint_id=complaint.id,
        kind=what,
        reason=reason,
        at=at or utcnow(),
        payload=payload,
        **actor_fields(actor),
    )
    db.session.add(event)
    return event
