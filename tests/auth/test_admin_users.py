import sqlalchemy as sa

from app.auth.models import User
from app.extensions import db

CREDENTIALS = {"username": "agent02", "password": "long-enough-1"}


def users():
    return db.session.scalar(sa.select(sa.func.count(User.id)))


def test_admin_creates_updates_and_deactivates_a_user(client, make):
    admin = make.user("admin")
    team = make.team()
    headers = make.headers(admin)
    resp = client.post(
        "/api/admin/users",
        headers=headers,
        json={
            "username": "agent02",
            "password": "long-enough-1",
            "display_name": "坐席二",
            "roles": ["hotline_agent"],
            "team_id": team.id,
        },
    )
    assert resp.status_code == 201 and "password" not in resp.json
    login = client.post(
        "/api/auth/login", json={"username": "agent02", "password": "long-enough-1"}
    )
    assert login.status_code == 200
    user_id = resp.json["id"]
    resp = client.patch(f"/api/admin/users/{user_id}", headers=headers, json={"active": False})
    assert resp.status_code == 200 and resp.json["active"] is False
    login = client.post(
        "/api/auth/login", json={"username": "agent02", "password": "long-enough-1"}
    )
    assert login.status_code == 401


def test_bad_user_input_changes_nothing(client, make):
    admin = make.user("admin", username="root1")
    headers = make.headers(admin)
    before = users()
    for payload in (
        {"username": "root1", "password": "long-enough-1", "display_name": "x", "roles": ["admin"]},
        {"username": "x y", "password": "long-enough-1", "display_name": "x", "roles": ["admin"]},
        {"username": "new1", "password": "short", "display_name": "x", "roles": ["admin"]},
        {"username": "new1", "password": "long-enough-1", "display_name": "x", "roles": ["king"]},
        {
            "username": "new1",
            "password": "long-enough-1",
            "display_name": "x",
            "roles": ["admin"],
            "team_id": 999,
        },
    ):
        resp = client.post("/api/admin/users", headers=headers, json=payload)
        assert resp.status_code in (409, 422), payload
    assert users() == before
    agent = make.user("hotline_agent")
    assert client.get("/api/admin/users", headers=make.headers(agent)).status_code == 403
