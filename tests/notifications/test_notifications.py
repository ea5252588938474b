import json

from app.extensions import db
from app.notifications.services import notify


def test_list_and_mark_read_my_own_notifications(client, make):
    me, other = make.user("technician"), make.user("technician")
    me_id, other_id = me.id, other.id
    for n in range(3):
        notify([me_id], "assignment", {"number": f"WO{n}"})
    notify([other_id], "assignment", {"number": "WOX"})
    db.session.commit()
    headers = make.headers(me)
    resp = client.get("/api/notifications", headers=headers)
    assert resp.status_code == 200
    assert [i["payload"]["number"] for i in resp.json["items"]] == ["WO2", "WO1", "WO0"]
    assert resp.json["unread"] == 3 and resp.json["total"] == 3
    first, second, third = reversed([i["id"] for i in resp.json["items"]])
    assert client.post(f"/api/notifications/{first}/read", headers=headers).json["read_at"]
    foreign = client.get("/api/notifications", headers=make.headers(other)).json["items"][0]["id"]
    assert client.post(f"/api/notifications/{foreign}/read", headers=headers).status_code == 404
    resp = client.get("/api/notifications", headers=headers, query_string={"unread": "true"})
    assert [i["id"] for i in resp.json["items"]] == [third, second]
    resp = client.post("/api/notifications/read", headers=headers, json={"up_to_id": third})
    assert resp.json == {"updated": 2, "unread": 0}
    assert client.get("/api/notifications", headers=make.headers(other)).json["unread"] == 1
    resp = client.post("/api/notifications/read", headers=headers, json={})
    assert resp.status_code == 422
    assert client.get("/api/notifications").status_code == 401


def test_same_dedupe_key_is_stored_once(make):
    user_id = make.user("dispatcher").id
    notify([user_id], "sla_breached", {"n": 1}, dedupe_key="sla:1:breached")
    notify([user_id], "sla_breached", {"n": 1}, dedupe_key="sla:1:breached")
    db.session.commit()
    from app.notifications.queries import unread_count

    assert unread_count(user_id) == 1


def test_live_event_waits_for_the_real_commit_not_a_savepoint(make):
    from app.jobs import redis_conn
    from app.notifications.services import channel_for

    user_id = make.user("technician").id
    pubsub = redis_conn().pubsub()
    pubsub.subscribe(channel_for(user_id))
    try:
        assert pubsub.get_message(timeout=2)["type"] == "subscribe"
        with db.session.begin_nested():
            notify([user_id], "assignment", {"n": "inside a savepoint"})
        assert pubsub.get_message(timeout=0.5) is None
        db.session.commit()
        message = pubsub.get_message(timeout=2)
        assert message is not None
        assert json.loads(message["data"])["payload"] == {"n": "inside a savepoint"}
    finally:
        pubsub.close()


def test_channel_is_tapline_user_id_by_default(app, monkeypatch):
    import os

    from app.config import Config
    from app.notifications.services import channel_for

    # The default lives in Config (app/config.py); the suite gives every test its own prefix.
    assert Config.LIVE_CHANNEL_PREFIX == os.environ.get("LIVE_CHANNEL_PREFIX", "tapline")
    monkeypatch.setitem(app.config, "LIVE_CHANNEL_PREFIX", "tapline")
    assert channel_for(5) == "tapline:user:5"


def test_delivery_is_stamped_once_and_only_on_the_delivered_ones(make):
    from app.notifications import queries
    from app.notifications.models import Notification

    user = make.user("technician")
    notify([user.id], "assignment", {"n": 1})
    notify([user.id], "assignment", {"n": 2})
    db.session.commit()
    first, second = db.session.scalars(db.select(Notification).order_by(Notification.id)).all()
    assert queries.mark_delivered([first.id]) == 1
    db.session.commit()
    stamped = first.delivered_at
    assert stamped is not None and second.delivered_at is None
    assert queries.mark_delivered([first.id, second.id]) == 1
    db.session.commit()
    assert first.delivered_at == stamped and second.delivered_at is not None
    assert queries.mark_delivered([]) == 0


def test_publishing_many_sends_each_to_its_users_channel_in_order_across_batches(monkeypatch):
    from app.jobs import redis_conn
    from app.notifications import services

    monkeypatch.setattr(services, "PUBLISH_BATCH", 2)
    users = [910_001, 910_002, 910_003]
    pubsub = redis_conn().pubsub()
    pubsub.subscribe(*(services.channel_for(u) for u in users))
    try:
        for _ in users:
            assert pubsub.get_message(timeout=2)["type"] == "subscribe"
        pending = [
            (users[n % 3], {"id": n, "kind": "assignment", "payload": {"n": n}}) for n in range(7)
        ]
        services.publish_many(pending)  # four scripts (2 + 2 + 2 + 1) in one round trip
        got = []
        while (message := pubsub.get_message(timeout=2)) is not None:
            got.append((message["channel"].decode(), json.loads(message["data"])["id"]))
        assert got == [(services.channel_for(user), m["id"]) for user, m in pending]
    finally:
        pubsub.close()
