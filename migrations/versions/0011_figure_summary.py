"""figure summary: the management figures' per-day summary of work orders, the days it holds,
and the changes to summarised days that triggers record (app/office/summary.py).

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COUNTS = (
    "received",
    "completed",
    "on_time",
    "first_visit",
    "reschedules",
    "arrivals",
    "flagged",
    "answered",
    "overall",
    "timeliness",
    "attitude",
    "professionalism",
    "site_clean",
)
SECONDS = ("complete_s", "accept_s", "arrive_s")

# An order's cohort day is its local creation day. Today's rows are never summarised (the
# page computes them), so only changes to an earlier day need to be recorded.
MARK_FUNCTION = """
CREATE FUNCTION tapline_figure_mark(created timestamptz) RETURNS void AS $$
BEGIN
    IF created IS NOT NULL AND (created AT TIME ZONE 'Asia/Shanghai')::date
                               < (now() AT TIME ZONE 'Asia/Shanghai')::date THEN
        INSERT INTO order_figure_changes (day)
        VALUES ((created AT TIME ZONE 'Asia/Shanghai')::date);
    END IF;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION tapline_figure_order_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM tapline_figure_mark(OLD.created_at);
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR (NEW.created_at AT TIME ZONE 'Asia/Shanghai')::date
                              <> (OLD.created_at AT TIME ZONE 'Asia/Shanghai')::date) THEN
        PERFORM tapline_figure_mark(NEW.created_at);
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE FUNCTION tapline_figure_detail_changed() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM tapline_figure_mark(
            (SELECT created_at FROM work_orders WHERE id = OLD.work_order_id));
    END IF;
    IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.work_order_id <> OLD.work_order_id) THEN
        PERFORM tapline_figure_mark(
            (SELECT created_at FROM work_orders WHERE id = NEW.work_order_id));
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;
"""

# The columns the summary reads (app/office/summary.py ROWS): a change to any other column
# leaves the figures as they were and records nothing.
TRIGGERS = (
    (
        "work_orders",
        "INSERT OR DELETE OR UPDATE OF created_at, completed_at, deadline_at, accepted_at, "
        "team_id, zone_id, type_code, technician_id",
        "tapline_figure_order_changed",
        "",
    ),
    (
        "visits",
        "INSERT OR DELETE OR UPDATE OF work_order_id, arrived_at, arrival_flagged",
        "tapline_figure_detail_changed",
        "",
    ),
    (
        "satisfaction_forms",
        "INSERT OR DELETE OR UPDATE OF work_order_id, overall, timeliness, attitude, "
        "professionalism, site_clean",
        "tapline_figure_detail_changed",
        "",
    ),
    (
        "work_order_events",
        "INSERT",
        "tapline_figure_detail_changed",
        "WHEN (NEW.kind IN ('reschedule', 'unassign'))",
    ),
)


def upgrade():
    op.create_table(
        "order_figure_days",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("zone_id", sa.Integer(), nullable=True),
        sa.Column("type_code", sa.String(length=40), nullable=False),
        sa.Column("technician_id", sa.Integer(), nullable=True),
        *(sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS),
        *(sa.Column(name, postgresql.ARRAY(sa.Float()), nullable=False) for name in SECONDS),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_figure_days")),
    )
    op.create_index(op.f("ix_order_figure_days_day"), "order_figure_days", ["day"])
    op.create_table(
        "order_figure_summarised",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("summarised_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_order_figure_summarised")),
    )
    op.create_table(
        "order_figure_changes",
        sa.Column("id", sa.BigInteger(), sa.Identity(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_figure_changes")),
    )
    op.create_index(op.f("ix_order_figure_changes_day"), "order_figure_changes", ["day"])
    op.execute(MARK_FUNCTION)
    for table, events, function, when in TRIGGERS:
        op.execute(
            f"CREATE TRIGGER {table}_figures AFTER {events} ON {table} "
            f"FOR EACH ROW {when} EXECUTE FUNCTION {function}()"
        )


def downgrade():
    for table, *_ in TRIGGERS:
        op.execute(f"DROP TRIGGER {table}_figures ON {table}")
    for function in (
        "figure_order_changed()",
        "figure_detail_changed()",
        "figure_mark(timestamptz)",
    ):
        op.execute(f"DROP FUNCTION tapline_{function}")
    op.drop_table("order_figure_changes")
    op.drop_table("order_figure_summarised")
    op.drop_table("order_figure_days")
