"""Server-Sent Events for one user, fed by Redis pub/sub so any web process can serve them.

On connect the stream subscribes first and then replays the unread notifications newer than
Last-Event-ID, so nothing published between the phone's last fetch and the subscription is
lost; an event seen in both is sent once. Each open stream holds one gunicorn gthread thread
(and one Redis connection) for as long as it is open: size `--threads` for the phones online.
"""

import json
import logging
import time

from flask import Response, current_app

from app.jobs import redis_conn
from app.notifications import queries
from app.notifications.schemas import NotificationSchema
from app.notifications.services import channel_for

log = logging.getLogger(__name__)
HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def frame(message):
    """One SSE event; the notification id is the SSE id, so a reconnect can resume."""
    data = json.dumps(message, ensure_ascii=False, default=str)
    return f"id: {message['id']}\ndata: {data}\n\n"


def subscribe(user_id, timeout=3.0):
    """A pub/sub subscription Redis has confirmed, so the replay that follows misses nothing."""
    try:
        pubsub = redis_conn().pubsub()
        pubsub.subscribe(channel_for(user_id))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            raw = pubsub.get_message(timeout=0.2)
            if raw and raw["type"] == "subscribe":
                return pubsub
        raise TimeoutError("no subscription confirmed")
    except Exception as exc:  # Redis down: the replay still goes out, the phone retries
        log.warning("live channel unavailable: %s", exc)
        return None


def response(user_id, last_event_id):
    pubsub = subscribe(user_id)
    backlog = NotificationSchema(many=True).dump(queries.unread_after(user_id, last_event_id))
    heartbeat = current_app.config["SSE_HEARTBEAT_SECONDS"]
    return Response(
        events(pubsub, backlog, heartbeat), mimetype="text/event-stream", headers=HEADERS
    )


def events(pubsub, backlog, heartbeat, poll=1.0):
    yield "retry: 3000\n\n"
    for message in backlog:
        yield frame(message)
    if pubsub is None:
        yield ": live channel unavailable, reconnect later\n\n"
        return
    replayed = {m["id"] for m in backlog}
    quiet_since = time.monotonic()
    try:
        while True:
            message = _next(pubsub, poll)
            if message is not None and message.get("id") not in replayed:
                quiet_since = time.monotonic()
                yield frame(message)
            elif time.monotonic() - quiet_since >= heartbeat:
                quiet_since = time.monotonic()
                yield ": heartbeat\n\n"
    except ConnectionError as exc:
        log.warning("live channel lost: %s", exc)
    finally:
        pubsub.close()


def _next(pubsub, timeout):
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    try:
        raw = pubsub.get_message(timeout=timeout)
    except (RedisConnectionError, RedisTimeoutError) as exc:
        raise ConnectionError(str(exc)) from exc
    if raw is None or raw.get("type") != "message":
        return None
    return json.loads(raw["data"])
