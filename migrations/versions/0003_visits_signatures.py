"""visits_signatures: the visit record, photos, violation reports, satisfaction forms,
idempotency keys, meter-damage records and the append-only signatures.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

APPEND_ONLY = ("damage_records", "signatures")


def _point():
    return Geometry(
        geometry_type="POINT",
        srid=4326,
        dimension=2,
        spatial_index=False,
        from_text="ST_GeomFromEWKT",
        name="geometry",
    )


def _tz():
    return sa.DateTime(timezone=True)


def _jsonb():
    return postgresql.JSONB(astext_type=sa.Text())


def _order_fk(table):
    return sa.ForeignKeyConstraint(
        ["work_order_id"], ["work_orders.id"], name=f"fk_{table}_work_order_id_work_orders"
    )


def _user_fk(table, column):
    return sa.ForeignKeyConstraint([column], ["users.id"], name=f"fk_{table}_{column}_users")


def upgrade():
    op.create_table(
        "visits",
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("arrived_at", _tz(), nullable=True),
        sa.Column("arrival_device_time", _tz(), nullable=True),
        sa.Column("arrival_position", _point(), nullable=True),
        sa.Column("arrival_accuracy_m", sa.Double(), nullable=True),
        sa.Column("arrival_distance_m", sa.Double(), nullable=True),
        sa.Column("arrival_flagged", sa.Boolean(), nullable=False),
        sa.Column("checklist", _jsonb(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("parts", _jsonb(), nullable=False),
        sa.Column("meter_replacement", _jsonb(), nullable=True),
        sa.Column("customer_verified_at", _tz(), nullable=True),
        sa.Column("updated_at", _tz(), nullable=False),
        _order_fk("visits"),
        sa.PrimaryKeyConstraint("work_order_id", name="pk_visits"),
    )
    op.create_index("ix_visits_arrival_flagged", "visits", ["arrival_flagged"])
    op.create_table(
        "photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("content_type", sa.String(20), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(20), nullable=False),
        sa.Column("caption", sa.String(200), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("device_time", _tz(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        _order_fk("photos"),
        _user_fk("photos", "uploaded_by_id"),
        sa.PrimaryKeyConstraint("id", name="pk_photos"),
    )
    op.create_index("ix_photos_work_order_id", "photos", ["work_order_id"])
    op.create_table(
        "violation_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("photo_ids", _jsonb(), nullable=False),
        sa.Column("customer_aggressive", sa.Boolean(), nullable=False),
        sa.Column("referred_team_id", sa.Integer(), nullable=True),
        sa.Column("position", _point(), nullable=True),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("device_time", _tz(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", _tz(), nullable=False),
        _order_fk("violation_reports"),
        _user_fk("violation_reports", "created_by_id"),
        sa.ForeignKeyConstraint(
            ["referred_team_id"], ["teams.id"], name="fk_violation_reports_referred_team_id_teams"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_violation_reports"),
    )
    op.create_index("ix_violation_reports_work_order_id", "violation_reports", ["work_order_id"])
    _satisfaction_forms()
    _idempotency_keys()
    _damage_records()
    _signatures()
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tapline_append_only()"
        )


def _satisfaction_forms():
    scores = ("overall", "timeliness", "attitude", "professionalism")
    op.create_table(
        "satisfaction_forms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.SmallInteger(), nullable=False) for name in scores),
        sa.Column("site_clean", sa.Boolean(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("suggestions", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("token_jti", sa.String(64), nullable=True),
        sa.Column("device_time", _tz(), nullable=True),
        sa.Column("submitted_at", _tz(), nullable=False),
        *(
            sa.CheckConstraint(
                f"{name} BETWEEN 1 AND 5", name=f"ck_satisfaction_forms_{name}_1_to_5"
            )
            for name in scores
        ),
        _order_fk("satisfaction_forms"),
        _user_fk("satisfaction_forms", "submitted_by_id"),
        sa.ForeignKeyConstraint(
            ["technician_id"],
            ["technicians.id"],
            name="fk_satisfaction_forms_technician_id_technicians",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name="fk_satisfaction_forms_team_id_teams"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_satisfaction_forms"),
        sa.UniqueConstraint("work_order_id", name="uq_satisfaction_forms_work_order_id"),
    )
    for column in ("technician_id", "team_id", "submitted_at"):
        op.create_index(f"ix_satisfaction_forms_{column}", "satisfaction_forms", [column])


def _idempotency_keys():
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("method", sa.String(10), nullable=False),
        sa.Column("path", sa.String(255), nullable=False),
        sa.Column("body_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("response_body", _jsonb(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        sa.Column("completed_at", _tz(), nullable=True),
        _user_fk("idempotency_keys", "user_id"),
        sa.PrimaryKeyConstraint("id", name="pk_idempotency_keys"),
        sa.UniqueConstraint("user_id", "key", name="uq_idempotency_keys_user_key"),
    )
    op.create_index("ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"])


def _damage_records():
    op.create_table(
        "damage_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("meter_number", sa.String(40), nullable=False),
        sa.Column("damaged_parts", _jsonb(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("charge_item", sa.String(100), nullable=True),
        sa.Column("charge_amount", sa.Numeric(10, 2), nullable=True),
        sa.Column("photo_ids", _jsonb(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("device_time", _tz(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        _order_fk("damage_records"),
        _user_fk("damage_records", "created_by_id"),
        sa.PrimaryKeyConstraint("id", name="pk_damage_records"),
    )
    op.create_index("ix_damage_records_work_order_id", "damage_records", ["work_order_id"])


def _signatures():
    op.create_table(
        "signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("damage_record_id", sa.Integer(), nullable=False),
        sa.Column("document_kind", sa.String(40), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("document_sha256", sa.String(64), nullable=False),
        sa.Column("previous_sha256", sa.String(64), nullable=True),
        sa.Column("server_signature", sa.String(100), nullable=False),
        sa.Column("key_id", sa.String(16), nullable=False),
        sa.Column("png_sha256", sa.String(64), nullable=False),
        sa.Column("strokes_sha256", sa.String(64), nullable=False),
        sa.Column("signer_name", sa.String(100), nullable=False),
        sa.Column("signer_relation", sa.String(20), nullable=False),
        sa.Column("signed_on_user_id", sa.Integer(), nullable=False),
        sa.Column("device_time", _tz(), nullable=True),
        sa.Column("position", _point(), nullable=True),
        sa.Column("accuracy_m", sa.Double(), nullable=True),
        sa.Column("created_at", _tz(), nullable=False),
        _order_fk("signatures"),
        _user_fk("signatures", "signed_on_user_id"),
        sa.ForeignKeyConstraint(
            ["damage_record_id"],
            ["damage_records.id"],
            name="fk_signatures_damage_record_id_damage_records",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_signatures"),
        sa.UniqueConstraint("damage_record_id", name="uq_signatures_damage_record_id"),
        sa.UniqueConstraint("document_sha256", name="uq_signatures_document_sha256"),
    )
    op.create_index("ix_signatures_work_order_id", "signatures", ["work_order_id"])


def downgrade():
    for table in (
        *reversed(APPEND_ONLY),
        "idempotency_keys",
        "satisfaction_forms",
        "violation_reports",
        "photos",
        "visits",
    ):
        op.drop_table(table)
