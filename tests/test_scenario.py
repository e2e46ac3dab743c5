"""A center's own scenario: service zones and duty posts drawn in a GIS tool, as GeoJSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from console.models import CLOCK_COLOURS, QueueModel
from dispatch.clocks import BREACH, clock_of
from dispatch.lifecycle import IncidentStatus
from dispatch.state import CenterState, Incident
from map.clock_rings import LEVEL_COLOURS
from map.roads import graph_from_lines
from map.routing import Router
from map.view import MapView
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


def scenario_with_clock(tmp_path, clock: dict):
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    doc["program"]["clock"] = clock
    del doc["basemap"]
    path = tmp_path / "clock.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    return scenarios.load(path)


def test_the_clock_is_configured_by_the_program(tmp_path, qtbot) -> None:
    scenario = scenario_with_clock(tmp_path, {"warn_min": 4, "breach_min": 5,
                                              "start": "received", "stop": ["en_route"]})
    policy = scenario.clock_policy()
    assert (policy.warn_s, policy.breach_s) == (240, 300)
    assert policy.stop == {IncidentStatus.EN_ROUTE}
    now = datetime.now(UTC)
    late = Incident("1001", "A", now - timedelta(minutes=5, seconds=30), 122.1, 30.02, "", "",
                    "", {})
    assert clock_of(late, now, policy).level == BREACH  # 5½ minutes: over a 5-minute target
    state = CenterState(scenario.roster())
    state.incidents["1001"] = late
    model = QueueModel(state, policy)
    model.refresh()
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) == QColor(
        CLOCK_COLOURS[BREACH])
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.show_state(state, None)
    rings = [p for item in view.incident_layer.rings for p in item.points()]
    assert len(rings) == 1 and rings[0].pen().color().name() == LEVEL_COLOURS[BREACH]


@pytest.mark.parametrize("clock", [{"warn_min": 9, "breach_min": 8}, {"stop": ["parked"]},
                                   {"start": "nonsense"}])
def test_a_bad_clock_is_refused(tmp_path, clock) -> None:
    with pytest.raises(ValueError, match="program.clock"):
        scenario_with_clock(tmp_path, clock).clock_policy()


def test_roads_come_from_geojson_and_route(tmp_path) -> None:
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    for key in ("arterials", "towns", "basemap"):
        del doc[key]
    doc["roads_geojson"] = "roads.geojson"
    roads = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"highway": "primary"},
         "geometry": {"type": "LineString", "coordinates": [[122.10, 30.00], [122.14, 30.00]]}},
        {"type": "Feature", "properties": {"highway": "residential"},
         "geometry": {"type": "MultiLineString", "coordinates": [
             [[122.12, 29.98], [122.12, 30.02]], [[122.13, 29.98], [122.13, 30.02]]]}},
    ]}
    (tmp_path / "roads.geojson").write_text(json.dumps(roads), "utf-8")
    path = tmp_path / "roads.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    scenario = scenarios.load(path)
    assert [road.road_class for road in scenario.roads] == ["primary", "residential",
                                                         "residential"]
    router = Router(graph_from_lines(scenario.roads))
    [eta] = router.etas_to(122.12, 30.02, [122.10], [30.00])
    assert 0 < eta < 600  # along the primary road, then up the residential street
    roads["features"][0]["properties"]["highway"] = "motorway"
    (tmp_path / "roads.geojson").write_text(json.dumps(roads), "utf-8")
    with pytest.raises(ValueError, match="highway='motorway'"):
        scenarios.load(path)
