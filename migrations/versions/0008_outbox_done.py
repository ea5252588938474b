"""outbox: the RQ job id of a sent row, when its job committed, how often it was re-driven.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("outbox_messages", sa.Column("job_id", sa.String(length=80), nullable=True))
    op.add_column(
        "outbox_messages", sa.Column("done_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        "outbox_messages",
        sa.Column("redriven", sa.Integer(), server_default="0", nullable=False),
    )
    # Rows sent before this revision: whether their job ran is unknown. The domain sweeps
    # cover offers and complaint clocks; an order still `new` with no routing decision is
    # left open, so the reconciliation sweep routes it (routing is idempotent).
    op.execute(
        """
        UPDATE outbox_messages AS m SET done_at = m.sent_at
        WHERE m.sent_at IS NOT NULL
          AND NOT (
            m.job = 'app.dispatch.jobs.route_order'
            AND EXISTS (
              SELECT 1 FROM work_orders AS w
              WHERE w.id = (m.args ->> 0)::int AND w.status = 'new'
                AND NOT EXISTS (
                  SELECT 1 FROM work_order_events AS e
                  WHERE e.work_order_id = w.id
                    AND e.kind IN ('awaiting_dispatcher', 'no_candidate', 'escalation_exhausted')
                )
            )
          )
        """
    )
    op.create_index(
        "ix_outbox_messages_open",
        "outbox_messages",
        ["job", "created_at"],
        postgresql_where=sa.text("done_at IS NULL"),
    )


def downgrade():
    op.drop_index(
        "ix_outbox_messages_open",
        table_name="outbox_messages",
        postgresql_where=sa.text("done_at IS NULL"),
    )
    op.drop_column("outbox_messages", "redriven")
    op.drop_column("outbox_messages", "done_at")
    op.drop_column("outbox_messages", "job_id")
