"""Points on the wire and in PostGIS: (lon, lat) out, WGS-84 (SRID 4326) throughout.

(EWKT in is `app.database.point_wkt`, beside the column types.)
"""

import shapely.wkt
from geoalchemy2.shape import to_shape


def to_lonlat(geometry):
    """(lon, lat) of a stored point, or of EWKT assigned but not yet flushed; None for None."""
    if geometry is None:
        return None
    if isinstance(geometry, str):  # assigned but not yet flushed: still our EWKT text
        point = shapely.wkt.loads(geometry.split(";", 1)[-1])
    else:
        point = to_shape(geometry)
    return point.x, point.y
