"""Service zones as shapely polygons, prepared once so a point test costs microseconds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shapely
from shapely.geometry import Point, Polygon


class ServiceZones:
    """Named polygons (lon/lat rings); `zone_at` answers which zone serves a point, if any."""

    def __init__(self, rings: Mapping[str, Sequence[tuple[float, float]]]) -> None:
        self._zones = {name: Polygon(ring) for name, ring in rings.items()}
        for polygon in self._zones.values():
            shapely.prepare(polygon)

    def zone_at(self, lon: float, lat: float) -> str | None:
        point = Point(lon, lat)
        for name, polygon in self._zones.items():
            if polygon.covers(point):
                return name
        return None

    def rings(self) -> dict[str, list[tuple[float, float]]]:
        return {n: list(p.exterior.coords) for n, p in self._zones.items()}

    def __len__(self) -> int:
        return len(self._zones)
