"""The web process: one ASGI application on uvicorn, on one origin and port.

GET /api/events/stream is served natively in the event loop (app/notifications/stream.py);
every other request goes to the Flask app through a2wsgi's thread pool, exactly as under a
WSGI server. So a stream costs a queue and a socket, never a request thread, and the API keeps
its threads however many phones and consoles are connected. gunicorn runs WEB_WORKERS uvicorn
workers of it (app/webserver.py, the `web` line of the Procfile).
"""

import asyncio
import functools
import logging
import socket
from concurrent.futures import ThreadPoolExecutor

from a2wsgi import WSGIMiddleware

from app.notifications import stream
from app.notifications.hub import Hub

log = logging.getLogger(__name__)


class LiveApp:
    def __init__(self, flask_app):
        self.flask = flask_app
        self.config = flask_app.config
        self.wsgi = WSGIMiddleware(flask_app, workers=self.config["WEB_THREADS"])
        # Database work of streams (replays, delivery stamps) has its own few threads.
        self.db = ThreadPoolExecutor(self.config["LIVE_DB_THREADS"], thread_name_prefix="live-db")
        self.hub = None
        self.delivered = set()
        self.writing = {}  # stream -> loop time its write began (see _watch_writes)
        self._flusher = self._watchdog = None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["path"] == stream.PATH and scope["method"] == "GET":
            return await stream.serve(self, scope, receive, send)
        if scope["type"] == "lifespan":
            return await self.lifespan(receive, send)
        return await self.wsgi(scope, receive, send)

    def channel_for(self, user_id):
        return f"{self.config['LIVE_CHANNEL_PREFIX']}:user:{user_id}"

    async def in_app(self, func, *args):
        """Run `func` in a database thread, inside the Flask app context."""
        call = functools.partial(self._in_context, func, *args)
        return await asyncio.get_running_loop().run_in_executor(self.db, call)

    def _in_context(self, func, *args):
        from app.extensions import db

        with self.flask.app_context():
            try:
                return func(*args)
            finally:
                db.session.remove()

    async def lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def start(self):
        self.hub = Hub(self.config["REDIS_URL"], self.config["LIVE_REDIS_PING_SECONDS"])
        await self.hub.start()
        self._flusher = asyncio.create_task(self._flush_deliveries(), name="live-delivered")
        self._watchdog = asyncio.create_task(self._watch_writes(), name="live-writes")

    async def stop(self):
        for task in (self._flusher, self._watchdog):
            task.cancel()
        await asyncio.gather(self._flusher, self._watchdog, return_exceptions=True)
        await self._flush_once()
        await self.hub.stop()

    async def _watch_writes(self):
        """A stream's write not done after LIVE_WRITE_TIMEOUT_SECONDS: its peer stopped reading
        (the socket's buffers are full), so the stream's task is cancelled and the stream
        freed. One look a second over the writes in progress, instead of a timer per write."""
        loop = asyncio.get_running_loop()
        while True:
            timeout = self.config["LIVE_WRITE_TIMEOUT_SECONDS"]
            await asyncio.sleep(min(1.0, timeout / 4))
            now = loop.time()
            for held, since in list(self.writing.items()):
                if now - since >= timeout and not held.stalled and held.task is not None:
                    held.stalled = True
                    held.task.cancel()

    async def _flush_deliveries(self):
        """notifications.delivered_at, in one UPDATE per interval rather than one per event."""
        while True:
            await asyncio.sleep(self.config["LIVE_DELIVERED_FLUSH_SECONDS"])
            await self._flush_once()

    async def _flush_once(self):
        if not self.delivered:
            return
        ids, self.delivered = self.delivered, set()
        try:
            await self.in_app(_stamp_delivered, ids)
        except Exception as exc:  # kept for the next round: a stamp is late, never lost
            log.warning("delivery stamps not written: %s", exc)
            self.delivered |= ids


def _stamp_delivered(ids):
    from app.extensions import db
    from app.notifications.queries import mark_delivered

    mark_delivered(ids)
    db.session.commit()


def create_asgi_app(flask_app=None):
    if flask_app is None:
        from app import create_app

        flask_app = create_app()
    return LiveApp(flask_app)


def tune_listener(sock, config):
    """Options every accepted connection inherits (Linux): a phone that vanished without a FIN
    (flaky 4G) is dropped once the heartbeat it did not acknowledge is this old."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
    if hasattr(socket, "TCP_USER_TIMEOUT"):
        timeout_ms = config["LIVE_PEER_TIMEOUT_SECONDS"] * 1000
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, timeout_ms)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE, config["SSE_HEARTBEAT_SECONDS"])
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL, 5)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT, 3)
    return sock


def uvicorn_options(config):
    """How uvicorn runs the live app, under gunicorn (app/webserver.py) and in the tests."""
    return {
        "loop": "uvloop",
        "http": "httptools",
        "lifespan": "on",
        "access_log": False,
        # Open streams never finish by themselves: past this, a shutdown cuts them (clients
        # reconnect to another node or to this one restarted).
        "timeout_graceful_shutdown": config["LIVE_SHUTDOWN_SECONDS"],
    }
