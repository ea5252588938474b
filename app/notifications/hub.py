"""One Redis pub/sub connection per web process, fanned out to every stream it holds.

A stream joins its user's channel; the hub subscribes to a channel when its first stream joins
(and waits for Redis to confirm, so the replay that follows misses nothing) and unsubscribes
when the last one leaves. 2,000 open screens cost 2,000 small queues, not 2,000 Redis
connections or threads. When Redis goes away every stream is told (DOWN) and ends, new ones are
refused until the hub is connected again; it retries by itself.
"""

import asyncio
import json
import logging

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

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
                await self._pubsub.subscribe(channel)
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
                asyncio.create_task(self._unsubscribe(channel))

    def streams(self):
        return [s for streams in self._listeners.values() for s in streams]

    async def _unsubscribe(self, channel):
        try:
            if channel not in self._listeners:
                await self._pubsub.unsubscribe(channel)
        except Exception as exc:  # the reader notices a dead connection by itself
            log.info("unsubscribe %s failed: %s", channel, exc)

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
        self._pubsub = self.redis.pubsub()
        await self._pubsub.subscribe(HELLO)
        self._seen = asyncio.get_running_loop().time()
        self.up.set()
        log.info("live hub connected to Redis")

    async def _read(self):
        loop = asyncio.get_running_loop()
        next_ping = loop.time() + self.ping_seconds
        while True:
            raw = await self._pubsub.get_message(timeout=1.0)
            now = loop.time()
            if raw is not None:
                self._seen = now
                self._dispatch(raw)
            if now >= next_ping:
                if now - self._seen > 3 * self.ping_seconds:
                    raise ConnectionError("Redis stopped answering pings")
                await self._pubsub.ping()
                next_ping = now + self.ping_seconds

    def _dispatch(self, raw):
        kind = raw["type"]
        channel = raw["channel"].decode() if isinstance(raw["channel"], bytes) else raw["channel"]
        if kind == "subscribe":
            waiter = self._confirmed.pop(channel, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(True)
        elif kind == "message":
            text = raw["data"].decode() if isinstance(raw["data"], bytes) else raw["data"]
            message = json.loads(text)
            for stream in list(self._listeners.get(channel, ())):
                stream.offer(message, text)  # sent on as published: parsed once, not re-dumped

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
        for closing in (self._pubsub, self.redis):
            if closing is not None:
                try:
                    await closing.aclose()
                except Exception as exc:
                    log.debug("closing a lost Redis connection: %s", exc)
        self._pubsub = self.redis = None
