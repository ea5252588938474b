"""Stream tickets: a short-lived, single-use secret that opens the live stream and nothing else.

EventSource cannot send headers, and a URL ends up in proxy logs, so the access token never
goes there: the client trades it (in a header) for a ticket, and the stream redeems the ticket
once. Tickets live in Redis (shared by every web node) and expire by themselves.
"""

import hashlib
import secrets

from flask import current_app

from app.errors import DomainError


class LiveUnavailable(DomainError):
    """Redis, which carries live events, cannot be reached: clients poll /api/notifications."""

    status = 503
    code = "live_unavailable"

    def __init__(self):
        super().__init__(
            "实时通道暂不可用,请稍后重试 / Live channel unavailable: poll /api/notifications "
            "and ask for a ticket again later"
        )


def ticket_key(prefix, ticket):
    """Only a hash of the ticket is stored, so a Redis dump opens no stream."""
    digest = hashlib.sha256(ticket.encode()).hexdigest()
    return f"{prefix}:ticket:{digest}"


def issue(user_id):
    """A new ticket for `user_id`, valid LIVE_TICKET_SECONDS; raises LiveUnavailable."""
    from app.jobs import redis_conn

    config = current_app.config
    ticket = secrets.token_urlsafe(24)
    key = ticket_key(config["LIVE_CHANNEL_PREFIX"], ticket)
    try:
        redis_conn().set(key, user_id, ex=config["LIVE_TICKET_SECONDS"])
    except Exception as exc:
        current_app.logger.warning("stream ticket not issued: %s", exc)
        raise LiveUnavailable() from exc
    return {"ticket": ticket, "expires_in": config["LIVE_TICKET_SECONDS"]}


async def redeem(redis, prefix, ticket):
    """The user id the ticket was issued to, once; None when unknown, used or expired."""
    if not ticket or len(ticket) > 100:
        return None
    value = await redis.getdel(ticket_key(prefix, ticket))
    return int(value) if value is not None else None
