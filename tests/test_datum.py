"""A 110 slip in GCJ-02 or BD-09 is converted to WGS-84, checked against published pairs.

Independent pairs: the eviltransform project's WGS-84/GCJ-02 reference vectors; the
coordtransform project's README results for (116.404, 39.915) (Baidu's default map centre),
repeated as test vectors by hutool and others; and the Beijing railway station as Amap (GCJ-02)
and Baidu (BD-09) place it. coordtransform inverts with a one-step approximation where this code
iterates to the exact inverse, so its inverse results are met to ~5 cm, not to the last digit.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.alerts import SlipRejected, decode_slip, parse_alert_slip
from dispatch.config import ZHOUSHAN, Region
from dispatch.datums import bd09_to_gcj02, gcj02_to_bd09, to_wgs84, wgs84_to_gcj02
from tests.test_dispatch_core import SLIP

BEIJING = Region("北京", 116.0, 39.6, 116.8, 40.2)
SHANGHAI = Region("上海", 121.0, 30.7, 122.0, 31.5)
FIVE_CM = 5e-7  # degrees
CHAIN = 3e-6  # about 30 cm: BD-09 → WGS-84 through coordtransform's approximate inverses


def test_gcj02_to_bd09_matches_coordtransform() -> None:
    lon, lat = gcj02_to_bd09(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.41036949371029, 39.92133699351021),
                                                     abs=1e-12)


def test_bd09_to_gcj02_matches_coordtransform() -> None:
    lon, lat = bd09_to_gcj02(116.404, 39.915)
    assert (float(lon), float(lat)) == pytest.approx((116.39762729119315, 39.90865673957631),
                                                     abs=FIVE_CM)


def test_bd09_to_wgs84_matches_coordtransform_chain() -> None:
    """coordtransform's one-step GCJ-02 inverse is about 25 cm off here; this one iterates."""
    assert to_wgs84(116.404, 39.915, "bd09") == pytest.approx(
        (116.3913836995125, 39.907253214522164), abs=CHAIN)


def test_beijing_railway_station_as_amap_and_baidu_place_it() -> None:
    """Published to five decimals (about a metre)."""
    lon, lat = bd09_to_gcj02(116.43351, 39.90851)
    assert (float(lon), float(lat)) == pytest.approx((116.42703, 39.90245), abs=1e-5)


@given(st.floats(73, 135), st.floats(4, 53))
def test_bd09_round_trip_within_a_millimetre(lon, lat) -> None:
    back = to_wgs84(*map(float, gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))), "bd09")
    assert back == pytest.approx((lon, lat), abs=1e-8)


def slip(location: dict) -> dict:
    return {**SLIP, "location": {**SLIP["location"], **location}}


def test_a_gcj02_slip_lands_on_its_wgs84_point() -> None:
    """eviltransform's Shanghai vector: WGS-84 (31.1774276, 121.5272106) is GCJ-02
    (31.17530398364597, 121.531541859215)."""
    parsed = parse_alert_slip(slip({"lon": 121.531541859215, "lat": 31.17530398364597,
                                    "datum": "gcj02"}), SHANGHAI)
    assert (parsed.lon, parsed.lat) == pytest.approx((121.5272106, 31.1774276), abs=1e-7)
    assert parsed.to_payload()["location"]["as_sent"] == {
        "datum": "gcj02", "lon": 121.531541859215, "lat": 31.17530398364597}


def test_a_bd09_slip_lands_on_its_wgs84_point() -> None:
    parsed = parse_alert_slip(slip({"lon": 116.404, "lat": 39.915, "datum": "bd09"}), BEIJING)
    assert (parsed.lon, parsed.lat) == pytest.approx((116.3913836995125, 39.907253214522164),
                                                     abs=CHAIN)


def test_a_wgs84_slip_is_kept_as_it_is_and_the_payload_unchanged() -> None:
    for location in ({}, {"datum": "wgs84"}, {"datum": None}):
        parsed = parse_alert_slip(slip(location), ZHOUSHAN)
        assert (parsed.lon, parsed.lat) == (SLIP["location"]["lon"], SLIP["location"]["lat"])
        assert "as_sent" not in parsed.to_payload()["location"]


@pytest.mark.parametrize(("datum", "reason"), [
    ("WGS-84", "field 'location.datum' must be one of wgs84, gcj02, bd09, got 'WGS-84'"),
    (3, "field 'location.datum' must be a string, got a number"),
])
def test_an_unknown_datum_is_refused_with_the_reason(datum, reason) -> None:
    with pytest.raises(SlipRejected, match="^" + reason.replace("(", r"\(") + "$"):
        parse_alert_slip(decode_slip(json.dumps(slip({"datum": datum}))), ZHOUSHAN)


def test_the_region_is_checked_after_conversion() -> None:
    """A GCJ-02 point ~480 m east of WGS-84: inside the box only once converted."""
    wgs_lon, wgs_lat = 122.3990, 30.0
    gcj_lon, gcj_lat = (float(v) for v in wgs84_to_gcj02(wgs_lon, wgs_lat))
    edge = Region("edge", 122.0, 29.9, 122.4, 30.1)
    assert not edge.contains(gcj_lon, gcj_lat)
    parsed = parse_alert_slip(slip({"lon": gcj_lon, "lat": gcj_lat, "datum": "gcj02"}), edge)
    assert (parsed.lon, parsed.lat) == pytest.approx((wgs_lon, wgs_lat), abs=1e-8)
