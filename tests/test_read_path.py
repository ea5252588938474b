"""Round trips of the read path (issue 16): no ping for a connection used a moment ago, no
BEGIN/ROLLBACK around a request that only reads, and neither costs a request after the
database ended a connection (a restart, an idle timeout): the pool replaces it."""

import pytest
import sqlalchemy as sa

from app.database import ping_when_idle
from app.extensions import db

BACKEND = sa.text("SELECT pg_backend_pid()")


def _end_backend(pid):
    """As a restart would, from a connection of its own (not one of the pool's)."""
    engine = sa.create_engine(db.engine.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    engine.dispose()


@pytest.fixture
def engine_with(app):
    engines = []

    def make(idle_seconds):
        engine = sa.create_engine(
            app.config["SQLALCHEMY_DATABASE_URI"], pool_size=1, max_overflow=0
        )
        ping_when_idle(engine, idle_seconds)
        engines.append(engine)
        return engine

    yield make
    for engine in engines:
        engine.dispose()


def test_an_idle_connection_is_pinged_and_replaced_when_the_server_ended_it(engine_with):
    engine = engine_with(idle_seconds=0)
    with engine.connect() as conn:
        pid = conn.scalar(BACKEND)
    _end_backend(pid)
    with engine.connect() as conn:
        assert conn.scalar(BACKEND) != pid


def test_a_connection_used_a_moment_ago_goes_to_work_without_a_ping(engine_with):
    engine = engine_with(idle_seconds=3600)
    with engine.connect() as conn:
        pid = conn.scalar(BACKEND)
    _end_backend(pid)
    with engine.connect() as conn, pytest.raises(sa.exc.OperationalError) as failed:
        conn.scalar(BACKEND)  # no ping caught it: the statement found the connection dead
    assert failed.value.connection_invalidated
    with engine.connect() as conn:
        assert conn.scalar(BACKEND) != pid  # the pool dropped it


def test_a_read_only_request_reads_again_on_a_connection_the_server_ended(client, make):
    order_id = make.work_order().id
    url, headers = f"/api/workorders/{order_id}", make.headers(make.user("dispatcher"))
    db.session.remove()
    db.engine.dispose()  # the pool now holds only what the next request leaves in it
    assert client.get(url, headers=headers).status_code == 200
    db.session.remove()
    with db.engine.connect() as conn:
        pid = conn.scalar(BACKEND)
    _end_backend(pid)
    resp = client.get(url, headers=headers)
    assert resp.status_code == 200, resp.json
    assert resp.json["id"] == order_id
