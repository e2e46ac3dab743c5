"""Coordinates for tiles: Web Mercator tile maths, and WGS-84 ↔ GCJ-02.

Positions in this project are WGS-84 (what GPS and 110 give). Chinese map providers publish
tiles in GCJ-02, the obfuscated datum required by Chinese regulation; drawing WGS-84 points on
them puts every marker some hundreds of metres off. So a tile source declares its datum and the
map converts the overlays (not the tiles) when the basemap is GCJ-02. The conversion is the
published GCJ-02 formula; the inverse is found by fixed-point iteration to about 1e-7°.
"""

from __future__ import annotations

import math

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses
_EE = 0.00669342162296594323


def _outside_china(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    return (lon < 72.004) | (lon > 137.8347) | (lat < 0.8293) | (lat > 55.8271)


def _offsets(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x, y = lon - 105.0, lat - 35.0
    common = (20 * np.sin(6 * x * math.pi) + 20 * np.sin(2 * x * math.pi)) * 2 / 3
    dlat = (-100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
            + common + (20 * np.sin(y * math.pi) + 40 * np.sin(y / 3 * math.pi)) * 2 / 3
            + (160 * np.sin(y / 12 * math.pi) + 320 * np.sin(y * math.pi / 30)) * 2 / 3)
    dlon = (300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
            + common + (20 * np.sin(x * math.pi) + 40 * np.sin(x / 3 * math.pi)) * 2 / 3
            + (150 * np.sin(x / 12 * math.pi) + 300 * np.sin(x / 30 * math.pi)) * 2 / 3)
    rad = lat / 180 * math.pi
    magic = 1 - _EE * np.sin(rad) ** 2
    dlat = dlat * 180 / ((_A * (1 - _EE)) / (magic * np.sqrt(magic)) * math.pi)
    dlon = dlon * 180 / (_A / np.sqrt(magic) * np.cos(rad) * math.pi)
    outside = _outside_china(lon, lat)
    return np.where(outside, 0.0, dlon), np.where(outside, 0.0, dlat)


def wgs84_to_gcj02(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    dlon, dlat = _offsets(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon, lat, iterations: int = 8) -> tuple[np.ndarray, np.ndarray]:
    """Invert by fixed point: find w with wgs84_to_gcj02(w) = g (converges in a few steps)."""
    g_lon, g_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(iterations):
        t_lon, t_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon, w_lat = w_lon - (t_lon - g_lon), w_lat - (t_lat - g_lat)
    return w_lon, w_lat


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
