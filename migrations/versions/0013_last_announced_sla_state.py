"""work_orders.sla_state becomes last_announced_sla_state: what the SLA watch last announced.

The API's sla_state is computed from the deadline on every read (app/workorders/deadlines.py);
the stored column only remembers which state the watch has announced, so that it announces
each change once. The column is renamed to say so; its values and type stay.

Revision ID: 0013
Revises: 0012
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("work_orders", "sla_state", new_column_name="last_announced_sla_state")


def downgrade():
    op.alter_column("work_orders", "last_announced_sla_state", new_column_name="sla_state")
