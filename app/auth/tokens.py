"""Signed, single-purpose tokens: access and refresh JWTs, and short links for customers."""

import uuid
from datetime import timedelta

import jwt
from flask import current_app

from app.database import utcnow
from app.errors import Unauthorized


def issue(subject, purpose, lifetime, **claims):
    now = utcnow()
    payload = {
        "sub": str(subject),
        "typ": purpose,
        "iat": now,
        "exp": now + lifetime,
        "jti": uuid.uuid4().hex,
        **claims,
    }
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


def access_token(user):
    minutes = current_app.config["ACCESS_TOKEN_MINUTES"]
    return issue(user.id, "access", timedelta(minutes=minutes), role=user.role)


def refresh_token(user):
    days = current_app.config["REFRESH_TOKEN_DAYS"]
    return issue(user.id, "refresh", timedelta(days=days))
