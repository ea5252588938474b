"""The real web process in a test: the ASGI live app on uvicorn, in a thread of the test run.

The same code as `python -m app.live` (stream endpoint in the event loop, Flask through
a2wsgi), on a free port, with the tests' app, database and Redis.
"""

import contextlib
import socket
import subprocess
import threading
import time

import redis
import uvicorn

from app.live import LiveApp, tune_listener, uvicorn_options


@contextlib.contextmanager
def running(flask_app, timeout=10):
    """Yields (port, live app); the hub is connected to Redis before the first request."""
    live = LiveApp(flask_app)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    tune_listener(sock, flask_app.config)
    options = {**uvicorn_options(flask_app.config), "timeout_graceful_shutdown": 1}
    config = uvicorn.Config(live, log_config=None, **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not (server.started and live.hub and live.hub.up.is_set()):
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("live server did not start")
        time.sleep(0.02)
    try:
        yield sock.getsockname()[1], live
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, seconds=15, what="condition"):
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except (OSError, redis.RedisError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


class OwnRedis:
    """A redis-server of this test's own, to stop and start again."""

    def __init__(self):
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )
        wait_until(lambda: redis.Redis(port=self.port).ping(), what="redis-server")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)
