"""One Redis pub/sub connection per web process, fanned out to every stream it holds.

A stream joins its user's channel; the hub subscribes to a channel when its first stream joins
(and waits for Redis to confirm, so the replay that follows misses nothing) and unsubscribes
when the last one leaves. A message is routed by its channel (its user) through a dict to that
user's streams, and its SSE frame is encoded once for all of them. 2,000 open screens cost
2,000 small objects, not 2,000 Redis connections or threads. The pub/sub connection is read by
pubsub.py (one parse per read, not a chain of awaits per message). When Redis goes away every
stream is told (DOWN) and ends, new ones are refused until the hub is connected again; it
retries by itself.
"""

import asyncio
import json
import logging

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from app.notifications.pubsub import PubSubConnection

log = logging.getLogger(__name__)

DOWN = object()  # offered to every stream when the Redis connection is lost
HELLO = "tapline-live:hello"  # the hub's own channel: keeps the connection in pub/sub mode


class Hub:
    def __init__(self, url, ping_seconds=5.0):
        self.url = url
        self.ping_seconds = ping_seconds
        self.redis = None  # for commands (tickets, caps, control messages)
        self.up = asyncio.Event()
        self._listeners = {}  # channel -> set of streams
        self._confirmed = {}  # channel -> future resolved by Redis' "subscribe" reply
        self._pubsub = None
        self._task = None

    async def start(self):
        self._task = asyncio.create_task(self._run(), name="live-hub")

    async def stop(self):
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self._drop()

    async def join(self, channel, stream, timeout=10.0):
        """Listen on `channel`; returns once Redis confirmed the subscription."""
        if not self.up.is_set():
            raise ConnectionError("live hub is not connected")
        streams = self._listeners.setdefault(channel, set())
        streams.add(stream)
        waiter = self._confirmed.get(channel)
        if len(streams) == 1 or waiter is not None:
            if waiter is None:
                waiter = self._confirmed[channel] = asyncio.get_running_loop().create_future()
                self._pubsub.send("SUBSCRIBE", channel)
            async with asyncio.timeout(timeout):
                await asyncio.shield(waiter)

    def leave(self, channel, stream):
        streams = self._listeners.get(channel)
        if not streams:
            return
        streams.discard(stream)
        if not streams:
            del self._listeners[channel]
            self._confirmed.pop(channel, None)
            if self.up.is_set():
                try:
                    self._pubsub.send("UNSUBSCRIBE", channel)
                except ConnectionError as exc:  # the hub notices a dead connection by itself
                    log.info("unsubscribe %s failed: %s", channel, exc)

    def streams(self):
        return [s for streams in self._listeners.values() for s in streams]

    async def _run(self):
        backoff = 0.5
        while True:
            try:
                await self._connect()
                backoff = 0.5
                await self._read()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("live hub lost Redis (%s); streams end, retrying", exc)
            self._lost()
            await self._drop()
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 5.0)

    async def _connect(self):
        self.redis = aioredis.Redis.from_url(
            self.url,
            socket_connect_timeout=2,
            socket_timeout=5,
            # No silent reconnect: a pub/sub connection that came back has missed messages,
            # so the streams must be told and replay from the database instead.
            retry=Retry(NoBackoff(), 0),
        )
        self._pubsub = await PubSubConnection.open(self.url, self._dispatch)
        self._pubsub.send("SUBSCRIBE", HELLO)
        self.up.set()
        log.info("live hub connected to Redis")

    async def _read(self):
        """Messages are dispatched as they are parsed (pubsub.py); this pings, and returns by
        raising when the connection ends or Redis stops answering."""
        loop = asyncio.get_running_loop()
        pubsub = self._pubsub
        while True:
            done, _ = await asyncio.wait([pubsub.closed], timeout=self.ping_seconds)
            if done:
                raise pubsub.closed.result() or ConnectionError("pub/sub connection closed")
            if loop.time() - pubsub.last_data > 3 * self.ping_seconds:
                raise ConnectionError("Redis stopped answering pings")
            pubsub.send("PING")

    def _dispatch(self, push):
        """A push from Redis: [b"message", channel, data], [b"subscribe", channel, count], ..."""
        kind = push[0]
        if kind == b"message":
            streams = self._listeners.get(push[1].decode())
            if not streams:
                return  # not ours any more: its last stream left while it was on its way
            text = push[2].decode()
            try:
                message = json.loads(text)
            except ValueError:
                log.warning("live message that is not JSON ignored: %.200s", text)
                return
            # The SSE frame is built and encoded once, from the text as published (not
            # re-dumped), for however many streams the user has open.
            body = f"id: {message.get('id')}\ndata: {text}\n\n".encode()
            for stream in list(streams):
                stream.offer(message, body)
        elif kind == b"subscribe":
            waiter = self._confirmed.pop(push[1].decode(), None)
            if waiter is not None and not waiter.done():
                waiter.set_result(True)

    def _lost(self):
        self.up.clear()
        for waiter in self._confirmed.values():
            if not waiter.done():
                waiter.set_exception(ConnectionError("Redis connection lost"))
        self._confirmed.clear()
        for stream in self.streams():
            stream.offer(DOWN)
        self._listeners.clear()

    async def _drop(self):
        if self._pubsub is not None:
            self._pubsub.close()
        if self.redis is not None:
            try:
                await self.redis.aclose()
            except Exception as exc:
                log.debug("closing a lost Redis connection: %s", exc)
        self._pubsub = self.redis = None
