"""The live hub's pieces without a server: the pub/sub reader (pubsub.py) on bytes cut at any
point, and the routing of a message to its user's streams only (hub.py)."""

import asyncio
import json
import threading

import pytest
import redis

from app.notifications.hub import Hub
from app.notifications.pubsub import INCOMPLETE, PubSubConnection, ReplyError, command, parse
from app.notifications.stream import Stream

PUSHES = (
    b"*3\r\n$9\r\nsubscribe\r\n$8\r\np:user:1\r\n:1\r\n"
    b'*3\r\n$7\r\nmessage\r\n$8\r\np:user:1\r\n$24\r\n{"id": 7, "kind": "\xe6\xb5\x8b"}\r\n'
    b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    b"+OK\r\n"
    b"-ERR wrong password\r\n"
)
VALUES = [
    [b"subscribe", b"p:user:1", 1],
    [b"message", b"p:user:1", '{"id": 7, "kind": "测"}'.encode()],
    [b"pong", b""],
    "OK",
]


def run_apart(make_coro):
    """asyncio.run in a thread of its own: a browser test earlier in the suite can leave an
    event loop running in the main thread (Playwright's sync API)."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(make_coro())
        except BaseException as exc:  # handed to the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(60)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def parse_all(buf):
    values, pos = [], 0
    while pos < len(buf):
        parsed = parse(buf, pos)
        if parsed is INCOMPLETE:
            break
        value, pos = parsed
        values.append(value)
    return values, pos


def test_resp_values_parse_and_an_incomplete_tail_waits_for_more():
    values, pos = parse_all(PUSHES)
    assert values[:4] == VALUES
    assert isinstance(values[4], ReplyError) and str(values[4]) == "ERR wrong password"
    assert pos == len(PUSHES)
    for cut in range(len(PUSHES)):  # whatever a read brought, nothing is lost or made up
        head, pos = parse_all(PUSHES[:cut])
        rest, _ = parse_all(PUSHES[pos:])
        assert [v for v in head + rest if not isinstance(v, ReplyError)] == VALUES
    assert command("SUBSCRIBE", "p:user:1") == b"*2\r\n$9\r\nSUBSCRIBE\r\n$8\r\np:user:1\r\n"


def test_pushes_split_over_many_reads_reach_the_hub_whole_and_in_order():
    async def run():
        pushes = []
        conn = PubSubConnection(pushes.append)
        for i in range(0, len(PUSHES), 5):
            conn.data_received(PUSHES[i : i + 5])
        return pushes, conn

    pushes, conn = run_apart(run)
    assert pushes == VALUES[:3]
    assert not conn.buffer


def test_a_message_goes_to_its_users_streams_only_with_one_frame_for_all():
    hub = Hub("redis://unused")
    first, second, other = Stream(10), Stream(10), Stream(10)
    hub._listeners = {"p:user:1": {first, second}, "p:user:2": {other}}
    text = json.dumps({"id": 7, "kind": "assignment", "payload": {}})
    hub._dispatch([b"message", b"p:user:1", text.encode()])
    hub._dispatch([b"message", b"p:user:3", b'{"id": 8}'])  # nobody here: ignored
    hub._dispatch([b"message", b"p:user:2", b"not json"])  # ignored, the hub goes on
    assert not other.pending
    [(id_1, body_1)] = first.pending
    [(id_2, body_2)] = second.pending
    assert id_1 == id_2 == 7
    assert body_1 is body_2  # encoded once
    assert body_1 == f"id: 7\ndata: {text}\n\n".encode()


def test_the_hub_reads_a_real_redis(app):
    channel = f"{app.config['LIVE_CHANNEL_PREFIX']}:user:hub-test"

    async def run():
        hub = Hub(app.config["REDIS_URL"], ping_seconds=0.2)
        await hub.start()
        await asyncio.wait_for(hub.up.wait(), 10)
        stream = Stream(10)
        await hub.join(channel, stream)
        client = redis.Redis.from_url(app.config["REDIS_URL"])
        client.publish(channel, json.dumps({"id": 1, "kind": "assignment"}))
        await asyncio.wait_for(stream.wait(), 10)
        await asyncio.sleep(0.7)  # pings answered: the hub stays up
        up = hub.up.is_set()
        hub.leave(channel, stream)
        await hub.stop()
        return stream, up

    stream, up = run_apart(run)
    assert up
    assert [event_id for event_id, _ in stream.pending] == [1]


def test_a_refused_password_is_an_error_not_a_hang(app):
    url = app.config["REDIS_URL"].replace("redis://", "redis://:wrong-password@", 1)

    async def run():
        await PubSubConnection.open(url, lambda push: None)

    with pytest.raises(ReplyError):
        run_apart(run)
