"""Signed, single-purpose tokens: access and refresh JWTs, and short links for customers."""

import uuid
from datetime import timedelta

import jwt
from flask import current_app

from app.database import utcnow
from app.errors import Unauthorized


def issue(subject, purpose, lifetime, **claims):
    now = utcnow()
    return issue_at(subject, purpose, now, now + lifetime, **{"jti": uuid.uuid4().hex, **claims})


def issue_at(subject, purpose, issued_at, expires_at, **claims):
    """The same claims give the same token: a stored link can be handed out again."""
    payload = {"sub": str(subject), "typ": purpose, "iat": issued_at, "exp": expires_at, **claims}
    return jwt.encode(payload, current_app.config["SECRET_KEY"], algorithm="HS256")


def read(token, purpose):
    """Decode a token of the given purpose; any other purpose, expiry or forgery is refused."""
    try:
        payload = jwt.decode(token, current_app.config["SECRET_KEY"], algorithms=["HS256"])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("令牌已过期 / Token expired", code="token_expired") from exc
    except jwt.InvalidTokenError as exc:
        raise Unauthorized("令牌无效 / Invalid token", code="token_invalid") from exc
    if payload.get("typ") != purpose:
        raise Unauthorized("令牌用途不符 / Token not valid here", code="token_invalid")
    return payload


def access_token(user, session_id=None):
    """An access JWT bound to the user's token version and, from a sign-in, to its session."""
    minutes = current_app.config["ACCESS_TOKEN_MINUTES"]
    claims = {"roles": list(user.roles), "ver": user.token_version}
    if session_id:
        claims["sid"] = session_id
    return issue(user.id, "access", timedelta(minutes=minutes), **claims)


def refresh_token(session):
    """The one refresh JWT a sign-in may use next (its jti is the session's `refresh_jti`)."""
    days = current_app.config["REFRESH_TOKEN_DAYS"]
    return issue(
        session.user_id, "refresh", timedelta(days=days), sid=session.id, jti=session.refresh_jti
    )


def new_id():
    return uuid.uuid4().hex
