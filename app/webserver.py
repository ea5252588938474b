"""The web process: gunicorn supervises WEB_WORKERS uvicorn workers serving asgi:app.

    gunicorn --config python:app.webserver asgi:app      (the `web` line of the Procfile)

gunicorn restarts a worker that dies or hangs and shares the listening socket; each worker
runs the live app (app/live.py) in an event loop. Settings come from app.config.Config.
"""

import gc

from uvicorn_worker import UvicornWorker

from app.config import Config
from app.live import tune_listener, uvicorn_options

SETTINGS = {name: getattr(Config, name) for name in dir(Config) if name.isupper()}


class Worker(UvicornWorker):
    CONFIG_KWARGS = uvicorn_options(SETTINGS)


# gunicorn settings (read by --config python:app.webserver)
bind = f"{SETTINGS['HOST']}:{SETTINGS['PORT']}"
workers = SETTINGS["WEB_WORKERS"]
worker_class = "app.webserver.Worker"
backlog = 4096
keepalive = 30
timeout = 60  # a worker whose event loop has not answered for this long is restarted
graceful_timeout = SETTINGS["LIVE_SHUTDOWN_SECONDS"] + 5
control_socket_disable = True  # several gunicorns on one host would share its one path
forwarded_allow_ips = SETTINGS["FORWARDED_ALLOW_IPS"]


def when_ready(server):
    for listener in server.LISTENERS:
        tune_listener(listener.sock, SETTINGS)


def post_worker_init(worker):
    """The app is loaded: its modules, mappers and configuration (most of the heap, about a
    million objects) live as long as the worker. Frozen, the cycle collector stops walking
    them on every full collection: with 2,000 open streams a full collection otherwise
    stalled the event loop and every request thread for 100-700 ms (bench_live). Garbage of
    the start-up is collected first, so none is pinned."""
    gc.collect()
    gc.freeze()
