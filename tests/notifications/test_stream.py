"""The live stream through the real web process (uvicorn + the ASGI live app), read with
http.client: tickets, caps, replay, heartbeat, lifetime and dead peers."""

import http.client
import json
import socket
import time

import pytest

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify, publish
from tests.liveserver import running


@pytest.fixture
def server(app):
    with running(app) as (port, live):
        yield port, live


@pytest.fixture
def settings(app):
    """Change live settings for one test; they are put back afterwards."""
    saved = dict(app.config)

    def change(**values):
        app.config.update(values)

    yield change
    for key in [k for k in app.config if k.startswith(("LIVE_", "SSE_"))]:
        app.config[key] = saved[key]


class Stream:
    """Reads SSE frames from a live connection, each within a deadline."""

    def __init__(self, port, path, headers=None):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        self.conn.request("GET", path, headers=headers or {})
        self.resp = self.conn.getresponse()
        self.status = self.resp.status

    def json(self):
        return json.loads(self.resp.read())

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
        """(event name, id, data) of the next event that is not a comment."""
        while True:
            lines = self.frame()
            if not lines:
                raise EOFError
            fields = dict(line.split(": ", 1) for line in lines if not line.startswith(":"))
            if "data" in fields:
                event_id = int(fields["id"]) if fields.get("id", "None") != "None" else None
                return fields.get("event", "message"), event_id, json.loads(fields["data"])

    def close(self):
        self.conn.close()


def ticket_for(port, user, make):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("POST", "/api/events/ticket", headers=make.headers(user))
    resp = conn.getresponse()
    body = json.loads(resp.read())
    conn.close()
    assert resp.status == 201, body
    return body["ticket"]


def open_stream(port, user, make, last_event_id=None):
    path = f"/api/events/stream?ticket={ticket_for(port, user, make)}"
    headers = {"Last-Event-ID": str(last_event_id)} if last_event_id is not None else {}
    stream = Stream(port, path, headers)
    assert stream.status == 200
    assert stream.frame() == ["retry: 3000"]
    return stream


def ids_of(user_id):
    return db.session.scalars(
        db.select(Notification.id)
        .where(Notification.recipient_id == user_id)
        .order_by(Notification.id)
    ).all()


def test_the_access_token_is_refused_in_the_url_and_tickets_open_once(server, make):
    port, _ = server
    user = make.user("technician")
    bearer = make.headers(user)["Authorization"][len("Bearer ") :]
    refused = Stream(port, f"/api/events/stream?access_token={bearer}")
    assert refused.status == 401 and refused.json()["code"] == "token_in_url"
    refused = Stream(port, "/api/events/stream")
    assert refused.status == 401 and refused.json()["code"] == "unauthorized"
    refused = Stream(port, "/api/events/stream?ticket=forged")
    assert refused.status == 401 and refused.json()["code"] == "ticket_invalid"
    ticket = ticket_for(port, user, make)
    first = Stream(port, f"/api/events/stream?ticket={ticket}")
    assert first.status == 200 and first.frame() == ["retry: 3000"]
    again = Stream(port, f"/api/events/stream?ticket={ticket}")
    assert again.status == 401 and again.json()["code"] == "ticket_invalid"
    first.close()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request("POST", "/api/events/ticket")
    assert conn.getresponse().status == 401


def test_a_ticket_expires(server, make, settings):
    port, _ = server
    settings(LIVE_TICKET_SECONDS=1)
    user = make.user("dispatcher")
    ticket = ticket_for(port, user, make)
    time.sleep(1.6)
    late = Stream(port, f"/api/events/stream?ticket={ticket}")
    assert late.status == 401 and late.json()["code"] == "ticket_invalid"


def test_event_published_after_commit_arrives_live_and_is_stamped_delivered(server, make):
    port, _ = server
    user = make.user("technician")
    user_id = user.id
    stream = open_stream(port, user, make)
    try:
        assert stream.resp.getheader("Content-Type").startswith("text/event-stream")
        assert stream.resp.getheader("X-Accel-Buffering") == "no"
        notify([user_id], "assignment", {"number": "rolled back"})
        db.session.rollback()
        notify([user_id], "emergency_assignment", {"number": "WO1"})
        db.session.commit()
        started = time.monotonic()
        kind, event_id, data = stream.next_event()
        assert time.monotonic() - started < 5
        assert kind == "message" and data["kind"] == "emergency_assignment"
        assert data["payload"] == {"number": "WO1"} and data["id"] == event_id
    finally:
        stream.close()
    deadline = time.monotonic() + 5
    while db.session.get(Notification, event_id).delivered_at is None:
        assert time.monotonic() < deadline, "delivered_at never set"
        time.sleep(0.2)
        db.session.expire_all()


def test_a_bearer_header_still_opens_it_for_programs(server, make):
    port, _ = server
    user = make.user("dispatcher")
    stream = Stream(port, "/api/events/stream", headers=make.headers(user))
    assert stream.status == 200 and stream.frame() == ["retry: 3000"]
    stream.close()


def test_reconnect_replays_everything_missed_oldest_first_in_pages(server, make, settings):
    port, _ = server
    settings(LIVE_REPLAY_PAGE=3)
    user = make.user("technician")
    user_id = user.id
    for n in range(9):
        notify([user_id], "assignment", {"n": n})
    db.session.commit()
    ids = ids_of(user_id)
    # All read on another screen, and the first one streamed before the phone lost its signal.
    db.session.execute(db.update(Notification).values(read_at=db.func.now()))
    db.session.execute(
        db.update(Notification).where(Notification.id == ids[0]).values(delivered_at=db.func.now())
    )
    db.session.commit()
    stream = open_stream(port, user, make, last_event_id=ids[0])
    try:
        replayed = [stream.next_event() for _ in range(8)]
        assert [event_id for _, event_id, _ in replayed] == ids[1:]
        assert [data["payload"]["n"] for _, _, data in replayed] == list(range(1, 9))
        notify([user_id], "assignment", {"n": "live"})
        db.session.commit()
        assert stream.next_event()[2]["payload"] == {"n": "live"}
    finally:
        stream.close()


def test_more_missed_than_the_replay_holds_ends_in_an_explicit_gap(server, make, settings):
    port, _ = server
    settings(LIVE_REPLAY_PAGE=2, LIVE_REPLAY_MAX=4)
    user = make.user("technician")
    for n in range(8):
        notify([user.id], "assignment", {"n": n})
    db.session.commit()
    ids = ids_of(user.id)
    db.session.execute(db.update(Notification).values(delivered_at=db.func.now()))
    db.session.commit()
    stream = open_stream(port, user, make, last_event_id=ids[0])
    try:
        assert [stream.next_event()[1] for _ in range(4)] == ids[1:5]
        kind, event_id, data = stream.next_event()
        assert kind == "gap" and data == {"after": ids[4], "newest": ids[-1]}
        assert event_id == ids[-1]  # a reconnect after the refetch goes on from the newest
    finally:
        stream.close()


def test_a_late_commit_below_last_event_id_is_replayed_not_skipped(server, make):
    port, _ = server
    user = make.user("technician")
    notify([user.id], "assignment", {"n": "late"})
    notify([user.id], "assignment", {"n": "seen"})
    db.session.commit()
    late, seen = ids_of(user.id)
    db.session.execute(
        db.update(Notification).where(Notification.id == seen).values(delivered_at=db.func.now())
    )
    db.session.commit()
    stream = open_stream(port, user, make, last_event_id=seen)
    try:
        assert stream.next_event()[1] == late
    finally:
        stream.close()


def test_heartbeat_comments_keep_the_connection_alive(server, make, settings):
    port, _ = server
    settings(SSE_HEARTBEAT_SECONDS=1)
    stream = open_stream(port, make.user("dispatcher"), make)
    started = time.monotonic()
    assert stream.frame() == [": heartbeat"]
    assert 0.5 < time.monotonic() - started < 4
    stream.close()


def test_events_reach_their_users_stream_only_and_push_the_heartbeat_back(server, make, settings):
    port, _ = server
    settings(SSE_HEARTBEAT_SECONDS=1)
    alice, bob = make.user("technician"), make.user("technician")
    alice_id = alice.id
    mine, theirs = open_stream(port, alice, make), open_stream(port, bob, make)
    try:
        time.sleep(0.6)
        before = time.monotonic()
        notify([alice_id], "assignment", {"n": 1})
        db.session.commit()
        assert mine.next_event()[2]["payload"] == {"n": 1}
        assert mine.frame() == [": heartbeat"]
        assert time.monotonic() - before >= 0.9  # due a second after the last write
        assert theirs.frame() == [": heartbeat"]  # nothing of Alice's came first
    finally:
        mine.close()
        theirs.close()


def test_a_stream_ends_at_its_lifetime_and_says_so(server, make, settings):
    port, _ = server
    settings(LIVE_MAX_SECONDS=1)
    stream = open_stream(port, make.user("dispatcher"), make)
    assert stream.next_event() == ("bye", None, {"reason": "lifetime"})
    assert stream.frame() == []


def test_a_fourth_stream_of_a_user_closes_the_oldest(server, make, settings):
    port, live = server
    settings(LIVE_USER_STREAMS=3)
    user = make.user("technician")
    user_id = user.id
    streams = [open_stream(port, user, make) for _ in range(4)]
    try:
        assert streams[0].next_event() == ("bye", None, {"reason": "replaced"})
        assert streams[0].frame() == []
        notify([user_id], "assignment", {"n": 1})
        db.session.commit()
        for stream in streams[1:]:
            assert stream.next_event()[2]["payload"] == {"n": 1}
    finally:
        for stream in streams:
            stream.close()


def test_streams_from_one_address_are_capped(server, make, settings):
    port, _ = server
    settings(LIVE_ADDRESS_STREAMS=2)
    users = [make.user("technician") for _ in range(3)]
    streams = [open_stream(port, user, make) for user in users[:2]]
    refused = Stream(port, f"/api/events/stream?ticket={ticket_for(port, users[2], make)}")
    assert refused.status == 429 and refused.json()["code"] == "too_many_streams"
    streams[0].close()
    deadline = time.monotonic() + 5
    while True:  # the closed one frees its place once the server noticed it
        again = Stream(port, f"/api/events/stream?ticket={ticket_for(port, users[2], make)}")
        if again.status == 200:
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)
    again.close()
    streams[1].close()


def test_a_peer_that_stops_reading_is_dropped_and_freed(server, make, settings):
    port, live = server
    settings(LIVE_WRITE_TIMEOUT_SECONDS=1)
    user = make.user("technician")
    ticket = ticket_for(port, user, make)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET /api/events/stream?ticket={ticket} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    deadline = time.monotonic() + 3
    while not live.hub.streams():
        assert time.monotonic() < deadline
        time.sleep(0.05)
    big = {"note": "x" * 60_000}
    deadline = time.monotonic() + 30
    n = 0
    while live.hub.streams():  # we never read: the server's writes stall, then it gives up
        assert time.monotonic() < deadline, "a stalled stream was never freed"
        for _ in range(20):
            n += 1
            publish(user.id, {"id": n, "kind": "test", "payload": big})
        time.sleep(0.1)
    sock.close()
