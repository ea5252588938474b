"""outages: water outage notices and the calls linked to them (R8).

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("planned", "emergency", name="outage_kind"), nullable=False),
        sa.Column(
            "status",
            sa.Enum("announced", "restored", "cancelled", name="outage_status"),
            nullable=False,
        ),
        sa.Column("area_name", sa.String(length=120), nullable=False),
        sa.Column(
            "area",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                spatial_index=False,
            ),
            nullable=False,
        ),
        sa.Column("zone_ids", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("start_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expected_end_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("fire_supply_affected", sa.Boolean(), nullable=False),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approval_reason", sa.Text(), nullable=True),
        sa.Column("declared_by_id", sa.Integer(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("affected_count", sa.Integer(), nullable=False),
        sa.Column("emergency_water_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("history", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_id"], ["users.id"], name=op.f("fk_outages_approved_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["declared_by_id"], ["users.id"], name=op.f("fk_outages_declared_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_outages_work_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outages")),
    )
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.create_index("idx_outages_area", ["area"], unique=False, postgresql_using="gist")
        batch_op.create_index(batch_op.f("ix_outages_status"), ["status"], unique=False)

    op.create_table(
        "outage_calls",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("outage_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("caller_name", sa.String(length=100), nullable=True),
        sa.Column("caller_phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("taken_by_id", sa.Integer(), nullable=False),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_outage_calls_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["outage_id"], ["outages.id"], name=op.f("fk_outage_calls_outage_id_outages")
        ),
        sa.ForeignKeyConstraint(
            ["taken_by_id"], ["users.id"], name=op.f("fk_outage_calls_taken_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outage_calls")),
    )
    with op.batch_alter_table("outage_calls", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outage_calls_outage_id"), ["outage_id"], unique=False)

    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outage_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_sms_messages_outage_id"), ["outage_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_sms_messages_outage_id_outages"), "outages", ["outage_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("sms_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_sms_messages_outage_id_outages"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_sms_messages_outage_id"))
        batch_op.drop_column("outage_id")

    with op.batch_alter_table("outage_calls", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outage_calls_outage_id"))

    op.drop_table("outage_calls")
    with op.batch_alter_table("outages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outages_status"))
        batch_op.drop_index("idx_outages_area", postgresql_using="gist")

    op.drop_table("outages")
    sa.Enum(name="outage_status").drop(op.get_bind(), checkfirst=True)
    sa.Enum(name="outage_kind").drop(op.get_bind(), checkfirst=True)
