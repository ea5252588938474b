from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask import current_app

from app.auth.models import LoginAttempt, User
from app.database import utcnow
from app.errors import Conflict, Invalid, TooManyRequests, Unauthorized
from app.extensions import db
from app.zones.models import Team

hasher = PasswordHasher()


def hash_password(password):
    return hasher.hash(password)


def authenticate(username, password, remote_addr=None):
    """The user for these credentials, or None after recording the failure (throttled)."""
    _check_throttle(username)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active or not _verify(user.password_hash, password):
        db.session.add(LoginAttempt(username=username, remote_addr=remote_addr))
        return None
    db.session.execute(sa.delete(LoginAttempt).where(LoginAttempt.username == username))
    return user


BAD_CREDENTIALS = Unauthorized(
    "用户名或密码错误 / Wrong username or password", code="bad_credentials"
)


def _verify(password_hash, password):
    try:
        return hasher.verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def _check_throttle(username):
    window = timedelta(minutes=current_app.config["LOGIN_WINDOW_MINUTES"])
    failures = db.session.scalar(
        sa.select(sa.func.count(LoginAttempt.id)).where(
            LoginAttempt.username == username, LoginAttempt.at > utcnow() - window
        )
    )
    if failures >= current_app.config["LOGIN_MAX_FAILURES"]:
        raise TooManyRequests(
            "登录失败次数过多,请稍后再试 / Too many failed logins, try again later",
            code="login_throttled",
        )


def create_user(data):
    if db.session.scalar(sa.select(User.id).where(User.username == data["username"])):
        raise Conflict(errors={"username": ["用户名已存在 / username taken"]}, code="duplicate")
    _check_team(data.get("team_id"))
    user = User(
        **{k: v for k, v in data.items() if k != "password"},
        password_hash=hash_password(data["password"]),
    )
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user, data):
    _check_team(data.get("team_id"))
    if "password" in data:
        user.password_hash = hash_password(data.pop("password"))
    for name, value in data.items():
        setattr(user, name, value)
    db.session.flush()
    return user


def _check_team(team_id):
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise Invalid(errors={"team_id": [f"班组不存在 / no team {team_id}"]})
