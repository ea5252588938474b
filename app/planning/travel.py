"""Travel estimate without a road network: great-circle metres x a road factor, at a city speed.

Coordinates are the city frame (probably GCJ-02, see shared/data/README.md); over a county the
offset to WGS-84 is a near-constant shift, so distances between points are unaffected.
"""

from dataclasses import dataclass

import numpy as np

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class TravelModel:
    road_factor: float = 1.3  # streets are longer than the straight line
    speed_kmh: float = 25.0  # average city driving speed, stops included

    def describe(self):
        return (
            f"大圆距离 × 道路系数 {self.road_factor} ÷ {self.speed_kmh} km/h / great-circle "
            f"distance x road factor {self.road_factor} at {self.speed_kmh} km/h"
        )

    def matrices(self, points):
        """(metres, seconds) between every pair of (lon, lat) points, as uint32 arrays."""
        metres = self.road_factor * great_circle_matrix(points)
        seconds = metres / (self.speed_kmh / 3.6)
        return np.rint(metres).astype(np.uint32), np.rint(seconds).astype(np.uint32)


def great_circle_matrix(points):
    """Haversine distances in metres between every pair of (lon, lat) points."""
    coords = np.radians(np.asarray(points, dtype=float).reshape(-1, 2))
    lon, lat = coords[:, 0], coords[:, 1]
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
