"""WGS-84, GCJ-02 and BD-09: the three datums coordinates come in from Chinese sources.

Positions in this project are WGS-84 (what GPS and the radios give). Chinese map providers and
phone apps publish GCJ-02, the obfuscated datum required by Chinese regulation (Amap, Tencent,
a phone's location API), or Baidu's BD-09, a further offset of GCJ-02; taken as WGS-84 they put
a place some hundreds of metres off. The forward formulas are the published ones; their
inverses have no closed form and are found by fixed-point iteration to about 1e-9°. Pure
numpy, so the map converts whole arrays and the core converts one slip's point alike.
"""

from __future__ import annotations

import math

import numpy as np

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formula uses
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0  # BD-09's own constant
DATUMS = ("wgs84", "gcj02", "bd09")


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


def gcj02_to_bd09(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    z = np.sqrt(x * x + y * y) + 0.00002 * np.sin(y * _X_PI)
    theta = np.arctan2(y, x) + 0.000003 * np.cos(x * _X_PI)
    return z * np.cos(theta) + 0.0065, z * np.sin(theta) + 0.006


def _invert(forward, lon, lat, iterations: int) -> tuple[np.ndarray, np.ndarray]:
    """The point p with forward(p) = (lon, lat): each step moves p by the residual (both
    offsets change slowly, so this converges in a few steps)."""
    t_lon, t_lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
    p_lon, p_lat = t_lon.copy(), t_lat.copy()
    for _ in range(iterations):
        f_lon, f_lat = forward(p_lon, p_lat)
        p_lon, p_lat = p_lon - (f_lon - t_lon), p_lat - (f_lat - t_lat)
    return p_lon, p_lat


def gcj02_to_wgs84(lon, lat, iterations: int = 8) -> tuple[np.ndarray, np.ndarray]:
    return _invert(wgs84_to_gcj02, lon, lat, iterations)


def bd09_to_gcj02(lon, lat, iterations: int = 8) -> tuple[np.ndarray, np.ndarray]:
    return _invert(gcj02_to_bd09, lon, lat, iterations)


def to_wgs84(lon: float, lat: float, datum: str) -> tuple[float, float]:
    """One point from `datum` (one of DATUMS) to WGS-84."""
    if datum == "bd09":
        lon, lat = bd09_to_gcj02(lon, lat)
    if datum in ("gcj02", "bd09"):
        lon, lat = gcj02_to_wgs84(lon, lat)
    elif datum != "wgs84":
        raise ValueError(f"unknown datum {datum!r}; known: {', '.join(DATUMS)}")
    return float(lon), float(lat)
