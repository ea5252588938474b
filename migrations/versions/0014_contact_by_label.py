"""complaint_contacts.by_label: who made a contact, in the role they acted in.

Agents as well as department leads now log calls to the customer (R4.4), so a contact names
its caller as events name their actor, "<role>:<username>". Existing contacts were all logged
by department leads; they get their logger's role and username. The table is append-only
(a trigger refuses UPDATE), so the trigger is set aside for the one backfill.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TRIGGER = "complaint_contacts_append_only"


def upgrade():
    op.add_column("complaint_contacts", sa.Column("by_label", sa.String(100), nullable=True))
    op.execute(f"ALTER TABLE complaint_contacts DISABLE TRIGGER {TRIGGER}")
    op.execute(
        "UPDATE complaint_contacts SET by_label = users.role || ':' || users.username "
        "FROM users WHERE users.id = complaint_contacts.by_id"
    )
    op.execute(f"ALTER TABLE complaint_contacts ENABLE TRIGGER {TRIGGER}")
    op.alter_column("complaint_contacts", "by_label", nullable=False)


def downgrade():
    op.drop_column("complaint_contacts", "by_label")
