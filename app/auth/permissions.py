"""Who may call what: bearer tokens and declared roles; object checks live in services."""

from flask import g, request

from app.auth import tokens
from app.auth.models import User
from app.auth.roles import SEE_PHONE_NUMBERS
from app.errors import Forbidden, Unauthorized
from app.extensions import db


def require_user(roles=()):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized()
    payload = tokens.read(header[len("Bearer ") :].strip(), "access")
    user = db.session.get(User, int(payload["sub"]))
    if user is None or not user.active:
        raise Unauthorized()
    if roles and user.role not in roles:
        raise Forbidden()
    g.user = user
    return user


def current_user():
    return g.get("user")


def can_see_phone(user):
    return user is not None and user.role in SEE_PHONE_NUMBERS


def mask_phone(phone, user=None):
    """13812345678 -> 138****5678 for roles that do not need the number (R7)."""
    if phone is None or can_see_phone(user if user is not None else current_user()):
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
