"""Benchmarks a user can rerun (never part of the test suite): `python -m bench.bench_<name>`.

Each creates its own database next to DATABASE_URL (e.g. tapline_bench_suggestions) and
drops it at the end, so no application data is touched.
"""

import os

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
