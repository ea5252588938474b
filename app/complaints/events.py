"""The complaint's history: one append-only event per thing that happened (R7)."""

from app.complaints.models import ComplaintEvent
from app.database import utcnow
from app.extensions import db
from app.workorders.services import actor_fields


def record(complaint, what, actor, reason=None, at=None, **payload):
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
