"""The declarative base, with a naming convention so Alembic names constraints stably."""

import time
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def utcnow():
    return datetime.now(UTC)


def ping_when_idle(engine, idle_seconds):
    """Pessimistic disconnect handling only where it pays (SQLAlchemy's "custom" recipe):
    a pooled connection idle for `idle_seconds` or more is pinged at checkout and replaced if
    dead (a server restart or an idle timeout ended it); one used moments ago goes straight
    to work, saving a round trip per request. Should the server have gone away in between,
    the first statement fails, the pool drops every connection older than that, and a
    read-only request is run again (app.extensions)."""

    @sa.event.listens_for(engine, "checkin")
    def _checked_in(dbapi_connection, record):
        record.info["idle_since"] = time.monotonic()

    @sa.event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection, record, proxy):
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise sa.exc.DisconnectionError() from exc


def point_wkt(lon, lat):
    """EWKT for a WGS-84 (city frame) point, as GeoAlchemy2 accepts it."""
    return f"SRID=4326;POINT({lon} {lat})"


# What Alembic's autogenerate must leave alone: PostGIS's own tables, and the trigram
# expression indexes of migration 0005, which it cannot compare (so it would drop them).
POSTGIS_TABLES = {"spatial_ref_sys", "topology", "layer"}


def alembic_include_object(obj, name, type_, reflected, compare_to):
    from geoalchemy2 import alembic_helpers

    if type_ == "table" and name in POSTGIS_TABLES:
        return False
    if type_ == "index" and name and name.endswith("_trgm"):
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)
