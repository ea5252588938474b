"""The live layer across processes and through a Redis outage: two real web processes
(the Procfile's `web`) sharing PostgreSQL and Redis, and a Redis of our own that we stop."""

import http.client
import json
import os
import pathlib
import subprocess
import sys

import pytest

from app.extensions import db
from app.notifications.models import Notification
from app.notifications.services import notify
from tests.liveserver import free_port, running, wait_until
from tests.notifications.test_stream import Stream, ticket_for

ROOT = pathlib.Path(__file__).resolve().parents[2]


def call(port, method, path, headers=None, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    payload = json.dumps(body) if body is not None else None
    sent = {**(headers or {}), **({"Content-Type": "application/json"} if payload else {})}
    conn.request(method, path, body=payload, headers=sent)
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, (json.loads(data) if data else None)


def test_redis_down_streams_end_clients_poll_and_live_returns(app, make, own_redis):
    user = make.user("technician")
    user_id, headers = user.id, make.headers(user)
    with running(app) as (port, live):
        stream = Stream(port, f"/api/events/stream?ticket={ticket_for(port, user, make)}")
        assert stream.frame() == ["retry: 3000"]
        own_redis.stop()
        assert stream.next_event() == ("bye", None, {"reason": "unavailable"})
        assert stream.frame() == []
        status, body = call(port, "POST", "/api/events/ticket", headers)
        assert status == 503 and body["code"] == "live_unavailable"
        refused = Stream(port, "/api/events/stream", headers=headers)
        assert refused.status == 503 and refused.json()["code"] == "live_unavailable"
        assert refused.resp.getheader("Retry-After") == "15"
        # The rest of the API goes on; what happens meanwhile is stored and polled.
        notify([user_id], "assignment", {"n": "while Redis was down"})
        db.session.commit()
        status, page = call(port, "GET", "/api/notifications?unread=true", headers)
        assert status == 200 and page["items"][0]["payload"] == {"n": "while Redis was down"}
        assert call(port, "GET", "/api/workorders", headers)[0] in (200, 403)
        own_redis.start()
        wait_until(lambda: call(port, "POST", "/api/events/ticket", headers)[0] == 201, 20)
        wait_until(live.hub.up.is_set, 20, "the hub to reconnect")
        back = Stream(port, f"/api/events/stream?ticket={ticket_for(port, user, make)}")
        assert back.status == 200 and back.frame() == ["retry: 3000"]
        assert back.next_event()[2]["payload"] == {"n": "while Redis was down"}
        notify([user_id], "assignment", {"n": "live again"})
        db.session.commit()
        assert back.next_event()[2]["payload"] == {"n": "live again"}
        back.close()


@pytest.fixture
def two_nodes(app):
    """Two web processes on two ports, sharing the tests' PostgreSQL, Redis and channels."""
    env = {
        **os.environ,
        "TAPLINE_MODE": "test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.config["REDIS_URL"],
        "LIVE_CHANNEL_PREFIX": app.config["LIVE_CHANNEL_PREFIX"],
        "WEB_WORKERS": "1",
    }
    ports = [free_port(), free_port()]
    procs = [
        subprocess.Popen(
            [
                pathlib.Path(sys.executable).parent / "gunicorn",
                "-c",
                "python:app.webserver",
                "asgi:app",
            ],
            cwd=ROOT,
            env={**env, "PORT": str(port)},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port in ports:  # 401, not 503: the node is up and its hub has Redis
            wait_until(lambda p=port: call(p, "GET", "/api/events/stream")[0] == 401, 60)
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def test_an_event_published_on_one_node_reaches_a_stream_held_by_another(app, make, two_nodes):
    from app.dispatch import services as dispatch

    node_a, node_b = two_nodes
    zone = make.zone()
    tech = make.technician(team=zone.team)
    order = make.work_order()
    dispatch.assign(order, tech, make.user("dispatcher"), reason="派单")
    db.session.execute(db.update(Notification).values(read_at=db.func.now()))  # seen already
    db.session.commit()
    technician = tech.user
    ticket = ticket_for(node_a, technician, make)  # issued by A, redeemed by B
    stream = Stream(node_b, f"/api/events/stream?ticket={ticket}")
    try:
        assert stream.status == 200 and stream.frame() == ["retry: 3000"]
        agent = make.headers(make.user("hotline_agent"))
        status, _ = call(
            node_a, "POST", f"/api/workorders/{order.id}/cancel", agent, {"reason": "用户来电撤单"}
        )
        assert status == 200
        kind, _, data = stream.next_event()
        assert kind == "message" and data["kind"] == "order_cancelled"
        assert data["payload"]["reason"] == "用户来电撤单"
    finally:
        stream.close()
