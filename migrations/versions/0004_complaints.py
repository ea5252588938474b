"""complaints: intake, hand-off and handling clocks, GM approvals, follow-ups, bulletins.

Revision ID: 0004
Revises: 0003

History tables (events, contacts, approvals, documents, stored bulletins) are append-only;
complaints, replies, follow-ups and clocks may change but are never deleted (R4.8); a reply's
text never changes once written.
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "complaint_events",
    "complaint_contacts",
    "complaint_approvals",
    "complaint_documents",
    "complaint_bulletins",
)
NEVER_DELETED = ("complaints", "complaint_replies", "complaint_follow_ups", "complaint_clocks")
ENUMS = (
    "complaint_kind",
    "complaint_channel",
    "complaint_status",
    "complaint_clock_kind",
    "complaint_contact_kind",
    "complaint_document_kind",
    "complaint_reply_status",
    "complaint_approval_decision",
)

REPLY_BODY_FROZEN = """
CREATE OR REPLACE FUNCTION complaint_reply_body_frozen() RETURNS trigger AS $$
BEGIN
    IF NEW.body IS DISTINCT FROM OLD.body OR NEW.body_sha256 IS DISTINCT FROM OLD.body_sha256 THEN
        RAISE EXCEPTION 'a complaint reply''s text never changes; draft a new reply'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table(
        "complaint_bulletins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("iso_year", sa.Integer(), nullable=False),
        sa.Column("iso_week", sa.Integer(), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("produced_by", sa.String(length=100), nullable=False),
        sa.Column("data", JSONB(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["teams.id"], name="fk_complaint_bulletins_department_id_teams"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_bulletins"),
        sa.UniqueConstraint(
            "department_id", "iso_year", "iso_week", name="uq_complaint_bulletins_department_id"
        ),
    )
    op.create_table(
        "complaint_duty_shifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_complaint_duty_shifts_user_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_duty_shifts"),
        sa.UniqueConstraint("day", "user_id", name="uq_complaint_duty_shifts_day"),
    )
    op.create_index("ix_complaint_duty_shifts_day", "complaint_duty_shifts", ["day"])

    op.create_table(
        "complaint_recipients",
        sa.Column("department_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["department_id"], ["teams.id"], name="fk_complaint_recipients_department_id_teams"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_complaint_recipients_user_id_users"
        ),
        sa.PrimaryKeyConstraint("department_id", "user_id", name="pk_complaint_recipients"),
    )
    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("water_quality", "service_quality", "proposal", name="complaint_kind"),
            nullable=False,
        ),
        sa.Column(
            "channel",
            sa.Enum(
                "hotline",
                "walk_in",
                "letter",
                "web",
                "gov_hotline",
                "media",
                name="complaint_channel",
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "pending_handoff", "in_progress", "resolved", "closed", name="complaint_status"
            ),
            nullable=False,
        ),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("caller_name", sa.String(length=100), nullable=False),
        sa.Column("caller_phone", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=255), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("customer_request", sa.Text(), nullable=False),
        sa.Column("justified", sa.Boolean(), nullable=True),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("sensitive", sa.Boolean(), nullable=False),
        sa.Column("sensitive_reason", sa.Text(), nullable=True),
        sa.Column("department_id", sa.Integer(), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by_id", sa.Integer(), nullable=False),
        sa.Column("received_on_non_working_day", sa.Boolean(), nullable=False),
        sa.Column("handoff_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handoff_rule", sa.String(length=200), nullable=True),
        sa.Column("calendar_unconfirmed", sa.Boolean(), nullable=False),
        sa.Column("handed_off_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handed_off_by_id", sa.Integer(), nullable=True),
        sa.Column("resolution_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extended_by_id", sa.Integer(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at_intake", sa.Boolean(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_complaints_customer_id_customers"
        ),
        sa.ForeignKeyConstraint(
            ["department_id"], ["teams.id"], name="fk_complaints_department_id_teams"
        ),
        sa.ForeignKeyConstraint(
            ["extended_by_id"], ["users.id"], name="fk_complaints_extended_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["handed_off_by_id"], ["users.id"], name="fk_complaints_handed_off_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["received_by_id"], ["users.id"], name="fk_complaints_received_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name="fk_complaints_work_order_id_work_orders"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaints"),
        sa.UniqueConstraint("number", name="uq_complaints_number"),
        sa.UniqueConstraint("work_order_id", name="uq_complaints_work_order_id"),
    )
    op.create_index("ix_complaints_customer_id", "complaints", ["customer_id"])
    op.create_index("ix_complaints_department_id", "complaints", ["department_id"])
    op.create_index("ix_complaints_received_at", "complaints", ["received_at"])
    op.create_index("ix_complaints_sensitive", "complaints", ["sensitive"])
    op.create_index("ix_complaints_status", "complaints", ["status"])

    op.create_table(
        "complaint_clocks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "handoff", "resolution", "progress_call", "follow_up", name="complaint_clock_kind"
            ),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warn_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("warned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("breached_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop_reason", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name="fk_complaint_clocks_complaint_id_complaints"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_clocks"),
    )
    op.create_index("ix_complaint_clocks_complaint_id", "complaint_clocks", ["complaint_id"])
    op.create_index(
        "uq_complaint_clocks_running",
        "complaint_clocks",
        ["complaint_id", "kind"],
        unique=True,
        postgresql_where=sa.text("stopped_at IS NULL"),
    )

    op.create_table(
        "complaint_contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "call_out",
                "call_in",
                "visit",
                "sms",
                "progress_call",
                "other",
                name="complaint_contact_kind",
            ),
            nullable=False,
        ),
        sa.Column("contacted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["by_id"], ["users.id"], name="fk_complaint_contacts_by_id_users"),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name="fk_complaint_contacts_complaint_id_complaints",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_contacts"),
    )
    op.create_index("ix_complaint_contacts_complaint_id", "complaint_contacts", ["complaint_id"])

    op.create_table(
        "complaint_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("record", "attachment", "reply", name="complaint_document_kind"),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=255), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name="fk_complaint_documents_complaint_id_complaints",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name="fk_complaint_documents_created_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_documents"),
    )
    op.create_index("ix_complaint_documents_complaint_id", "complaint_documents", ["complaint_id"])

    op.create_table(
        "complaint_events",
        sa.Column("id", sa.BigInteger(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("payload", JSONB(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name="fk_complaint_events_actor_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name="fk_complaint_events_complaint_id_complaints"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_events"),
    )
    op.create_index("ix_complaint_events_complaint_id", "complaint_events", ["complaint_id"])

    op.create_table(
        "complaint_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("feedback", sa.Text(), nullable=True),
        sa.Column("final_result", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name="fk_complaint_follow_ups_complaint_id_complaints",
        ),
        sa.ForeignKeyConstraint(
            ["done_by_id"], ["users.id"], name="fk_complaint_follow_ups_done_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_follow_ups"),
    )
    op.create_index(
        "ix_complaint_follow_ups_complaint_id", "complaint_follow_ups", ["complaint_id"]
    )
    op.create_index("ix_complaint_follow_ups_done_at", "complaint_follow_ups", ["done_at"])

    op.create_table(
        "complaint_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "submitted", "approved", "rejected", "sent", name="complaint_reply_status"
            ),
            nullable=False,
        ),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("drafted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("leader_in_charge_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("sent_via", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["complaint_id"], ["complaints.id"], name="fk_complaint_replies_complaint_id_complaints"
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["users.id"], name="fk_complaint_replies_drafted_by_id_users"
        ),
        sa.ForeignKeyConstraint(
            ["leader_in_charge_id"],
            ["users.id"],
            name="fk_complaint_replies_leader_in_charge_id_users",
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"], ["users.id"], name="fk_complaint_replies_sent_by_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_replies"),
    )
    op.create_index("ix_complaint_replies_complaint_id", "complaint_replies", ["complaint_id"])

    op.create_table(
        "complaint_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reply_id", sa.Integer(), nullable=False),
        sa.Column("complaint_id", sa.Integer(), nullable=False),
        sa.Column(
            "decision",
            sa.Enum("approved", "rejected", name="complaint_approval_decision"),
            nullable=False,
        ),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("body_sha256", sa.String(length=64), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("signer_id", sa.Integer(), nullable=False),
        sa.Column("signer_name", sa.String(length=100), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["complaint_id"],
            ["complaints.id"],
            name="fk_complaint_approvals_complaint_id_complaints",
        ),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["complaint_replies.id"],
            name="fk_complaint_approvals_reply_id_complaint_replies",
        ),
        sa.ForeignKeyConstraint(
            ["signer_id"], ["users.id"], name="fk_complaint_approvals_signer_id_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_complaint_approvals"),
    )
    op.create_index("ix_complaint_approvals_complaint_id", "complaint_approvals", ["complaint_id"])
    op.create_index("ix_complaint_approvals_reply_id", "complaint_approvals", ["reply_id"])
    _protect()


def _protect():
    for table in APPEND_ONLY:
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tapline_append_only()"
        )
    for table in NEVER_DELETED:
        op.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION tapline_append_only()"
        )
    op.execute(REPLY_BODY_FROZEN)
    op.execute(
        "CREATE TRIGGER complaint_replies_body_frozen BEFORE UPDATE ON complaint_replies "
        "FOR EACH ROW EXECUTE FUNCTION complaint_reply_body_frozen()"
    )


def downgrade():
    for table in (
        "complaint_approvals",
        "complaint_replies",
        "complaint_follow_ups",
        "complaint_events",
        "complaint_documents",
        "complaint_contacts",
        "complaint_clocks",
        "complaints",
        "complaint_recipients",
        "complaint_duty_shifts",
        "complaint_bulletins",
    ):
        op.drop_table(table)
    op.execute("DROP FUNCTION IF EXISTS complaint_reply_body_frozen()")
    for name in ENUMS:
        op.execute(f"DROP TYPE IF EXISTS {name}")
