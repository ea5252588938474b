"""Audit item 8: weak, common and user-derived passwords are refused with a clear message."""

import sqlalchemy as sa

from app.auth.models import User
from app.auth.passwords import weakness
from app.extensions import db


def test_common_patterned_and_personal_passwords_are_weak():
    assert "常用密码" in weakness("password1", 3)
    assert "规律" in weakness("aaaaaaaa", 3)
    assert "用户名" in weakness("wangli2026", 3, ["wangli2026"])
    assert "用户名" in weakness("13812345678x", 3, ["13812345678"])
    assert weakness("x7#Lq9-river-Tide", 3, ["agent02"]) is None
    assert weakness("x7#Lq9-river-Tide-" * 12, 3) is None  # over zxcvbn's 72 characters


def test_admin_cannot_give_a_weak_password(client, make):
    admin = make.headers(make.user("admin"))
    before = db.session.scalar(sa.select(sa.func.count(User.id)))
    for password in ("aaaaaaaa", "agent09x", "12345678", "password1"):
        resp = client.post(
            "/api/admin/users",
            headers=admin,
            json={
                "username": "agent09x",
                "password": password,
                "display_name": "坐席九",
                "roles": ["hotline_agent"],
            },
        )
        assert resp.status_code == 422 and resp.json["code"] == "weak_password", password
        assert resp.json["errors"]["password"][0].startswith("密码太容易被猜中")
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == before
    user = make.user("dispatcher", username="dispatch07")
    resp = client.patch(
        f"/api/admin/users/{user.id}", headers=admin, json={"password": "dispatch07!"}
    )
    assert resp.status_code == 422 and "password" in resp.json["errors"]
    ok = client.patch(
        f"/api/admin/users/{user.id}", headers=admin, json={"password": "x7#Lq9-river-Tide"}
    )
    assert ok.status_code == 200
