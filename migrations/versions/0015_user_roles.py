"""users.roles: a person may hold several roles (a department lead who also takes hotline calls).

`users.role` (one role) becomes `users.roles`, an array of the same `user_role` enum holding at
least one role; every existing user keeps exactly the role they had. Nothing else needs one
primary role: each page and endpoint asks whether a person holds a role, and a request acts in
the widest role the endpoint accepts (app.auth.permissions).

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

ROLE = postgresql.ENUM(name="user_role", create_type=False)


def upgrade():
    op.add_column("users", sa.Column("roles", postgresql.ARRAY(ROLE), nullable=True))
    op.execute("UPDATE users SET roles = ARRAY[role]")
    op.alter_column("users", "roles", nullable=False)
    op.create_check_constraint(op.f("ck_users_holds_a_role"), "users", "cardinality(roles) >= 1")
    op.drop_column("users", "role")


def downgrade():
    """Back to one role each: the widest a person holds (as app.auth.roles.WIDEST_FIRST)."""
    op.add_column("users", sa.Column("role", ROLE, nullable=True))
    op.execute(
        "UPDATE users SET role = (SELECT t.r FROM unnest(ARRAY['admin', 'general_manager', "
        "'dispatcher', 'hotline_agent', 'department_lead', 'technician']::user_role[]) "
        "WITH ORDINALITY AS t(r, n) WHERE t.r = ANY(roles) ORDER BY t.n LIMIT 1)"
    )
    op.alter_column("users", "role", nullable=False)
    op.drop_constraint(op.f("ck_users_holds_a_role"), "users", type_="check")
    op.drop_column("users", "roles")
