"""The migration to several roles per person carries every user's one role over, and its
downgrade keeps each person's widest role; run on a scratch database of its own."""

import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db

VERSIONS = Path(__file__).resolve().parents[2] / "migrations" / "versions"


def _revisions():
    """(the revision before, the roles revision), read from the file: renumbering keeps it."""
    [path] = VERSIONS.glob("*_user_roles.py")
    text = path.read_text(encoding="utf-8")
    find = lambda name: re.search(rf'^{name} = "(\w+)"', text, re.M).group(1)  # noqa: E731
    return find("down_revision"), find("revision")


def _admin_engine(url):
    return sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")


@pytest.fixture
def scratch_app():
    url = sa.engine.make_url(TestConfig.SQLALCHEMY_DATABASE_URI)
    scratch = url.set(database=f"{url.database}_roles_migration")
    admin = _admin_engine(url)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{scratch.database}"'))

    class ScratchConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = scratch.render_as_string(hide_password=False)

    app = create_app(ScratchConfig)
    yield app
    with app.app_context():
        db.engine.dispose()
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{scratch.database}"'))
    admin.dispose()


def _rows(sql):
    with db.engine.connect() as conn:
        return dict(conn.execute(sa.text(sql)).tuples().all())


def test_every_user_keeps_their_role_and_the_downgrade_keeps_the_widest(scratch_app):
    before, roles_revision = _revisions()
    people = {
        "agent01": "hotline_agent",
        "lead01": "department_lead",
        "gm01": "general_manager",
        "admin": "admin",
        "tech01": "technician",
        "dispatch01": "dispatcher",
    }
    with scratch_app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("CREATE EXTENSION IF NOT EXISTS postgis"))
        upgrade(revision=before)
        with db.engine.begin() as conn:
            for username, role in people.items():
                conn.execute(
                    sa.text(
                        "INSERT INTO users (username, password_hash, display_name, role, active, "
                        "created_at) VALUES (:u, '-', :u, CAST(:r AS user_role), true, now())"
                    ),
                    {"u": username, "r": role},
                )
        upgrade(revision=roles_revision)
        carried = _rows("SELECT username, roles::text[] FROM users")
        assert carried == {username: [role] for username, role in people.items()}
        with db.engine.begin() as conn, pytest.raises(sa.exc.IntegrityError):
            conn.execute(sa.text("UPDATE users SET roles = '{}' WHERE username = 'gm01'"))
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "UPDATE users SET roles = CASE username "
                    "WHEN 'lead01' THEN '{hotline_agent,department_lead}'::user_role[] "
                    "ELSE '{general_manager,admin}'::user_role[] END "
                    "WHERE username IN ('lead01', 'gm01')"
                )
            )
        downgrade(revision=before)
        back = _rows("SELECT username, role::text FROM users")
        assert back == people | {"lead01": "hotline_agent", "gm01": "admin"}
        upgrade()
