"""GET /api/events/stream: one user's Server-Sent Events, served natively by the ASGI server.

An open stream is a small object waiting on a queue in the event loop, fed by the process's
one pub/sub connection (hub.py): it holds no request thread, so open screens never starve the
API. On connect it authenticates with a single-use ticket (tickets.py; an access token is
refused in the URL), applies the caps, joins the user's channel, then replays from the
database what the client missed, oldest first in pages, and goes live. The client learns why
a stream ends from a last `event: bye` (lifetime, replaced, unavailable) and what it must
refetch from `event: gap`; nothing is skipped silently.
"""

import asyncio
import json
import logging
import uuid
from urllib.parse import parse_qs

from redis.exceptions import RedisError

from app.notifications import caps, tickets
from app.notifications.hub import DOWN

log = logging.getLogger(__name__)

PATH = "/api/events/stream"
HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"x-accel-buffering", b"no"),
]


class Refused(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Stream:
    """What the hub hands events to: a queue, and flags for why the stream must end."""

    __slots__ = ("sid", "queue", "limit", "overflowed", "down", "evicted", "gone")

    def __init__(self, limit):
        self.sid = uuid.uuid4().hex
        self.queue = asyncio.Queue()
        self.limit = limit
        self.overflowed = self.down = self.evicted = self.gone = False

    def offer(self, item, text=None):
        """From the hub: a live message (with its JSON text as published), or DOWN."""
        if item is DOWN:
            self.down = True
        elif item.get("control") == "evict":
            if item.get("stream") != self.sid:
                return
            self.evicted = True
        elif self.queue.qsize() >= self.limit:
            self.overflowed = True  # the client is told with a gap event, then refetches
            return
        else:
            self.queue.put_nowait((item.get("id"), text))
            return
        self.queue.put_nowait(None)  # wake the stream up to end it


def frame(message):
    """One SSE event; the notification id is the SSE id, so a reconnect can resume."""
    data = json.dumps(message, ensure_ascii=False, default=str)
    return f"id: {message['id']}\ndata: {data}\n\n"


def named(event, data, event_id=None):
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data)}\n\n"


async def refuse(send, status, code, message):
    body = json.dumps({"code": code, "message": message, "errors": {}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    if status == 503:
        headers.append((b"retry-after", b"15"))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def serve(live, scope, receive, send):
    """The ASGI endpoint: refuse clearly, or hold the stream until it must end."""
    config = live.config
    args = parse_qs(scope["query_string"].decode("latin-1"))
    try:
        if "access_token" in args:
            raise Refused(
                401,
                "token_in_url",
                "访问令牌不能放在网址中 / Access tokens are refused in the URL: "
                "POST /api/events/ticket and open the stream with ?ticket=",
            )
        if not live.hub.up.is_set():
            raise Refused(503, "live_unavailable", tickets.LiveUnavailable().message)
        user_id = await _authenticate(live, scope, args)
        stream = Stream(config["LIVE_QUEUE_LIMIT"])
        channel = live.channel_for(user_id)
        await _open(live, stream, user_id, _address(scope), channel)
    except Refused as refused:
        return await refuse(send, refused.status, refused.code, refused.message)
    try:
        await _hold(live, stream, user_id, _last_event_id(scope, args), scope, receive, send)
    finally:
        live.hub.leave(channel, stream)
        await caps.close(live, user_id, _address(scope), stream.sid)


async def _authenticate(live, scope, args):
    ticket = (args.get("ticket") or [None])[0]
    if ticket is not None:
        prefix = live.config["LIVE_CHANNEL_PREFIX"]
        try:
            user_id = await tickets.redeem(live.hub.redis, prefix, ticket)
        except RedisError as exc:
            raise Refused(503, "live_unavailable", tickets.LiveUnavailable().message) from exc
        if user_id is None:
            raise Refused(
                401,
                "ticket_invalid",
                "票据无效、已用过或已过期 / Ticket unknown, used or expired: "
                "ask POST /api/events/ticket for a new one",
            )
        return user_id
    header = dict(scope["headers"]).get(b"authorization", b"").decode("latin-1")
    if header.startswith("Bearer "):
        return await live.in_app(_bearer_user, header[len("Bearer ") :].strip())
    raise Refused(401, "unauthorized", "请先登录 / Authentication required: use a stream ticket")


def _bearer_user(token):
    """A bearer header (programs, not browsers) is read like any API call's, revocation included."""
    from app.auth.permissions import user_from_access_token
    from app.errors import Unauthorized

    try:
        return user_from_access_token(token).id
    except Unauthorized as exc:
        raise Refused(401, exc.code, exc.message) from exc


async def _open(live, stream, user_id, address, channel):
    try:
        evicted = await caps.open(live, user_id, address, stream.sid)
    except RedisError as exc:
        raise Refused(503, "live_unavailable", tickets.LiveUnavailable().message) from exc
    if evicted is None:
        raise Refused(
            429,
            "too_many_streams",
            "此地址打开的实时连接过多 / Too many live streams from this address",
        )
    try:
        await live.hub.join(channel, stream)
        for sid in evicted:
            await live.hub.redis.publish(channel, json.dumps({"control": "evict", "stream": sid}))
    except (RedisError, ConnectionError, TimeoutError, OSError) as exc:
        live.hub.leave(channel, stream)
        await caps.close(live, user_id, address, stream.sid)
        log.warning("stream not opened: %s", exc)
        raise Refused(503, "live_unavailable", tickets.LiveUnavailable().message) from exc


def _address(scope):
    return (scope.get("client") or ("unknown", 0))[0]


def _last_event_id(scope, args):
    raw = dict(scope["headers"]).get(b"last-event-id", b"").decode("latin-1")
    raw = raw or (args.get("last_event_id") or [""])[0]
    return int(raw) if raw.isdigit() and len(raw) < 12 else None


class Writer:
    """Writes frames within LIVE_WRITE_TIMEOUT_SECONDS: a peer that stopped reading is dead."""

    def __init__(self, live, send):
        self.live, self.send = live, send
        self.timeout = live.config["LIVE_WRITE_TIMEOUT_SECONDS"]

    async def __call__(self, text, delivered=None):
        async with asyncio.timeout(self.timeout):
            await self.send(
                {"type": "http.response.body", "body": text.encode(), "more_body": True}
            )
        if delivered is not None:
            self.live.delivered.add(delivered)

    async def end(self):
        async with asyncio.timeout(self.timeout):
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})


async def _hold(live, stream, user_id, last_id, scope, receive, send):
    watcher = asyncio.create_task(_watch_disconnect(receive, stream))
    write = Writer(live, send)
    try:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await write("retry: 3000\n\n")
        replayed = await _replay(live, write, user_id, last_id)
        reason = await _live(live, stream, write, replayed)
        if reason is not None:
            await write(named("bye", {"reason": reason}))
            await write.end()
    except TimeoutError:
        log.info("stream of user %s dropped: the peer stopped reading", user_id)
    finally:
        watcher.cancel()


async def _watch_disconnect(receive, stream):
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.gone = True
    stream.queue.put_nowait(None)


async def _replay(live, write, user_id, last_id):
    """Missed notifications, oldest first, page by page; past LIVE_REPLAY_MAX an explicit gap.

    Returns the ids sent, so a live copy of one of them is not sent twice."""
    from app.notifications import queries

    config = live.config
    page_size, most = config["LIVE_REPLAY_PAGE"], config["LIVE_REPLAY_MAX"]
    sent = set()
    if last_id is not None:  # committed late, after a newer one was already streamed
        late = await live.in_app(
            queries.late_undelivered, user_id, last_id, config["LIVE_LATE_SECONDS"], page_size
        )
        for message in late:
            await write(frame(message), delivered=message["id"])
            sent.add(message["id"])
    cursor = last_id or 0
    while True:
        page = await live.in_app(queries.replay_page, user_id, cursor, last_id is None, page_size)
        for message in page:
            await write(frame(message), delivered=message["id"])
            sent.add(message["id"])
        if len(page) < page_size:
            return sent
        cursor = page[-1]["id"]
        if len(sent) >= most:
            newest = await live.in_app(queries.newest_id, user_id)
            await write(named("gap", {"after": cursor, "newest": newest}, event_id=newest))
            return sent


async def _live(live, stream, write, replayed):
    """Live events until the stream must end; returns why (None: the client went away)."""
    config = live.config
    heartbeat = config["SSE_HEARTBEAT_SECONDS"]
    loop = asyncio.get_running_loop()
    lifetime = config["LIVE_MAX_SECONDS"]
    # Spread over the last tenth, so streams opened together do not all reconnect together.
    deadline = loop.time() + lifetime * (0.9 + 0.1 * (uuid.uuid4().int % 1000) / 1000)
    last_sent = None
    while True:
        wait = min(heartbeat, deadline - loop.time())
        try:
            async with asyncio.timeout(max(wait, 0)):
                item = await stream.queue.get()
        except TimeoutError:
            if loop.time() >= deadline:
                return "lifetime"
            replayed = ()  # a live copy of a replayed one comes at once or not at all
            await write(": heartbeat\n\n")
            continue
        if stream.gone:
            return None
        if stream.down:
            return "unavailable"
        if stream.evicted:
            return "replaced"
        if stream.overflowed:
            stream.overflowed = False
            await write(named("gap", {"after": last_sent}))
        if item is None or item[0] in replayed:
            continue
        event_id, text = item
        await write(f"id: {event_id}\ndata: {text}\n\n", delivered=event_id)
        last_sent = event_id
