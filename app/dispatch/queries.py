"""Spatial look-ups on PostGIS."""

import sqlalchemy as sa
from geoalchemy2.shape import to_shape

from app.database import point_wkt
from app.dispatch.models import ServiceZone
from app.extensions import db


def zone_for_point(lon, lat):
    """The service zone containing the point (GiST index), or None: the order is unrouted."""
    point = sa.func.ST_GeomFromEWKT(point_wkt(lon, lat))
    return db.session.scalar(
        sa.select(ServiceZone).where(sa.func.ST_Contains(ServiceZone.geom, point)).limit(1)
    )


def to_lonlat(geometry):
    if geometry is None:
        return None
    point = to_shape(geometry)
    return point.x, point.y
