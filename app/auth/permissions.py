"""Who may call what: bearer tokens and declared roles; object checks live in services."""

from flask import g, request

from app.auth import sessions, tokens
from app.auth.roles import SEE_PHONE_NUMBERS
from app.errors import Forbidden, Unauthorized


def require_user(roles=()):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized()
    user = user_from_access_token(header[len("Bearer ") :].strip())
    if roles and user.role not in roles:
        raise Forbidden()
    g.user = user
    return user


def user_from_access_token(token):
    """The user of a valid, unrevoked access token (401 otherwise)."""
    return sessions.user_for_access(tokens.read(token, "access"))


def current_user():
    return g.get("user")


def can_see_phone(user):
    return user is not None and user.role in SEE_PHONE_NUMBERS


def mask_phone(phone, user=None):
    """13812345678 -> 138****5678 for roles that do not need the number (R7)."""
    if phone is None or can_see_phone(user if user is not None else current_user()):
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
