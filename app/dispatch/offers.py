"""An order's assignment offers (R2.3): the one way a pending offer ends."""

import sqlalchemy as sa

from app.database import utcnow
from app.dispatch.models import AssignmentOffer
from app.extensions import db


def close_pending(order, outcome):
    """End the order's pending offers with `outcome` (accepted, declined, withdrawn, ...);
    returns their ids."""
    return list(
        db.session.scalars(
            sa.update(AssignmentOffer)
            .where(AssignmentOffer.work_order_id == order.id, AssignmentOffer.outcome == "pending")
            .values(outcome=outcome, decided_at=utcnow())
            .returning(AssignmentOffer.id)
        )
    )
