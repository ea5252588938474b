"""The SSE stream served by a real HTTP server in a thread, read with http.client."""

import http.client
import json
import threading
import time

import pytest
from werkzeug.serving import make_server

from app.auth import tokens
from app.extensions import db
from app.notifications.services import notify


@pytest.fixture
def server(app):
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv.server_port
    srv.shutdown()


class Stream:
    """Reads SSE frames from a live connection, each within a deadline."""

    def __init__(self, port, path, headers=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", path, headers=headers or {})
        self.resp = self.conn.getresponse()

    def frame(self):
        lines = []
        while True:
            line = self.resp.readline().decode()
            if line in ("\n", "\r\n", ""):
                if lines or line == "":
                    return lines
                continue
            lines.append(line.rstrip("\n"))

    def next_event(self):
        while True:
            lines = self.frame()
            if not lines:
                raise EOFError
            fields = dict(line.split(": ", 1) for line in lines if not line.startswith(":"))
            if "data" in fields:
                return int(fields["id"]), json.loads(fields["data"])

    def close(self):
        self.conn.close()


def token(user):
    return tokens.access_token(user)


def test_stream_needs_a_token_in_header_or_query(server, make):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=5)
    conn.request("GET", "/api/events/stream")
    resp = conn.getresponse()
    assert resp.status == 401 and json.loads(resp.read())["code"] == "unauthorized"
    conn.request("GET", "/api/events/stream?access_token=forged")
    resp = conn.getresponse()
    assert resp.status == 401 and json.loads(resp.read())["code"] == "token_invalid"
    conn.close()


def test_event_published_after_commit_arrives_live(server, make):
    user = make.user("technician")
    user_id = user.id
    stream = Stream(server, f"/api/events/stream?access_token={token(user)}")
    try:
        assert stream.resp.status == 200
        assert stream.resp.getheader("Content-Type").startswith("text/event-stream")
        assert stream.resp.getheader("X-Accel-Buffering") == "no"
        assert stream.frame() == ["retry: 3000"]
        notify([user_id], "emergency_assignment", {"number": "WO1"})
        db.session.commit()
        started = time.monotonic()
        event_id, data = stream.next_event()
        assert time.monotonic() - started < 5
        assert data["kind"] == "emergency_assignment" and data["payload"] == {"number": "WO1"}
        assert data["id"] == event_id
    finally:
        stream.close()


def test_nothing_is_published_before_commit_or_after_rollback(server, make):
    user = make.user("technician")
    user_id = user.id
    stream = Stream(
        server, "/api/events/stream", headers={"Authorization": f"Bearer {token(user)}"}
    )
    try:
        stream.frame()
        notify([user_id], "assignment", {"number": "rolled back"})
        db.session.rollback()
        notify([user_id], "assignment", {"number": "kept"})
        db.session.commit()
        _, data = stream.next_event()
        assert data["payload"] == {"number": "kept"}
    finally:
        stream.close()


def test_reconnect_replays_unread_newer_than_last_event_id(server, make):
    user = make.user("technician")
    user_id = user.id
    for n in range(3):
        notify([user_id], "assignment", {"n": n})
    db.session.commit()
    from app.notifications.queries import unread_after

    first, second, third = (n.id for n in unread_after(user_id, None))
    stream = Stream(
        server,
        f"/api/events/stream?access_token={token(user)}",
        headers={"Last-Event-ID": str(first)},
    )
    try:
        assert [stream.next_event()[0] for _ in range(2)] == [second, third]
        notify([user_id], "assignment", {"n": 3})
        db.session.commit()
        assert stream.next_event()[1]["payload"] == {"n": 3}
    finally:
        stream.close()


def test_heartbeat_comments_keep_the_connection_alive(app, server, make):
    app.config["SSE_HEARTBEAT_SECONDS"] = 1
    user = make.user("dispatcher")
    try:
        stream = Stream(server, f"/api/events/stream?access_token={token(user)}")
        stream.frame()
        started = time.monotonic()
        assert stream.frame() == [": heartbeat"]
        assert 0.5 < time.monotonic() - started < 4
        stream.close()
    finally:
        app.config["SSE_HEARTBEAT_SECONDS"] = 15


def test_redis_down_the_stored_ones_still_arrive_then_the_phone_retries(app, server, make):
    user = make.user("technician")
    notify([user.id], "assignment", {"n": "stored"})
    db.session.commit()
    real = app.config["REDIS_URL"]
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    app.extensions.pop("tapline_redis", None)
    try:
        stream = Stream(server, f"/api/events/stream?access_token={token(user)}")
        assert stream.frame() == ["retry: 3000"]
        assert stream.next_event()[1]["payload"] == {"n": "stored"}
        assert stream.frame() == [": live channel unavailable, reconnect later"]
        assert stream.frame() == []  # the server ends it; EventSource reconnects
        stream.close()
    finally:
        app.config["REDIS_URL"] = real
        app.extensions.pop("tapline_redis", None)
