"""The live hub's Redis pub/sub connection: a small RESP2 reader on an asyncio protocol.

redis-py's PubSub reads each message with a chain of awaits (a readline or readexactly per
part of it, a timeout per call): parsing 2,000 messages of a fan-out cost 31 ms of a web
worker's CPU, a fifth of the whole fan-out (bench_live). Here one `data_received` parses
everything a read brought and hands each push to the hub in the same call. Only what a
subscribed connection needs: AUTH, SUBSCRIBE, UNSUBSCRIBE, PING, and the arrays Redis pushes.
Commands (tickets, caps, publishing) still go through redis-py.
"""

import asyncio
import collections
import ssl

from redis.asyncio.connection import SSLConnection, UnixDomainSocketConnection, parse_url

INCOMPLETE = object()


class ProtocolError(Exception):
    pass


class ReplyError(Exception):
    """An error reply (`-ERR ...`)."""


def command(*args):
    """A command in RESP: an array of bulk strings."""
    parts = [b"*%d\r\n" % len(args)]
    for arg in args:
        data = arg.encode() if isinstance(arg, str) else bytes(arg)
        parts.append(b"$%d\r\n%s\r\n" % (len(data), data))
    return b"".join(parts)


def parse(buf, pos):
    """One RESP2 value of `buf` from `pos`: (value, position after it), or INCOMPLETE when the
    rest has not arrived yet. Bulk strings come as bytes, arrays as lists, errors as
    ReplyError instances (returned, not raised)."""
    end = buf.find(b"\r\n", pos)
    if end < 0:
        return INCOMPLETE
    kind = buf[pos]
    if kind == 36:  # $ bulk string
        size = int(buf[pos + 1 : end])
        if size < 0:
            return None, end + 2
        start = end + 2
        if len(buf) < start + size + 2:
            return INCOMPLETE
        return bytes(buf[start : start + size]), start + size + 2
    if kind == 42:  # * array
        count = int(buf[pos + 1 : end])
        if count < 0:
            return None, end + 2
        items, pos = [], end + 2
        for _ in range(count):
            parsed = parse(buf, pos)
            if parsed is INCOMPLETE:
                return INCOMPLETE
            item, pos = parsed
            items.append(item)
        return items, pos
    if kind == 58:  # : integer
        return int(buf[pos + 1 : end]), end + 2
    if kind == 43:  # + simple string
        return bytes(buf[pos + 1 : end]).decode(), end + 2
    if kind == 45:  # - error
        return ReplyError(bytes(buf[pos + 1 : end]).decode()), end + 2
    raise ProtocolError(f"unexpected RESP type byte {kind!r}")


class PubSubConnection(asyncio.Protocol):
    """Pushes (arrays: message, subscribe, unsubscribe, pong) go to `on_push` as they are
    parsed; other replies (AUTH's) answer `call` in order. `closed` resolves, with the error
    or None, when the connection ends; `last_data` is the loop time of the last bytes read."""

    def __init__(self, on_push):
        self.on_push = on_push
        self.buffer = bytearray()
        self.replies = collections.deque()
        self.transport = None
        loop = asyncio.get_running_loop()
        self.clock = loop.time
        self.last_data = self.clock()
        self.closed = loop.create_future()

    @classmethod
    async def open(cls, url, on_push, timeout=2.0):
        """Connects and authenticates as the URL says (redis://, rediss://, unix://); the db
        number does not matter to pub/sub."""
        options = parse_url(url)
        kind = options.get("connection_class")
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            if kind is not None and issubclass(kind, UnixDomainSocketConnection):
                _, conn = await loop.create_unix_connection(lambda: cls(on_push), options["path"])
            else:
                tls = None
                if kind is not None and issubclass(kind, SSLConnection):
                    tls = ssl.create_default_context()
                host, port = options.get("host", "localhost"), options.get("port", 6379)
                _, conn = await loop.create_connection(lambda: cls(on_push), host, port, ssl=tls)
            try:
                if options.get("password"):
                    user = [options["username"]] if options.get("username") else []
                    await conn.call("AUTH", *user, options["password"])
            except BaseException:
                conn.close()
                raise
        return conn

    def send(self, *args):
        if self.transport is None or self.transport.is_closing():
            raise ConnectionError("the pub/sub connection is closed")
        self.transport.write(command(*args))

    async def call(self, *args):
        """A command whose reply is not a push (AUTH): returns it, raises an error reply."""
        waiter = asyncio.get_running_loop().create_future()
        self.replies.append(waiter)
        self.send(*args)
        reply = await waiter
        if isinstance(reply, ReplyError):
            raise reply
        return reply

    def close(self):
        if self.transport is not None:
            self.transport.close()

    # asyncio.Protocol
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.last_data = self.clock()
        buf = self.buffer
        buf += data
        pos = 0
        try:
            while pos < len(buf):
                parsed = parse(buf, pos)
                if parsed is INCOMPLETE:
                    break
                value, pos = parsed
                if isinstance(value, list):
                    self.on_push(value)
                elif self.replies:
                    waiter = self.replies.popleft()
                    if not waiter.done():
                        waiter.set_result(value)
        except (ProtocolError, ValueError) as exc:  # garbage: this connection cannot go on
            self._end(ConnectionError(f"unreadable reply from Redis: {exc}"))
            self.transport.close()
            return
        finally:
            del buf[:pos]

    def connection_lost(self, exc):
        self._end(exc or ConnectionError("Redis closed the pub/sub connection"))

    def _end(self, exc):
        if not self.closed.done():
            self.closed.set_result(exc)
        while self.replies:
            waiter = self.replies.popleft()
            if not waiter.done():
                waiter.set_exception(ConnectionError(str(exc)))
