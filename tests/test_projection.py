"""GCJ-02 against published conversions; tile maths against known tiles."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from map.projection import gcj02_to_wgs84, tile_bounds, tile_of, wgs84_to_gcj02

# (wgs lat, wgs lon, gcj lat, gcj lon), the reference vectors of the eviltransform project
KNOWN = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),  # Shanghai
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),  # Shenzhen
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),  # Beijing
]


@pytest.mark.parametrize(("wlat", "wlon", "glat", "glon"), KNOWN)
def test_wgs84_to_gcj02_matches_published_points(wlat, wlon, glat, glon) -> None:
    lon, lat = wgs84_to_gcj02(wlon, wlat)
    assert (float(lon), float(lat)) == pytest.approx((glon, glat), abs=1e-7)


def test_gcj02_to_wgs84_matches_published_point() -> None:
    lon, lat = gcj02_to_wgs84(123.0, 45.0)  # gcoord's test vector
    assert (float(lon), float(lat)) == pytest.approx((122.99395597, 44.99804071), abs=1e-6)


def test_outside_china_is_unchanged() -> None:
    assert tuple(map(float, wgs84_to_gcj02(2.35, 48.85))) == (2.35, 48.85)


@given(st.floats(73, 135), st.floats(4, 53))
def test_round_trip_within_a_centimetre(lon, lat) -> None:
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.allclose([back_lon, back_lat], [lon, lat], atol=1e-7)


def test_tiles() -> None:
    assert tile_of(122.2, 30.0, 12) == (3438, 1689)
    west, south, east, north = tile_bounds(3438, 1689, 12)
    assert west <= 122.2 <= east and south <= 30.0 <= north
    assert tile_bounds(0, 0, 0) == pytest.approx((-180, -85.0511287798, 180, 85.0511287798))
