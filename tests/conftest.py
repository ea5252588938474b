"""Tests run on real PostgreSQL/PostGIS and real Redis.

The schema is built once per session by the Alembic history. Each test commits for real
(so jobs, workers and concurrent requests see each other's work) and every table is
emptied afterwards; the reference rows seeded by the migrations are put back.
"""

import os
import time
import uuid

import pytest
import sqlalchemy as sa
from rq import SimpleWorker

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.jobs import QUEUES, queue, redis_conn
from tests.browser import launch
from tests.factories import Factories

os.environ.setdefault("TAPLINE_MODE", "test")
NEVER_TRUNCATE = {"alembic_version", "spatial_ref_sys"}


def _ensure_database(url):
    """Create the test database when missing (each developer may name their own)."""
    url = sa.engine.make_url(url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(
            sa.text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.database}
        )
        if not exists:
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def _fresh_schema(app):
    _ensure_database(app.config["SQLALCHEMY_DATABASE_URI"])
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        from flask_migrate import upgrade

        upgrade()


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)
    _fresh_schema(app)
    with app.app_context():
        app.config["REFERENCE_ROWS"] = _seeded_rows()
    return app


def _seeded_rows():
    """Rows the migrations seed (skills, order types, the notice catalogue, ...), by table."""
    with db.engine.connect() as conn:
        present = set(_tables(conn))
        return {
            table.name: rows
            for table in db.metadata.sorted_tables
            if table.name in present
            for rows in [[dict(r._mapping) for r in conn.execute(sa.select(table))]]
            if rows
        }


def _tables(conn):
    names = conn.scalars(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'"))
    return [name for name in names if name not in NEVER_TRUNCATE]


def _reset_database(app, attempts=5):
    """Empty every table; a browser's request still in flight on the live server may deadlock
    with the TRUNCATE, and then the reset is simply tried again."""
    from psycopg.errors import DeadlockDetected

    for attempt in range(attempts):
        try:
            return _truncate_and_seed(app)
        except sa.exc.OperationalError as exc:
            if not isinstance(exc.orig, DeadlockDetected) or attempt == attempts - 1:
                raise
            time.sleep(0.2)


def _truncate_and_seed(app):
    seeded = app.config["REFERENCE_ROWS"]
    with db.engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(_tables(conn))} RESTART IDENTITY CASCADE"))
        for name, rows in seeded.items():  # in dependency order, as sorted_tables gave them
            conn.execute(db.metadata.tables[name].insert(), rows)
            if "id" in rows[0]:  # identities restarted: go on after the seed's ids
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                        f'(SELECT max(id) FROM "{name}"))'
                    )
                )


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs in an app context on a clean database, a clean Redis db and live
    channels of its own (pub/sub ignores db numbers: other runs and tests stay unheard)."""
    app.config["LIVE_CHANNEL_PREFIX"] = f"tapline-test-{uuid.uuid4().hex[:12]}"
    with app.app_context():
        redis_conn().flushdb()
        yield
        db.session.remove()
        _reset_database(app)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def make(app):
    """Factories: make.user(role), make.technician(...), make.work_order(...), ..."""
    return Factories(app)


@pytest.fixture
def run_jobs(app):
    """Work every queued job with a real RQ worker, in this process, until none is left."""

    def run(with_scheduler=False):
        worker = SimpleWorker([queue(name) for name in QUEUES], connection=redis_conn())
        worker.work(burst=True, with_scheduler=with_scheduler)
        db.session.remove()
        return worker

    return run


@pytest.fixture(scope="session")
def live_server(app):
    """The test app behind the real web process (uvicorn: live streams in the event loop,
    Flask through a2wsgi), on the tests' database and Redis."""
    from tests.liveserver import running

    with running(app) as (port, _live):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def own_redis(app):
    """A redis-server of the test's own, which the test may stop and start again; the app
    (and a live server started after this fixture) use it for the test's duration."""
    from tests.liveserver import OwnRedis

    server = OwnRedis()
    server.start()
    real = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{server.port}/0"
    app.extensions.pop("tapline_redis", None)
    yield server
    if server.proc.poll() is None:
        server.stop()
    app.config["REDIS_URL"] = real
    app.extensions.pop("tapline_redis", None)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (Playwright's sync API allows one per thread)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch(p)
        yield chromium
        chromium.close()
