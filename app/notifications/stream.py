"""GET /api/events/stream: one user's Server-Sent Events, served natively by the ASGI server.

An open stream is a small object waiting in the event loop for frames, fed by the process's
one pub/sub connection (hub.py): it holds no request thread, so open screens never starve the
API. On connect it authenticates with a single-use ticket (tickets.py; an access token is
refused in the URL), applies the caps, joins the user's channel, then replays from the
database what the client missed, oldest first in pages, and goes live. The client learns why
a stream ends from a last `event: bye` (lifetime, replaced, unavailable) and what it must
refetch from `event: gap`; nothing is skipped silently.
"""

import asyncio
import collections
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
    """What the hub hands events to: the frames waiting to be written (each encoded once by
    the hub for all of its user's streams) and flags for why the stream must end.

    Per event this costs one future, the task's wake-up: the heartbeat and the lifetime are
    timers set once, not a timeout around every wait, and a write that stalls is found by
    the app's watchdog (LiveApp.writing), not by a timer around every write. (bench_live:
    the timeouts and the objects they left behind for the cycle collector were a third of
    a fan-out's CPU.)"""

    __slots__ = (
        "sid",
        "pending",
        "limit",
        "waiter",
        "task",
        "overflowed",
        "down",
        "evicted",
        "gone",
        "expired",
        "beat",
        "stalled",
    )

    def __init__(self, limit):
        self.sid = uuid.uuid4().hex
        self.pending = collections.deque()  # (notification id, SSE frame as bytes)
        self.limit = limit
        self.waiter = None
        self.task = None
        self.overflowed = self.down = self.evicted = self.gone = False
        self.expired = self.beat = self.stalled = False

    def offer(self, item, body=None):
        """From the hub: a live message with its SSE frame (bytes), or DOWN."""
        if item is DOWN:
            self.down = True
        elif item.get("control") == "evict":
            if item.get("stream") != self.sid:
                return
            self.evicted = True
        elif len(self.pending) >= self.limit:
            self.overflowed = True  # the client is told with a gap event, then refetches
        else:
            self.pending.append((item.get("id"), body))
        self.wake()

    def wake(self):
        waiter = self.waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def heartbeat_due(self):
        self.beat = True
        self.wake()

    def lifetime_over(self):
        self.expired = True
        self.wake()

    async def wait(self):
        """Until there is something to write or a reason to end."""
        if self.pending or self.beat or self.overflowed or self.expired:
            return
        if self.gone or self.down or self.evicted:
            return
        self.waiter = asyncio.get_running_loop().create_future()
        try:
            await self.waiter
        finally:
            self.waiter = None


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
        await _hold(live, stream, user_id, _last_event_id(scope, args), receive, send)
    finally:
        live.writing.pop(stream, None)
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
    """Writes frames (bytes). A write not done after LIVE_WRITE_TIMEOUT_SECONDS means the
    peer stopped reading: LiveApp's watchdog then cancels the stream's task (stream.stalled),
    and _hold ends it quietly. A write that completes at once, the usual case, sets no timer."""

    def __init__(self, live, stream, send):
        self.live, self.stream, self.send = live, stream, send
        self.clock = asyncio.get_running_loop().time
        self.last = self.clock()  # when the last write began

    async def __call__(self, body, delivered=None):
        self.last = self.live.writing[self.stream] = self.clock()
        try:
            await self.send({"type": "http.response.body", "body": body, "more_body": True})
        finally:
            del self.live.writing[self.stream]
        if delivered is not None:
            self.live.delivered.add(delivered)

    async def end(self):
        self.live.writing[self.stream] = self.clock()
        try:
            await self.send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            del self.live.writing[self.stream]


async def _hold(live, stream, user_id, last_id, receive, send):
    stream.task = asyncio.current_task()
    watcher = asyncio.create_task(_watch_disconnect(receive, stream))
    write = Writer(live, stream, send)
    try:
        await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
        await write(b"retry: 3000\n\n")
        replayed = await _replay(live, write, user_id, last_id)
        reason = await _live(live, stream, write, replayed)
        if reason is not None:
            await write(named("bye", {"reason": reason}).encode())
            await write.end()
    except asyncio.CancelledError:
        if not stream.stalled:
            raise  # not the watchdog's: the server is shutting down
        stream.task.uncancel()
        log.info("stream of user %s dropped: the peer stopped reading", user_id)
    finally:
        watcher.cancel()


async def _watch_disconnect(receive, stream):
    while (await receive())["type"] != "http.disconnect":
        pass
    stream.gone = True
    stream.wake()


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
            await write(frame(message).encode(), delivered=message["id"])
            sent.add(message["id"])
    cursor = last_id or 0
    while True:
        page = await live.in_app(queries.replay_page, user_id, cursor, last_id is None, page_size)
        for message in page:
            await write(frame(message).encode(), delivered=message["id"])
            sent.add(message["id"])
        if len(page) < page_size:
            return sent
        cursor = page[-1]["id"]
        if len(sent) >= most:
            newest = await live.in_app(queries.newest_id, user_id)
            gap = named("gap", {"after": cursor, "newest": newest}, event_id=newest)
            await write(gap.encode())
            return sent


async def _live(live, stream, write, replayed):
    """Live events until the stream must end; returns why (None: the client went away)."""
    heartbeat = live.config["SSE_HEARTBEAT_SECONDS"]
    loop = asyncio.get_running_loop()
    # Spread over the last tenth, so streams opened together do not all reconnect together.
    lifetime = live.config["LIVE_MAX_SECONDS"] * (0.9 + 0.1 * (uuid.uuid4().int % 1000) / 1000)
    ending = loop.call_later(lifetime, stream.lifetime_over)
    beating = loop.call_at(write.last + heartbeat, stream.heartbeat_due)
    last_sent = None
    try:
        while True:
            await stream.wait()
            if stream.gone:
                return None
            if stream.down:
                return "unavailable"
            if stream.evicted:
                return "replaced"
            if stream.expired:
                return "lifetime"
            if stream.overflowed:
                stream.overflowed = False
                await write(named("gap", {"after": last_sent}).encode())
            pending = stream.pending
            while pending:
                event_id, body = pending.popleft()
                if event_id in replayed:
                    continue
                await write(body, delivered=event_id)
                last_sent = event_id
            if stream.beat:  # nothing written for a while: a comment keeps the peer checked
                stream.beat = False
                if loop.time() - write.last >= heartbeat - 0.01:  # timers may fire early
                    replayed = ()  # a live copy of a replayed one comes at once or not at all
                    await write(b": heartbeat\n\n")
                beating = loop.call_at(write.last + heartbeat, stream.heartbeat_due)
    finally:
        ending.cancel()
        beating.cancel()
