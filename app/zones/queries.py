"""Spatial look-ups on PostGIS: the zone of a point, and neighbouring teams."""

import sqlalchemy as sa

from app.database import point_wkt
from app.extensions import db
from app.zones.models import ServiceZone, Team


def zone_for_point(lon, lat):
    """The service zone containing the point (GiST index), or None: the order is unrouted."""
    point = sa.func.ST_GeomFromEWKT(point_wkt(lon, lat))
    return db.session.scalar(
        sa.select(ServiceZone).where(sa.func.ST_Contains(ServiceZone.geom, point)).limit(1)
    )


def neighbour_team_ids(zone_id, team_id, metres):
    """Teams owning a zone that touches (or lies within `metres` of) the order's zone."""
    other = sa.orm.aliased(ServiceZone)
    stmt = (
        sa.select(other.team_id)
        .distinct()
        .join(ServiceZone, ServiceZone.id == zone_id)
        .where(other.team_id != team_id)
        .where(
            sa.func.ST_DWithin(
                sa.cast(other.geom, _Geography), sa.cast(ServiceZone.geom, _Geography), metres
            )
        )
    )
    return list(db.session.scalars(stmt))


def field_team_ids():
    return list(db.session.scalars(sa.select(Team.id).where(Team.kind == "field")))


class _Geography(sa.types.UserDefinedType):
    cache_ok = True

    def get_col_spec(self):
        return "geography"
