"""Coordinates for tiles: Web Mercator tile maths, and WGS-84 ↔ GCJ-02.

Positions in this project are WGS-84 (what GPS and 110 give). Chinese map providers publish
tiles in GCJ-02, the obfuscated datum required by Chinese regulation; drawing WGS-84 points on
them puts every marker some hundreds of metres off. So a tile source declares its datum and the
map converts the overlays (not the tiles) when the basemap is GCJ-02. The conversion is the
published GCJ-02 formula (dispatch.datums, which also serves the 110 slips' datums); the
inverse is found by fixed-point iteration to about 1e-7°.
"""

from __future__ import annotations

import math

from dispatch.datums import gcj02_to_wgs84, wgs84_to_gcj02

__all__ = ["gcj02_to_wgs84", "tile_bounds", "tile_of", "wgs84_to_gcj02"]


def tile_of(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ (slippy map) tile containing the point."""
    n = 2 ** zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_bounds(x: int, y: int, zoom: int) -> tuple[float, float, float, float]:
    """(west, south, east, north) in degrees of XYZ tile x, y."""
    n = 2 ** zoom

    def lat_of(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat_of(y + 1), (x + 1) / n * 360 - 180, lat_of(y)
