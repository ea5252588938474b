"""office figures: a partial index on the work-order events that mean a second visit.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_work_order_events_revisits",
        "work_order_events",
        ["work_order_id"],
        postgresql_where="kind IN ('reschedule', 'unassign')",
    )


def downgrade():
    op.drop_index("ix_work_order_events_revisits", table_name="work_order_events")
