import pytest

from app import create_app
from app.config import Config
from tests.factories import PASSWORD


def test_login_returns_tokens_that_open_the_api(client, make):
    user = make.user("dispatcher", username="dispatch01")
    resp = client.post("/api/auth/login", json={"username": "dispatch01", "password": PASSWORD})
    assert resp.status_code == 200
    tokens = resp.json
    assert tokens["user"]["roles"] == ["dispatcher"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert me.json["id"] == user.id
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200
    # A refresh token is not an access token, and the reverse.
    assert (
        client.get(
            "/api/auth/me", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
        ).status_code
        == 401
    )
    assert (
        client.post("/api/auth/refresh", json={"refresh_token": tokens["access_token"]}).status_code
        == 401
    )


def test_passwords_are_stored_as_argon2(make):
    assert make.user().password_hash.startswith("$argon2")


def test_repeated_failures_are_throttled(client, make):
    make.user(username="agent01")
    for _ in range(5):
        resp = client.post("/api/auth/login", json={"username": "agent01", "password": "wrong"})
        assert resp.status_code == 401 and resp.json["code"] == "bad_credentials"
    resp = client.post("/api/auth/login", json={"username": "agent01", "password": PASSWORD})
    assert resp.status_code == 429 and resp.json["code"] == "login_throttled"


def test_forged_and_missing_tokens_are_401(client):
    for header in ({"Authorization": "Bearer abc.def.ghi"}, {"Authorization": "Basic x"}, {}):
        resp = client.get("/api/auth/me", headers=header)
        assert resp.status_code == 401 and set(resp.json) >= {"code", "message", "errors"}


def test_production_refuses_the_default_secret(monkeypatch):
    class Production(Config):
        MODE = "production"

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Production)

    class Configured(Production):
        SECRET_KEY = "a-real-secret-from-the-environment-0123456789"
        SIGNING_KEY_SET = True
        PUBLIC_BASE_URL = "https://service.example-water.cn"

    assert create_app(Configured).config["MODE"] == "production"


def test_production_refuses_to_start_without_a_public_base_url():
    """Audit item 11: customer links would otherwise follow whatever Host a request claims."""

    class Production(Config):
        MODE = "production"
        SECRET_KEY = "a-real-secret-from-the-environment-0123456789"
        SIGNING_KEY_SET = True

    for missing in ("", "service.example-water.cn", "javascript:alert(1)"):
        Production.PUBLIC_BASE_URL = missing
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            create_app(Production)
