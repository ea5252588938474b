"""The web process: gunicorn supervises WEB_WORKERS uvicorn workers serving asgi:app.

    gunicorn --config python:app.webserver asgi:app      (the `web` line of the Procfile)

gunicorn restarts a worker that dies or hangs; each worker runs the live app (app/live.py) in
an event loop, on a listening socket of its own (SO_REUSEPORT) bound once its app is loaded:
the kernel spreads new connections evenly over the workers. Settings come from app.config.Config.
"""

import gc

from gunicorn import sock as gunicorn_sock
from gunicorn import util as gunicorn_util
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
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel hashes every new
# connection to one of them. With one shared socket the worker that woke first accepted whole
# bursts: 2,000 streams split 637 / 1,443 (bench_live), and the busier worker set the time of a
# fan-out to all of them. A worker binds its socket once its app is loaded (post_worker_init),
# so no connection waits in the backlog of a worker still starting. The price: a worker that
# dies resets the connections waiting in its backlog, connections hashed to a worker that hangs
# wait for its restart instead of going to another, nothing listens until the first worker is
# up, and a second server started on the same port by the same user joins the group instead of
# failing (run one per port).
reuse_port = True


def post_fork(server, worker):
    """gunicorn (reuse_port) bound this worker's sockets at the fork, before the app is loaded:
    connections hashed to them would wait seconds for it. Closed here, bound again when the
    worker is ready to serve."""
    for listener in worker.sockets:
        listener.close()
    worker.sockets = []


def post_worker_init(worker):
    """The app is loaded. First the worker's own listening sockets, whose accepted connections
    inherit the dead-peer options.

    Then the cycle collector: the app's modules, mappers and configuration (most of the heap,
    about a million objects) live as long as the worker. Frozen, the collector stops walking
    them on every full collection: with 2,000 open streams a full collection otherwise
    stalled the event loop and every request thread for 100-700 ms (bench_live). Garbage of
    the start-up is collected first, so none is pinned."""
    worker.sockets = gunicorn_sock.create_sockets(worker.cfg, worker.log)
    for listener in worker.sockets:
        tune_listener(listener.sock, SETTINGS)
        gunicorn_util.close_on_exec(listener)
    gc.collect()
    gc.freeze()
