"""Sign-ins that can be ended: refresh rotation with reuse detection, logout, revocation.

Audit item 5. A sign-in is one `AuthSession`; each refresh replaces its refresh token, and a
replaced one presented again revokes the sign-in (the thief and the owner both lose it, and the
owner signs in again). Logout revokes the sign-in; a password, role or activity change revokes
every sign-in of the user and, through `User.token_version`, every access token already issued.
Services flush, never commit.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import g, request

from app.auth import tokens
from app.auth.models import AuthSession, User
from app.database import utcnow
from app.errors import Unauthorized
from app.extensions import db

REVOKED = Unauthorized("登录已失效,请重新登录 / Sign-in revoked", code="token_revoked")


def start(user, remote_addr=None):
    session = AuthSession(
        id=tokens.new_id(), user_id=user.id, refresh_jti=tokens.new_id(), remote_addr=remote_addr
    )
    db.session.add(session)
    db.session.flush()
    return session


def rotate(refresh_token):
    """(user, session) with a fresh refresh jti; a replaced token revokes the whole sign-in."""
    payload = tokens.read(refresh_token, "refresh")
    session = db.session.scalar(
        sa.select(AuthSession).where(AuthSession.id == payload.get("sid")).with_for_update()
    )
    if session is None or session.revoked_at is not None:
        raise REVOKED
    if payload.get("jti") != session.refresh_jti:
        revoke(session, "refresh_reuse")
        return None, session
    user = db.session.get(User, session.user_id)
    if user is None or not user.active:
        raise REVOKED
    session.refresh_jti = tokens.new_id()
    session.rotated_at = utcnow()
    db.session.flush()
    return user, session


def revoke(session, reason):
    if session.revoked_at is None:
        session.revoked_at, session.revoked_reason = utcnow(), reason
        db.session.flush()


def revoke_all(user, reason):
    """End every sign-in of `user` and invalidate every access token issued so far."""
    user.token_version = (user.token_version or 0) + 1
    db.session.execute(
        sa.update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )
    db.session.flush()


def user_for_access(payload):
    """The active user an access token speaks for, if neither it nor its sign-in is revoked.

    One query, as the plain user look-up was: the sign-in comes along by an outer join.
    """
    sid = payload.get("sid")
    row = db.session.execute(
        sa.select(User, AuthSession.id, AuthSession.revoked_at)
        .outerjoin(AuthSession, sa.and_(AuthSession.id == sid, AuthSession.user_id == User.id))
        .where(User.id == int(payload["sub"]))
    ).first()
    if row is None or not row[0].active:
        raise Unauthorized()
    user, session_id, revoked_at = row
    if payload.get("ver", 0) != user.token_version:
        raise REVOKED
    if sid and (session_id is None or revoked_at is not None):
        raise REVOKED
    g.token_sid = sid
    return user


# A staff member's browser is marked at sign-in, for the customer pages only (audit item 13):
# a satisfaction form sent from it was not filled on the customer's own phone.
STAFF_COOKIE = "tapline_staff"
STAFF_BROWSER_DAYS = 180


def mark_staff_browser(response, user):
    token = tokens.issue(user.id, "staff_browser", timedelta(days=STAFF_BROWSER_DAYS))
    response.set_cookie(
        STAFF_COOKIE,
        token,
        max_age=STAFF_BROWSER_DAYS * 86400,
        path="/survey/",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


def staff_of_browser():
    """The id of the staff member who last signed in on this browser, or None."""
    token = request.cookies.get(STAFF_COOKIE)
    if not token:
        return None
    try:
        return int(tokens.read(token, "staff_browser")["sub"])
    except Unauthorized:
        return None
