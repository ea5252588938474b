"""Short links for messages: /t/<token> opens the customer's tracking page (no login)."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.database import utcnow
from app.extensions import db
from app.messaging import signing
from app.messaging.models import TrackingLink


def tracking_link(order_id, now=None):
    """The order's current link, or a new one when none has more than a day left."""
    now = now or utcnow()
    link = db.session.scalar(
        sa.select(TrackingLink)
        .where(
            TrackingLink.work_order_id == order_id,
            TrackingLink.expires_at > now + timedelta(days=1),
        )
        .order_by(TrackingLink.expires_at.desc())
        .limit(1)
    )
    if link is None:
        days = current_app.config["TRACKING_LINK_DAYS"]
        link = TrackingLink(
            token=secrets.token_urlsafe(9),
            work_order_id=order_id,
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        db.session.add(link)
        db.session.flush()
    return link


def complete_params(message):
    """Add what only exists at sending time: the tracking link of the message's order, or
    a signing request's link and one-time code."""
    params = dict(message.params)
    if message.kind == "sign_code":
        params.update(signing.code_params(params))
    elif message.work_order_id is not None and "url" not in params:
        token = tracking_link(message.work_order_id).token
        params["url"] = f"{params.get('_base', '')}/t/{token}{params.get('url_path', '')}"
    message.params = params
