"""The one Alembic history creates exactly what the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.database import alembic_include_object
from app.extensions import db


def test_models_and_migrations_agree():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": alembic_include_object})
        assert compare_metadata(context, db.metadata) == []
