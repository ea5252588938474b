"""dispatch: duty roster, per-team auto-assignment, assignment offers, position pings.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.Enum("on_call", "extended", name="duty_kind"), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_duty_shifts_ends_after_start")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_duty_shifts_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            ondelete="CASCADE",
            name=op.f("fk_duty_shifts_technician_id_technicians"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_duty_shifts")),
    )
    op.create_index("ix_duty_shifts_technician_id", "duty_shifts", ["technician_id"])
    op.create_index("ix_duty_shifts_span", "duty_shifts", ["starts_at", "ends_at"])

    op.create_table(
        "team_auto_assign",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            ondelete="CASCADE",
            name=op.f("fk_team_auto_assign_team_id_teams"),
        ),
        sa.ForeignKeyConstraint(
            ["type_code"],
            ["work_order_types.code"],
            ondelete="CASCADE",
            name=op.f("fk_team_auto_assign_type_code_work_order_types"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_team_auto_assign_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("team_id", "type_code", name=op.f("pk_team_auto_assign")),
    )

    op.create_table(
        "assignment_offers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("offered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "pending", "accepted", "declined", "expired", "withdrawn", name="offer_outcome"
            ),
            nullable=False,
        ),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_assignment_offers_technician_id_technicians"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_assignment_offers_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_offers")),
    )
    op.create_index("ix_assignment_offers_work_order_id", "assignment_offers", ["work_order_id"])
    op.create_index("ix_assignment_offers_technician_id", "assignment_offers", ["technician_id"])
    op.create_index(
        "ix_assignment_offers_pending_expiry",
        "assignment_offers",
        ["expires_at"],
        postgresql_where=sa.text("outcome = 'pending' AND expires_at IS NOT NULL"),
    )

    op.create_table(
        "technician_positions",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "position",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            ondelete="CASCADE",
            name=op.f("fk_technician_positions_technician_id_technicians"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technician_positions")),
        sa.UniqueConstraint("technician_id", "device_time", name="uq_technician_positions_ping"),
    )


def downgrade():
    op.drop_table("technician_positions")
    op.drop_index("ix_assignment_offers_pending_expiry", table_name="assignment_offers")
    op.drop_index("ix_assignment_offers_technician_id", table_name="assignment_offers")
    op.drop_index("ix_assignment_offers_work_order_id", table_name="assignment_offers")
    op.drop_table("assignment_offers")
    op.drop_table("team_auto_assign")
    op.drop_index("ix_duty_shifts_span", table_name="duty_shifts")
    op.drop_index("ix_duty_shifts_technician_id", table_name="duty_shifts")
    op.drop_table("duty_shifts")
    op.execute("DROP TYPE IF EXISTS offer_outcome")
    op.execute("DROP TYPE IF EXISTS duty_kind")
