"""Who hears about an order from dispatch, and the summary every such message carries."""

import sqlalchemy as sa

from app.auth.models import User
from app.auth.roles import Role
from app.extensions import db


def dispatcher_ids():
    return list(
        db.session.scalars(
            sa.select(User.id).where(User.holding(Role.DISPATCHER), User.active.is_(True))
        )
    )


def order_summary(order):
    return {
        "order_id": order.id,
        "number": order.number,
        "type": order.type_code,
        "type_name": order.type.name_zh,
        "address": order.address,
        "emergency": order.type.is_emergency,
        "deadline_at": order.deadline_at.isoformat(),
    }
