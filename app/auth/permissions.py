"""Who may call what: bearer tokens and declared roles; object checks live in services.

A person may hold several roles. A request is allowed when they hold any role the endpoint
names, and acts in the widest of those (app.auth.roles.widest): that role decides how far the
services narrow what it sees (a department lead's department, a technician's own orders), and
names it in the events it writes.
"""

from flask import g, request

from app.auth import sessions, tokens
from app.auth.roles import SEE_PHONE_NUMBERS, widest
from app.errors import Forbidden, Unauthorized


def require_user(roles=()):
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized()
    user = user_from_access_token(header[len("Bearer ") :].strip())
    if roles and not user.holds(*roles):
        raise Forbidden()
    g.user, g.acting_role = user, widest(user.roles, roles)
    return user


def user_from_access_token(token):
    """The user of a valid, unrevoked access token (401 otherwise)."""
    return sessions.user_for_access(tokens.read(token, "access"))


def current_user():
    return g.get("user")


def acting_role(user):
    """The role `user` acts in: the request's, if they made it; else the widest they hold."""
    signed_in = g.get("user")
    if signed_in is not None and signed_in.id == user.id and g.get("acting_role"):
        return g.acting_role
    return widest(user.roles)


def act_as(role):
    """A service that found which of the person's roles a step is theirs by says so."""
    g.acting_role = role


def can_see_phone(user):
    return user is not None and user.holds(*SEE_PHONE_NUMBERS)


def mask_phone(phone, user=None):
    """13812345678 -> 138****5678 for roles that do not need the number (R7)."""
    if phone is None or can_see_phone(user if user is not None else current_user()):
        return phone
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else "****"
