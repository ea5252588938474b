"""security: sign-in sessions (refresh rotation, logout, token versions), login throttling
per address, server-set facts out of work-order flags (the demo marker gets a column).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# Frozen here: the keys app.workorders.models.FLAG_LABELS_ZH had when this ran.
CLIENT_FLAGS = ("call_before_visit", "dog_on_premises", "hard_of_hearing", "key_with_neighbour")


def _tz():
    return sa.DateTime(timezone=True)


def upgrade():
    op.add_column(
        "users", sa.Column("token_version", sa.Integer(), server_default="0", nullable=False)
    )
    op.create_table(
        "auth_sessions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("refresh_jti", sa.String(32), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("rotated_at", _tz(), nullable=True),
        sa.Column("remote_addr", sa.String(64), nullable=True),
        sa.Column("revoked_at", _tz(), nullable=True),
        sa.Column("revoked_reason", sa.String(32), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_auth_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_auth_sessions")),
    )
    op.create_index(op.f("ix_auth_sessions_user_id"), "auth_sessions", ["user_id"])
    op.create_index("ix_login_attempts_remote_addr_at", "login_attempts", ["remote_addr", "at"])
    op.add_column("work_orders", sa.Column("demo_marker", sa.String(8), nullable=True))
    op.create_unique_constraint(op.f("uq_work_orders_demo_marker"), "work_orders", ["demo_marker"])
    op.execute("UPDATE work_orders SET demo_marker = flags->>'demo' WHERE flags ? 'demo'")
    # Only the yes/no marks a client may set stay in flags; the complaint link is
    # complaints.work_order_id already.
    op.execute(
        "UPDATE work_orders SET flags = COALESCE((SELECT jsonb_object_agg(key, value) "
        "FROM jsonb_each(flags) WHERE key IN ("
        + ", ".join(f"'{key}'" for key in CLIENT_FLAGS)
        + ") AND jsonb_typeof(value) = 'boolean'), '{}'::jsonb)"
    )


def downgrade():
    op.execute(
        "UPDATE work_orders SET flags = flags || jsonb_build_object('demo', demo_marker) "
        "WHERE demo_marker IS NOT NULL"
    )
    op.drop_constraint(op.f("uq_work_orders_demo_marker"), "work_orders", type_="unique")
    op.drop_column("work_orders", "demo_marker")
    op.drop_index("ix_login_attempts_remote_addr_at", table_name="login_attempts")
    op.drop_index(op.f("ix_auth_sessions_user_id"), table_name="auth_sessions")
    op.drop_table("auth_sessions")
    op.drop_column("users", "token_version")
