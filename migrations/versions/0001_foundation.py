"""foundation

Revision ID: 0001
Revises:
Create Date: 2026-11-27 13:25:05.514031

"""

from alembic import op
import sqlalchemy as sa
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION tapline_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'table % is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""

SKILLS = [
    ("plumbing", "管道维修"),
    ("meter", "水表安装与检定"),
    ("connection", "通水接驳"),
    ("emergency", "抢修"),
    ("water_quality", "水质检测"),
    ("inspection", "用水稽查"),
]

# (code, 中文, English, skill, emergency, working days, response minutes, auto-assign)
WORK_ORDER_TYPES = [
    ("general_repair", "普通维修", "General repair", "plumbing", False, 3, None, False),
    ("meter_replacement", "换表", "Meter replacement", "meter", False, 3, None, False),
    ("water_connection", "通水", "Water connection", "connection", False, 3, None, False),
    ("emergency_repair", "抢修", "Emergency repair", "emergency", True, None, 30, True),
    ("meter_reading_check", "水表读数核查", "Meter reading check", "meter", False, 3, None, False),
    (
        "water_quality_check",
        "水质检测",
        "Water-quality check",
        "water_quality",
        False,
        3,
        None,
        False,
    ),
    (
        "theft_inspection",
        "疑似窃水稽查",
        "Suspected theft inspection",
        "inspection",
        False,
        3,
        None,
        False,
    ),
]


def upgrade():
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("limited_mobility", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("account_no", name=op.f("uq_customers_account_no")),
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_customers_phone"), ["phone"], unique=False)

    op.create_table(
        "daily_sequences",
        sa.Column("prefix", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "day", name=op.f("pk_daily_sequences")),
    )
    op.create_table(
        "login_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("remote_addr", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_attempts")),
    )
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_attempts_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_login_attempts_username"), ["username"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("args", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("queue", sa.String(length=40), nullable=False),
        sa.Column("delay_seconds", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_messages_unsent",
            ["id"],
            unique=False,
            postgresql_where=sa.text("sent_at IS NULL"),
        )

    op.create_table(
        "skills",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skills")),
        sa.UniqueConstraint("code", name=op.f("uq_skills_code")),
    )
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("lead_user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lead_user_id"], ["users.id"], name="fk_teams_lead_user_id_users", use_alter=True
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
        sa.UniqueConstraint("code", name=op.f("uq_teams_code")),
    )
    op.create_table(
        "working_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("is_working", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_working_days")),
    )
    op.create_table(
        "meters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("model", sa.String(length=60), nullable=True),
        sa.Column("diameter_mm", sa.Integer(), nullable=True),
        sa.Column("installed_on", sa.Date(), nullable=True),
        sa.Column("last_reading", sa.Numeric(precision=12, scale=2), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_meters_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meters")),
        sa.UniqueConstraint("number", name=op.f("uq_meters_number")),
    )
    with op.batch_alter_table("meters", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meters_customer_id"), ["customer_id"], unique=False)

    op.create_table(
        "service_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_service_zones_team_id_teams")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_service_zones_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("display_name", sa.String(length=100), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "hotline_agent",
                "dispatcher",
                "technician",
                "department_lead",
                "general_manager",
                "admin",
                name="user_role",
            ),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["teams.id"], name=op.f("fk_users_team_id_teams")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "work_order_types",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=60), nullable=False),
        sa.Column("name_en", sa.String(length=60), nullable=False),
        sa.Column("skill_code", sa.String(length=40), nullable=True),
        sa.Column("is_emergency", sa.Boolean(), nullable=False),
        sa.Column("deadline_working_days", sa.Integer(), nullable=True),
        sa.Column("response_minutes", sa.Integer(), nullable=True),
        sa.Column("auto_assign", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_code"], ["skills.code"], name=op.f("fk_work_order_types_skill_code_skills")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_work_order_types")),
    )
    op.create_table(
        "calendar_years",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("source", sa.String(length=255), nullable=False),
        sa.Column("loaded_by_id", sa.Integer(), nullable=True),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["loaded_by_id"], ["users.id"], name=op.f("fk_calendar_years_loaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_calendar_years")),
    )
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_notifications_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("recipient_id", "dedupe_key", name="uq_notifications_dedupe"),
    )
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notifications_recipient_id"), ["recipient_id"], unique=False
        )

    op.create_table(
        "technicians",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("employee_no", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("photo_path", sa.String(length=255), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column(
            "base_point",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "last_position",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("last_position_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum("available", "busy", "off_duty", name="technician_status"),
            nullable=False,
        ),
        sa.Column("on_call", sa.Boolean(), nullable=False),
        sa.Column("max_open_orders", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_technicians_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_technicians_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_technicians")),
        sa.UniqueConstraint("employee_no", name=op.f("uq_technicians_employee_no")),
        sa.UniqueConstraint("user_id", name=op.f("uq_technicians_user_id")),
    )
    with op.batch_alter_table("technicians", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_technicians_team_id"), ["team_id"], unique=False)

    op.create_table(
        "technician_skills",
        sa.Column("technician_id", sa.Integer(), nullable=False),
        sa.Column("skill_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["skill_id"],
            ["skills.id"],
            name=op.f("fk_technician_skills_skill_id_skills"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_technician_skills_technician_id_technicians"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("technician_id", "skill_id", name=op.f("pk_technician_skills")),
    )
    op.create_table(
        "work_orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("hotline", "repair_line", "walk_in", "api", name="work_order_channel"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "new",
                "assigned",
                "accepted",
                "scheduled",
                "en_route",
                "on_site",
                "completed",
                "closed",
                "cancelled",
                name="work_order_status",
            ),
            nullable=False,
        ),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("caller_name", sa.String(length=100), nullable=True),
        sa.Column("caller_phone", sa.String(length=32), nullable=True),
        sa.Column("address", sa.String(length=255), nullable=False),
        sa.Column(
            "location",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("meter_number", sa.String(length=40), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("limited_mobility", sa.Boolean(), nullable=False),
        sa.Column(
            "property_side",
            sa.Enum("company", "customer", "unknown", name="property_side"),
            nullable=False,
        ),
        sa.Column("flags", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("deadline_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deadline_rule", sa.String(length=200), nullable=False),
        sa.Column("calendar_unconfirmed", sa.Boolean(), nullable=False),
        sa.Column(
            "sla_state",
            sa.Enum("on_track", "at_risk", "breached", name="sla_state"),
            nullable=False,
        ),
        sa.Column("first_contact_user_id", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("appointment_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_work_orders_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_work_orders_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["first_contact_user_id"],
            ["users.id"],
            name=op.f("fk_work_orders_first_contact_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_work_orders_team_id_teams")
        ),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name=op.f("fk_work_orders_technician_id_technicians"),
        ),
        sa.ForeignKeyConstraint(
            ["type_code"],
            ["work_order_types.code"],
            name=op.f("fk_work_orders_type_code_work_order_types"),
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["service_zones.id"], name=op.f("fk_work_orders_zone_id_service_zones")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_work_orders_number")),
    )
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_orders_caller_phone"), ["caller_phone"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_orders_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_work_orders_deadline_at"), ["deadline_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_orders_team_id"), ["team_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_work_orders_technician_id"), ["technician_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_work_orders_type_code"), ["type_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_work_orders_zone_id"), ["zone_id"], unique=False)

    op.create_table(
        "work_order_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=60), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("server_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("device_time", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "position",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_work_order_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_orders.id"],
            name=op.f("fk_work_order_events_work_order_id_work_orders"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_events")),
    )
    with op.batch_alter_table("work_order_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_order_events_work_order_id"), ["work_order_id"], unique=False
        )

    # ### end Alembic commands ###
    op.create_foreign_key("fk_teams_lead_user_id_users", "teams", "users", ["lead_user_id"], ["id"])
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(
        "CREATE TRIGGER work_order_events_append_only BEFORE UPDATE OR DELETE "
        "ON work_order_events FOR EACH ROW EXECUTE FUNCTION tapline_append_only()"
    )
    skills = sa.table("skills", sa.column("code"), sa.column("name"))
    op.bulk_insert(skills, [{"code": c, "name": n} for c, n in SKILLS])
    types = sa.table(
        "work_order_types",
        *(
            sa.column(c)
            for c in (
                "code",
                "name_zh",
                "name_en",
                "skill_code",
                "is_emergency",
                "deadline_working_days",
                "response_minutes",
                "auto_assign",
                "active",
            )
        ),
    )
    op.bulk_insert(
        types,
        [
            dict(
                zip(
                    (
                        "code",
                        "name_zh",
                        "name_en",
                        "skill_code",
                        "is_emergency",
                        "deadline_working_days",
                        "response_minutes",
                        "auto_assign",
                    ),
                    row,
                ),
                active=True,
            )
            for row in WORK_ORDER_TYPES
        ],
    )


def downgrade():
    op.drop_constraint("fk_teams_lead_user_id_users", "teams", type_="foreignkey")
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table("work_order_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_order_events_work_order_id"))

    op.drop_table("work_order_events")
    with op.batch_alter_table("work_orders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_orders_zone_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_type_code"))
        batch_op.drop_index(batch_op.f("ix_work_orders_technician_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_team_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_status"))
        batch_op.drop_index(batch_op.f("ix_work_orders_deadline_at"))
        batch_op.drop_index(batch_op.f("ix_work_orders_customer_id"))
        batch_op.drop_index(batch_op.f("ix_work_orders_created_at"))
        batch_op.drop_index(batch_op.f("ix_work_orders_caller_phone"))

    op.drop_table("work_orders")
    op.drop_table("technician_skills")
    with op.batch_alter_table("technicians", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_technicians_team_id"))

    op.drop_table("technicians")
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notifications_recipient_id"))

    op.drop_table("notifications")
    op.drop_table("calendar_years")
    op.drop_table("work_order_types")
    op.drop_table("users")
    op.drop_table("service_zones")
    with op.batch_alter_table("meters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meters_customer_id"))

    op.drop_table("meters")
    op.drop_table("working_days")
    op.drop_table("teams")
    op.drop_table("skills")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_outbox_messages_unsent", postgresql_where=sa.text("sent_at IS NULL")
        )

    op.drop_table("outbox_messages")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_attempts_username"))
        batch_op.drop_index(batch_op.f("ix_login_attempts_at"))

    op.drop_table("login_attempts")
    op.drop_table("daily_sequences")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_customers_phone"))

    op.drop_table("customers")
    # ### end Alembic commands ###
    op.execute("DROP FUNCTION IF EXISTS tapline_append_only() CASCADE")
    for enum in (
        "work_order_status",
        "work_order_channel",
        "property_side",
        "sla_state",
        "technician_status",
        "user_role",
    ):
        op.execute(f"DROP TYPE IF EXISTS {enum}")
