"""Benchmarks a user can rerun (never part of the test suite): `python -m bench.bench_<name>`.

Each creates its own database next to DATABASE_URL (e.g. tapline_bench_suggestions) and
drops it at the end, so no application data is touched.
"""

import os
import socket
import subprocess
from contextlib import contextmanager

import sqlalchemy as sa


def bench_url(name):
    from app.config import _db_url

    base = _db_url(
        os.environ.get("DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:54329/tapline")
    )
    return sa.engine.make_url(base).set(database=name)


def _admin(url):
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


def create_database(url):
    engine = _admin(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def drop_database(url):
    engine = _admin(url)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
    engine.dispose()


def bench_app(name, **config):
    """A fresh database `name` built by the migrations, and an app bound to it."""
    from flask_migrate import upgrade

    from app import create_app
    from app.config import Config
    from app.extensions import db

    url = bench_url(name)
    create_database(url)
    settings = {"MODE": "demo", "SQLALCHEMY_DATABASE_URI": url.render_as_string(False), **config}
    app = create_app(type("BenchConfig", (Config,), settings))
    with app.app_context():
        upgrade()
    return app, db, url


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop(processes, grace=20):
    """Terminate every process; kill the ones still running `grace` seconds later."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving(app, url, processes, keep=False):
    """The body runs while `processes` serve the bench database `url`; then they stop, the
    app lets its connections go and the database is dropped (kept with `keep`)."""
    try:
        yield
    finally:
        stop(processes)
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        if not keep:
            drop_database(url)
        print(f"  load average at the end {os.getloadavg()[0]:.1f}")
