"""Audit items 3, 10 and 15: what every route does with oversized, over-nested or racing input."""

import io
import json

import sqlalchemy as sa
from werkzeug.test import EnvironBuilder, run_wsgi_app

from app.auth import services as auth_services
from app.auth.models import User
from app.extensions import db
from app.workorders.models import WorkOrder

ORDER = {
    "type": "general_repair",
    "channel": "hotline",
    "caller_name": "李女士",
    "caller_phone": "13812345678",
    "address": "海阳市方圆街道海港路8号",
}


def orders():
    return db.session.scalar(sa.select(sa.func.count(WorkOrder.id)))


def chunked(app, url, body, headers):
    """POST `body` as a server hands a chunked upload to the app: no Content-Length, and the
    stream marked as terminated by the server (werkzeug's dechunker and gunicorn both do).
    Straight to the WSGI app: the test client would recompute a Content-Length."""
    environ = EnvironBuilder(
        path=url,
        method="POST",
        headers={**headers, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
        input_stream=io.BytesIO(body),
    ).get_environ()
    del environ["CONTENT_LENGTH"]
    environ["wsgi.input_terminated"] = True
    app_iter, status, _ = run_wsgi_app(app, environ, buffered=True)
    return int(status.split()[0]), json.loads(b"".join(app_iter))


def test_a_chunked_json_body_over_the_limit_is_refused_on_the_bytes_read(client, make, app):
    headers = make.headers(make.user("hotline_agent"))
    padding = "漏" * (app.config["JSON_BODY_LIMIT"] // 3 + 10)
    big = json.dumps({**ORDER, "description": padding}, ensure_ascii=False).encode()
    status, body = chunked(app, "/api/workorders", big, headers)
    assert status == 413 and body["code"] == "payload_too_large", body
    assert orders() == 0
    small = json.dumps(ORDER, ensure_ascii=False).encode()
    assert chunked(app, "/api/workorders", small, headers)[0] == 201
    assert orders() == 1


def test_work_order_flags_take_only_known_yes_no_marks(client, make):
    headers = make.headers(make.user("hotline_agent"))
    for flags in (
        {"complaint_id": 1},
        {"demo": "D001"},
        {"call_before_visit": "x" * 5000},
        {"call_before_visit": {"nested": True}},
        {"preferred_window": {"start": "25:00", "end": "26:00"}},
        {"preferred_window": {"start": "16:00", "end": "14:00", "note": "x"}},
    ):
        resp = client.post("/api/workorders", headers=headers, json={**ORDER, "flags": flags})
        assert resp.status_code == 422 and "flags" in resp.json["errors"], (flags, resp.json)
    assert orders() == 0
    flags = {"dog_on_premises": True, "preferred_window": {"start": "14:00", "end": "16:00"}}
    ok = client.post("/api/workorders", headers=headers, json={**ORDER, "flags": flags})
    assert ok.status_code == 201 and ok.json["flags"] == flags


def test_deeply_nested_json_is_a_400_in_the_error_format(client, make):
    headers = make.headers(make.user("hotline_agent"))
    for depth in (5000, 100):
        body = '{"a":' * depth + "1" + "}" * depth
        resp = client.post(
            "/api/workorders",
            headers={**headers, "Content-Type": "application/json"},
            data=body,
        )
        assert resp.status_code == 400, (depth, resp.status_code)
        assert set(resp.json) >= {"code", "message", "errors"} and "nested" in resp.json["message"]
    deep_list = "[" * 5000 + "]" * 5000
    resp = client.post("/api/auth/login", data=deep_list, content_type="application/json")
    assert resp.status_code == 400 and resp.json["code"] == "bad_request"
    assert orders() == 0


def test_a_unique_race_is_a_409_not_a_500(client, make, app, monkeypatch):
    """Two admins create the same username at once: both pass the check, one insert loses."""
    admin = make.headers(make.user("admin"))
    check_team = auth_services._check_team

    def rival_commits_first(team_id):
        with db.engine.begin() as conn:  # the other request, on its own connection
            conn.execute(
                sa.insert(User).values(
                    username="agent77", password_hash="x", display_name="对手", roles=["admin"]
                )
            )
        return check_team(team_id)

    monkeypatch.setattr(auth_services, "_check_team", rival_commits_first)
    resp = client.post(
        "/api/admin/users",
        headers=admin,
        json={
            "username": "agent77",
            "password": "x7#Lq9-river-Tide",
            "display_name": "坐席",
            "roles": ["hotline_agent"],
        },
    )
    assert resp.status_code == 409, resp.json
    assert resp.json["code"] == "conflict" and set(resp.json) >= {"message", "errors"}
    names = db.session.scalars(sa.select(User.display_name).where(User.username == "agent77"))
    assert names.all() == ["对手"]
