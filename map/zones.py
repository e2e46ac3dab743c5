"""Service zones as shapely polygons, prepared once so a point test costs microseconds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import shapely
from shapely.geometry import Point, Polygon


class ServiceZones:
    """Named polygons of a kind (arterial, rural, holiday ...); a point may lie in several."""

    def __init__(self, zones: Mapping[str, tuple[str, Sequence[tuple[float, float]]]]) -> None:
        self._zones = [(name, kind, Polygon(ring)) for name, (kind, ring) in zones.items()]
        for _, _, polygon in self._zones:
            shapely.prepare(polygon)

    def zones_at(self, lon: float, lat: float) -> list[tuple[str, str]]:
        point = Point(lon, lat)
        return [(name, kind) for name, kind, polygon in self._zones if polygon.covers(point)]

    def __len__(self) -> int:
        return len(self._zones)
