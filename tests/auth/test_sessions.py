"""Audit item 5: refresh tokens rotate, a reused one ends the sign-in, logout and admin
changes revoke tokens already issued."""

import sqlalchemy as sa

from app.auth.models import AuthSession
from app.extensions import db
from tests.factories import PASSWORD


def sign_in(client, username):
    resp = client.post("/api/auth/login", json={"username": username, "password": PASSWORD})
    assert resp.status_code == 200, resp.json
    return resp.json


def bearer(tokens):
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def me(client, tokens):
    return client.get("/api/auth/me", headers=bearer(tokens))


def refresh(client, tokens):
    return client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})


def test_each_refresh_token_works_once_and_a_reused_one_revokes_the_sign_in(client, make):
    make.user("dispatcher", username="d1")
    first = sign_in(client, "d1")
    second = refresh(client, first)
    assert second.status_code == 200 and second.json["refresh_token"] != first["refresh_token"]
    third = refresh(client, second.json)
    assert third.status_code == 200
    # The first token, copied by a thief, is presented again: the whole sign-in ends.
    stolen = refresh(client, first)
    assert stolen.status_code == 401 and stolen.json["code"] == "token_revoked"
    assert refresh(client, third.json).status_code == 401
    assert me(client, third.json).status_code == 401
    session = db.session.scalar(sa.select(AuthSession))
    assert session.revoked_reason == "refresh_reuse"


def test_logout_ends_only_this_sign_in(client, make):
    make.user("dispatcher", username="d2")
    phone, desk = sign_in(client, "d2"), sign_in(client, "d2")
    resp = client.post("/api/auth/logout", headers=bearer(phone))
    assert resp.status_code == 204
    assert me(client, phone).status_code == 401
    assert refresh(client, phone).status_code == 401
    assert me(client, desk).status_code == 200 and refresh(client, desk).status_code == 200
    assert client.post("/api/auth/logout").status_code == 401


def test_a_password_role_or_activity_change_revokes_every_token_issued(client, make):
    admin = make.headers(make.user("admin"))
    user = make.user("dispatcher", username="d3")
    changes = (
        {"roles": ["hotline_agent"]},
        {"password": "x7#Lq9-river-Tide"},
        {"active": False},
    )
    for change in changes:
        tokens = sign_in(client, "d3")
        other_device = make.headers(db.session.get(type(user), user.id))
        resp = client.patch(f"/api/admin/users/{user.id}", headers=admin, json=change)
        assert resp.status_code == 200, resp.json
        assert me(client, tokens).status_code == 401, change
        assert refresh(client, tokens).status_code == 401, change
        assert client.get("/api/auth/me", headers=other_device).status_code == 401, change
        if "password" in change:  # back to the factory password, for the next sign-in
            client.patch(f"/api/admin/users/{user.id}", headers=admin, json={"password": PASSWORD})
    # A change that touches none of them (the display name) leaves the sign-in alone.
    client.patch(f"/api/admin/users/{user.id}", headers=admin, json={"active": True})
    tokens = sign_in(client, "d3")
    client.patch(f"/api/admin/users/{user.id}", headers=admin, json={"display_name": "调度三"})
    assert me(client, tokens).status_code == 200
