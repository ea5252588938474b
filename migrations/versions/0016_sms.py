"""sms: messages (the outbox of texts), every attempt, opt-outs, tracking links (R8).

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sms_opt_outs",
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("phone", name=op.f("pk_sms_opt_outs")),
    )
    op.create_table(
        "tracking_links",
        sa.Column("token", sa.String(length=24), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_tracking_links_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_tracking_links")),
    )
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tracking_links_work_order_id"), ["work_order_id"], unique=False
        )

    op.create_table(
        "sms_messages",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("params", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", "opted_out", "invalid", name="sms_status"),
            nullable=False,
        ),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deferred_reason", sa.String(length=40), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("provider", sa.String(length=20), nullable=True),
        sa.Column("provider_message_id", sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_sms_messages_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_sms_messages_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_messages")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_sms_messages_dedupe_key")),
    )
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_messages_complaint_id"), ["complaint_id"], unique=False
        )
        batch_op.create_index(
            "ix_sms_messages_due",
            ["next_attempt_at"],
            unique=False,
            postgresql_where=sa.text("status = 'pending'"),
        )
        batch_op.create_index("ix_sms_messages_phone_sent", ["phone", "sent_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sms_messages_work_order_id"), ["work_order_id"], unique=False
        )

    op.create_table(
        "sms_attempts",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("complaint_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("provider", sa.String(length=20), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("retryable", sa.Boolean(), nullable=False),
        sa.Column("answer", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name=op.f("fk_sms_attempts_complaint_id_complaints"),
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["sms_messages.id"],
            name=op.f("fk_sms_attempts_message_id_sms_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_sms_attempts_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_attempts")),
    )
    with op.batch_alter_table("sms_attempts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sms_attempts_complaint_id"), ["complaint_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sms_attempts_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_sms_attempts_work_order_id"), ["work_order_id"], unique=False
        )

    op.create_table(
        "sms_dev_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["sms_messages.id"],
            name=op.f("fk_sms_dev_deliveries_message_id_sms_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sms_dev_deliveries")),
        sa.UniqueConstraint("message_id", name=op.f("uq_sms_dev_deliveries_message_id")),
    )


def downgrade():
    op.drop_table("sms_dev_deliveries")
    with op.batch_alter_table("sms_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_attempts_work_order_id"))
        batch_op.drop_index(batch_op.f("ix_sms_attempts_message_id"))
        batch_op.drop_index(batch_op.f("ix_sms_attempts_complaint_id"))

    op.drop_table("sms_attempts")
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sms_messages_work_order_id"))
        batch_op.drop_index("ix_sms_messages_phone_sent")
        batch_op.drop_index("ix_sms_messages_due", postgresql_where=sa.text("status = 'pending'"))
        batch_op.drop_index(batch_op.f("ix_sms_messages_complaint_id"))

    op.drop_table("sms_messages")
    with op.batch_alter_table("tracking_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tracking_links_work_order_id"))

    op.drop_table("tracking_links")
    op.drop_table("sms_opt_outs")
    sa.Enum(name="sms_status").drop(op.get_bind(), checkfirst=True)
