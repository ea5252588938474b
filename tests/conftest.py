"""Tests run on real PostgreSQL/PostGIS and real Redis.

The schema is built once per session by the Alembic history. Each test commits for real
(so jobs, workers and concurrent requests see each other's work) and every table is
emptied afterwards; the reference rows seeded by the migrations are put back.
"""

import os

import pytest
import sqlalchemy as sa
from rq import SimpleWorker

from app import create_app
from app.config import TestConfig
from app.extensions import db
from app.jobs import QUEUES, queue, redis_conn
from tests.factories import Factories

os.environ.setdefault("TAPLINE_MODE", "test")
REFERENCE_TABLES = ("skills", "work_order_types")
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
        reference = {
            name: [dict(r._mapping) for r in db.session.execute(sa.text(f"SELECT * FROM {name}"))]
            for name in REFERENCE_TABLES
        }
        db.session.remove()
    app.config["REFERENCE_ROWS"] = reference
    return app


def _reset_database(app):
    with db.engine.begin() as conn:
        tables = [
            name
            for name in conn.scalars(
                sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            if name not in NEVER_TRUNCATE
        ]
        conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        for name in REFERENCE_TABLES:
            for row in app.config["REFERENCE_ROWS"][name]:
                cols = ", ".join(row)
                conn.execute(
                    sa.text(
                        f"INSERT INTO {name} ({cols}) VALUES ({', '.join(':' + c for c in row)})"
                    ),
                    row,
                )


@pytest.fixture(autouse=True)
def _app_context(app):
    """Every test runs in an app context on a clean database and a clean Redis db."""
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
