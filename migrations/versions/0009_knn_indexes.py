"""knn_indexes: per-team GiST indexes for the suggestion query's nearest-technician scans.

(team_id, position) with btree_gist, over the technicians not off duty: an ordered `<->`
scan reads about k entries of one team whatever the team's size; and (technician_id, status)
on work orders for each candidate's open load (issue 16).

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_technicians_team_knn_position": "last_position",
    "ix_technicians_team_knn_base": "base_point",
}


def upgrade():
    # btree_gist: equality on team_id inside a GiST index; a trusted extension since PG 13.
    op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, column in INDEXES.items():
        op.execute(
            f"CREATE INDEX {name} ON technicians USING gist (team_id, {column}) "
            "WHERE status <> 'off_duty'"
        )
    op.create_index("ix_work_orders_technician_status", "work_orders", ["technician_id", "status"])


def downgrade():
    op.drop_index("ix_work_orders_technician_status", table_name="work_orders")
    for name in INDEXES:
        op.execute(f"DROP INDEX {name}")
