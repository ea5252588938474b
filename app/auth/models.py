from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import ROLES, role_set
from app.database import utcnow
from app.extensions import db


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(100))
    # Every role the person holds (a department lead who also takes hotline calls holds two).
    # An array on the row rather than a table beside it: the set is read with the user on every
    # request (one row, no join), is small and closed (the six roles), and changes only by an
    # admin, who replaces it whole (`holds`/`holding` below are the only readers).
    roles: Mapped[list[str]] = mapped_column(ARRAY(sa.Enum(*ROLES, name="user_role")))
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    # Bumped on a password, role or activity change: every access token carries the version
    # it was issued under, so the older ones stop working at once.
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")

    __table_args__ = (sa.CheckConstraint("cardinality(roles) >= 1", name="holds_a_role"),)

    def holds(self, *roles):
        """Whether the person holds any of `roles`."""
        return not set(self.roles or ()).isdisjoint(roles)

    @classmethod
    def holding(cls, role):
        """SQL: the users who hold `role` (among others, perhaps)."""
        return cls.roles.contains([role])

    def set_roles(self, roles):
        """Replace the person's roles, kept in one order (app.auth.roles.ROLES) without repeats."""
        self.roles = role_set(roles)

    def __repr__(self):
        return f"<User {self.username} {','.join(self.roles or ())}>"


class LoginAttempt(db.Model):
    """Failed logins, kept in the database so throttling needs no Redis."""

    __tablename__ = "login_attempts"
    __table_args__ = (sa.Index("ix_login_attempts_remote_addr_at", "remote_addr", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), index=True)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow, index=True)


class AuthSession(db.Model):
    """One sign-in: the family of refresh tokens it rotates through, and its access tokens.

    Only the newest refresh token (`refresh_jti`) may be used; presenting an older one means it
    was copied, and the whole sign-in is revoked (OAuth 2.0 Security BCP, refresh rotation).
    """

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    refresh_jti: Mapped[str] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True), default=utcnow)
    rotated_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # logout, refresh_reuse, password_changed, role_changed, deactivated
    revoked_reason: Mapped[str | None] = mapped_column(sa.String(32))
