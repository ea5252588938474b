import secrets
from datetime import timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from flask import current_app

from app.auth import passwords, sessions
from app.auth.models import LoginAttempt, User
from app.auth.roles import Role, role_set
from app.database import utcnow
from app.errors import Conflict, Invalid, TooManyRequests, Unauthorized
from app.extensions import db
from app.zones.models import Team

_HASHERS = {}


def _hasher():
    """Argon2id at the configured cost (argon2-cffi's default, RFC 9106's low-memory profile,
    unless set); the test suite configures a cheap one, every other setting stays real."""
    config = current_app.config
    cost = tuple(
        config[name]
        for name in ("PASSWORD_HASH_TIME_COST", "PASSWORD_HASH_MEMORY_KIB", "PASSWORD_HASH_THREADS")
    )
    if cost not in _HASHERS:
        time_cost, memory_cost, parallelism = cost
        _HASHERS[cost] = PasswordHasher(time_cost, memory_cost, parallelism)
    return _HASHERS[cost]


def hash_password(password):
    return _hasher().hash(password)


def authenticate(username, password, remote_addr=None):
    """The user for these credentials, or None after recording the failure (audit item 7).

    Failures are counted per (account, client address) and per client address, never per
    account alone: someone guessing from elsewhere cannot lock the owner out, and spraying one
    password over many accounts from one address is throttled. An unknown or inactive account
    costs one Argon2 verification as a known one does, so timing reveals no usernames.
    """
    _check_throttle(username, remote_addr)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active:
        _verify(_unknown_user_hash(), password)
        user = None
    elif not _verify(user.password_hash, password):
        user = None
    if user is None:
        db.session.add(LoginAttempt(username=username, remote_addr=remote_addr))
        return None
    db.session.execute(
        sa.delete(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.remote_addr == remote_addr
        )
    )
    return user


BAD_CREDENTIALS = Unauthorized(
    "用户名或密码错误 / Wrong username or password", code="bad_credentials"
)
THROTTLED = TooManyRequests(
    "登录失败次数过多,请稍后再试 / Too many failed logins, try again later",
    code="login_throttled",
)
_UNKNOWN = {}


def _unknown_user_hash():
    """A stand-in hash at the current cost, so an unknown name costs what a known one does."""
    hasher = _hasher()
    if hasher not in _UNKNOWN:
        _UNKNOWN[hasher] = hasher.hash(secrets.token_hex(16))
    return _UNKNOWN[hasher]


def _verify(password_hash, password):
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def _check_throttle(username, remote_addr):
    config = current_app.config
    recent = LoginAttempt.at > utcnow() - timedelta(minutes=config["LOGIN_WINDOW_MINUTES"])
    from_here = LoginAttempt.remote_addr == remote_addr
    for where, limit in (
        ((LoginAttempt.username == username, from_here), config["LOGIN_MAX_FAILURES"]),
        ((from_here,), config["LOGIN_ADDR_MAX_FAILURES"]),
    ):
        count = sa.select(sa.func.count(LoginAttempt.id)).where(recent, *where)
        if db.session.scalar(count) >= limit:
            raise THROTTLED


def create_user(data):
    if db.session.scalar(sa.select(User.id).where(User.username == data["username"])):
        raise Conflict(errors={"username": ["用户名已存在 / username taken"]}, code="duplicate")
    _check_team(data.get("team_id"))
    _check_password(data["password"], data)
    user = User(
        **{k: v for k, v in data.items() if k not in ("password", "roles")},
        password_hash=hash_password(data["password"]),
    )
    user.set_roles(data["roles"])
    db.session.add(user)
    db.session.flush()
    return user


def update_user(user, data, by=None):
    """Apply an admin's change; a new password, a change of roles or deactivation ends every
    sign-in."""
    _check_team(data.get("team_id"))
    if by is not None and by.id == user.id and Role.ADMIN not in data.get("roles", user.roles):
        raise Conflict(
            "不能取消自己的管理员角色 / an admin cannot take the admin role from themselves",
            errors={"roles": ["须保留管理员角色 / keep admin"]},
            code="own_admin_role",
        )
    reason = _revocation_reason(user, data)
    if "password" in data:
        details = {n: data.get(n, getattr(user, n)) for n in ("display_name", "phone")}
        _check_password(data["password"], {"username": user.username, **details})
        user.password_hash = hash_password(data.pop("password"))
    if "roles" in data:
        user.set_roles(data.pop("roles"))
    for name, value in data.items():
        setattr(user, name, value)
    if reason:
        sessions.revoke_all(user, reason)
    db.session.flush()
    return user


def _revocation_reason(user, data):
    if "password" in data:
        return "password_changed"
    if "roles" in data and role_set(data["roles"]) != list(user.roles):
        return "role_changed"
    if data.get("active", user.active) is False and user.active:
        return "deactivated"
    return None


def _check_password(password, details):
    inputs = [details.get(name) for name in ("username", "display_name", "phone")]
    problem = passwords.weakness(password, current_app.config["PASSWORD_MIN_SCORE"], inputs)
    if problem:
        raise Invalid(problem, errors={"password": [problem]}, code="weak_password")


def _check_team(team_id):
    if team_id is not None and db.session.get(Team, team_id) is None:
        raise Invalid(errors={"team_id": [f"班组不存在 / no team {team_id}"]})
