"""remote signing: the customer signs a damage record on their own phone (R3.7).

A request holds the link's token and where its one-time code went; a signature records the
channel it was made on (the technician's phone or the customer's own, after the code).

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "remote_sign_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=43), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("damage_record_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("signer_relation", sa.String(length=20), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("sms_message_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), server_default="0", nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.String(length=20), nullable=True),
        sa.Column("signature_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_remote_sign_requests_work_order_id_work_orders"),
        ),
        sa.ForeignKeyConstraint(
            ["damage_record_id"],
            ["damage_records.id"],
            name=op.f("fk_remote_sign_requests_damage_record_id_damage_records"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_remote_sign_requests_requested_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["sms_message_id"],
            ["sms_messages.id"],
            name=op.f("fk_remote_sign_requests_sms_message_id_sms_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["signature_id"],
            ["signatures.id"],
            name=op.f("fk_remote_sign_requests_signature_id_signatures"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_remote_sign_requests")),
        sa.UniqueConstraint("token", name=op.f("uq_remote_sign_requests_token")),
    )
    op.create_index(
        op.f("ix_remote_sign_requests_damage_record_id"),
        "remote_sign_requests",
        ["damage_record_id"],
    )
    op.add_column(
        "signatures",
        sa.Column(
            "channel", sa.String(length=20), server_default="technician_phone", nullable=False
        ),
    )
    op.alter_column("signatures", "signed_on_user_id", existing_type=sa.Integer(), nullable=True)


def downgrade():
    # A signature made on the customer's phone keeps its requester as the user it was made for.
    op.execute("ALTER TABLE signatures DISABLE TRIGGER signatures_append_only")
    op.execute(
        "UPDATE signatures AS s SET signed_on_user_id = r.requested_by_id "
        "FROM remote_sign_requests AS r WHERE r.signature_id = s.id"
    )
    op.execute("ALTER TABLE signatures ENABLE TRIGGER signatures_append_only")
    op.alter_column("signatures", "signed_on_user_id", existing_type=sa.Integer(), nullable=False)
    op.drop_column("signatures", "channel")
    op.drop_index(
        op.f("ix_remote_sign_requests_damage_record_id"), table_name="remote_sign_requests"
    )
    op.drop_table("remote_sign_requests")
