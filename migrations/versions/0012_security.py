"""security: sign-in sessions (refresh rotation, logout, token versions), login throttling
per address, server-set facts out of work-order flags (the demo marker gets a column), one
revocable receipt link per signature, survey links and how each form was filled.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0012"
down_revision = "0011"
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
    # Only the yes/no marks and the preferred time a client may set stay in flags; the
    # complaint link is complaints.work_order_id already.
    op.execute(
        "UPDATE work_orders SET flags = COALESCE((SELECT jsonb_object_agg(key, value) "
        "FROM jsonb_each(flags) WHERE key IN ("
        + ", ".join(f"'{key}'" for key in CLIENT_FLAGS)
        + ") AND jsonb_typeof(value) = 'boolean' OR key = 'preferred_window' "
        "AND jsonb_typeof(value) = 'object'), '{}'::jsonb)"
    )

    op.create_table(
        "receipt_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signature_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("issued_at", _tz(), nullable=False),
        sa.Column("expires_at", _tz(), nullable=False),
        sa.Column("revoked_at", _tz(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_receipt_links_signature_id_signatures"),
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_receipt_links_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_receipt_links")),
        sa.UniqueConstraint("token_id", name=op.f("uq_receipt_links_token_id")),
    )
    op.create_index(
        "uq_receipt_links_live_signature",
        "receipt_links",
        ["signature_id"],
        unique=True,
        postgresql_where=sa.text("revoked_at IS NULL"),
    )
    op.create_table(
        "survey_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("issued_by_id", sa.Integer(), nullable=False),
        sa.Column("delivery", sa.String(20), nullable=False),
        sa.Column("issued_at", _tz(), nullable=False),
        sa.Column("expires_at", _tz(), nullable=False),
        sa.Column("issuer_addr", sa.String(64), nullable=True),
        sa.Column("issuer_agent", sa.String(300), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_survey_links_work_order_id_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_survey_links_issued_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_links")),
        sa.UniqueConstraint("token_id", name=op.f("uq_survey_links_token_id")),
    )
    op.create_index(op.f("ix_survey_links_work_order_id"), "survey_links", ["work_order_id"])
    op.add_column("satisfaction_forms", sa.Column("survey_link_id", sa.Integer(), nullable=True))
    op.add_column("satisfaction_forms", sa.Column("submitted_addr", sa.String(64), nullable=True))
    op.add_column(
        "satisfaction_forms",
        sa.Column(
            "warnings", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
    )
    op.create_foreign_key(
        op.f("fk_satisfaction_forms_survey_link_id_survey_links"),
        "satisfaction_forms",
        "survey_links",
        ["survey_link_id"],
        ["id"],
    )


def downgrade():
    op.drop_constraint(
        op.f("fk_satisfaction_forms_survey_link_id_survey_links"),
        "satisfaction_forms",
        type_="foreignkey",
    )
    for column in ("warnings", "submitted_addr", "survey_link_id"):
        op.drop_column("satisfaction_forms", column)
    op.drop_index(op.f("ix_survey_links_work_order_id"), table_name="survey_links")
    op.drop_table("survey_links")
    op.drop_index("uq_receipt_links_live_signature", table_name="receipt_links")
    op.drop_table("receipt_links")
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
