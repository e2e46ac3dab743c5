"""A center's own scenario: service zones and duty posts drawn in a GIS tool, as GeoJSON."""

from __future__ import annotations

import json

import pytest

from map.zones import ServiceZones
from resources import scenario as scenarios


def write_scenario(tmp_path, zones: dict, posts: dict):
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    del doc["zones"], doc["posts"], doc["basemap"]
    for unit in doc["units"]:
        unit["post"] = "定海解放路岗"
    doc["zones_geojson"], doc["posts_geojson"] = "zones.geojson", "posts.geojson"
    (tmp_path / "zones.geojson").write_text(json.dumps(zones, ensure_ascii=False), "utf-8")
    (tmp_path / "posts.geojson").write_text(json.dumps(posts, ensure_ascii=False), "utf-8")
    path = tmp_path / "center.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return path


def square(lon: float, lat: float, size: float = 0.02) -> list:
    return [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size],
            [lon, lat]]


ZONES = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "解放路主干道", "kind": "arterial"},
     "geometry": {"type": "Polygon", "coordinates": [square(122.09, 30.01)]}},
    {"type": "Feature", "properties": {"name": "乡村道路", "kind": "rural"},
     "geometry": {"type": "MultiPolygon", "coordinates": [[square(122.15, 30.05)],
                                                           [square(122.25, 30.08)]]}},
]}
POSTS = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {"name": "定海解放路岗"},
     "geometry": {"type": "Point", "coordinates": [122.101, 30.02]}},
]}


def test_zones_and_posts_come_from_geojson(tmp_path) -> None:
    scenario = scenarios.load(write_scenario(tmp_path, ZONES, POSTS))
    assert set(scenario.zones) == {"解放路主干道", "乡村道路", "乡村道路#2"}
    assert scenario.zones["乡村道路#2"][0] == "rural"
    assert scenario.posts == {"定海解放路岗": (122.101, 30.02)}
    zones = ServiceZones(scenario.zones)
    assert zones.zones_at(122.1, 30.02) == [("解放路主干道", "arterial")]
    assert zones.zones_at(122.26, 30.09) == [("乡村道路#2", "rural")]
    assert scenario.roster()[0].post == (122.101, 30.02)


@pytest.mark.parametrize(("zones", "posts", "message"), [
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"kind": "rural"},
         "geometry": {"type": "Polygon", "coordinates": [square(122.1, 30.0)]}}]},
     POSTS, "no 'name'"),
    ({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "线"},
         "geometry": {"type": "LineString", "coordinates": [[122.1, 30.0], [122.2, 30.0]]}}]},
     POSTS, "not a polygon"),
    (ZONES, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "岗"},
         "geometry": {"type": "Polygon", "coordinates": [square(122.1, 30.0)]}}]},
     "not a point"),
])
def test_bad_geojson_is_refused_with_the_reason(tmp_path, zones, posts, message) -> None:
    with pytest.raises(ValueError, match=message):
        scenarios.load(write_scenario(tmp_path, zones, posts))
