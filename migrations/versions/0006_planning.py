"""planning: day shifts (roster), day plans with their routes and stops.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _point():
    return Geometry(
        geometry_type="POINT",
        srid=4326,
        spatial_index=False,
        from_text="ST_GeomFromEWKT",
        name="geometry",
    )


def _tz():
    return sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "day_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("off", sa.Boolean(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=True),
        sa.Column("end_time", sa.Time(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", _tz(), nullable=False),
        sa.CheckConstraint(
            "off OR (start_time IS NOT NULL AND end_time > start_time)",
            name=op.f("ck_day_shifts_hours_or_off"),
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            ondelete="CASCADE",
            name=op.f("fk_day_shifts_technician_id_technicians"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_day_shifts_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_day_shifts")),
        sa.UniqueConstraint("technician_id", "day", name="uq_day_shifts_technician_day"),
    )
    op.create_index(op.f("ix_day_shifts_technician_id"), "day_shifts", ["technician_id"])
    op.create_table(
        "plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("proposed", "accepted", "superseded", name="plan_status"),
            nullable=False,
        ),
        sa.Column("settings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("solve_ms", sa.Integer(), nullable=False),
        sa.Column("edits", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_at", _tz(), nullable=True),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_plans_team_id_teams")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_plans_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["users.id"], name=op.f("fk_plans_accepted_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plans")),
    )
    op.create_index(op.f("ix_plans_team_id"), "plans", ["team_id"])
    op.create_index("ix_plans_team_day", "plans", ["team_id", "day"])
    op.create_table(
        "plan_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("start_point", _point(), nullable=False),
        sa.Column("skills", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("max_tasks", sa.Integer(), nullable=False),
        sa.Column("shift_start", _tz(), nullable=False),
        sa.Column("shift_end", _tz(), nullable=False),
        sa.Column("shift_source", sa.String(length=20), nullable=False),
        sa.Column("lunch_earliest", _tz(), nullable=True),
        sa.Column("lunch_latest", _tz(), nullable=True),
        sa.Column("lunch_minutes", sa.Integer(), nullable=True),
        sa.Column("lunch_after", sa.Integer(), nullable=True),
        sa.Column("lunch_start", _tz(), nullable=True),
        sa.Column("back_at", _tz(), nullable=True),
        sa.Column("return_seconds", sa.Integer(), nullable=False),
        sa.Column("return_metres", sa.Integer(), nullable=False),
        sa.Column("violations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], ondelete="CASCADE", name=op.f("fk_plan_routes_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_plan_routes_technician_id_technicians"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_routes")),
        sa.UniqueConstraint("plan_id", "technician_id", name="uq_plan_routes_plan_technician"),
    )
    op.create_index(op.f("ix_plan_routes_plan_id"), "plan_routes", ["plan_id"])
    op.create_table(
        "plan_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("route_id", sa.Integer(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=True),
        sa.Column("order_snapshot", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("location", _point(), nullable=True),
        sa.Column("skill_code", sa.String(length=40), nullable=True),
        sa.Column("service_seconds", sa.Integer(), nullable=False),
        sa.Column("window_start", _tz(), nullable=True),
        sa.Column("window_end", _tz(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("arrival_at", _tz(), nullable=True),
        sa.Column("planned_start", _tz(), nullable=True),
        sa.Column("planned_end", _tz(), nullable=True),
        sa.Column("travel_seconds", sa.Integer(), nullable=True),
        sa.Column("travel_metres", sa.Integer(), nullable=True),
        sa.Column("violations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("reason_code", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], ondelete="CASCADE", name=op.f("fk_plan_stops_plan_id_plans")
        ),
        sa.ForeignKeyConstraint(
            ["route_id"],
            ["plan_routes.id"],
            ondelete="CASCADE",
            name=op.f("fk_plan_stops_route_id_plan_routes"),
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_plan_stops_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_stops")),
        sa.UniqueConstraint("plan_id", "work_order_id", name="uq_plan_stops_plan_work_order"),
    )
    for column in ("plan_id", "work_order_id", "route_id"):
        op.create_index(op.f(f"ix_plan_stops_{column}"), "plan_stops", [column])


def downgrade():
    op.drop_table("plan_stops")
    op.drop_table("plan_routes")
    op.drop_table("plans")
    op.drop_table("day_shifts")
    sa.Enum(name="plan_status").drop(op.get_bind(), checkfirst=True)
