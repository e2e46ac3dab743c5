"""The default demo, Zhoushan, reads as a town on the map: its towns' streets are named and
of more than one class, its arterials named and of the highest class, its duty posts stand on
their own streets; its roads route (main streets taken when faster), and the OSM file its
basemap is rendered from carries the classes and the names."""

from __future__ import annotations

import json
import math
from collections import defaultdict

import osmium
import pytest
import shapely

from dispatch.config import METRES_PER_DEGREE
from hub.center import simulated_guides
from hub.simulated_feed import SlipFactory
from map.roads import graph_from_lines
from map.routing import SPEEDS_KMH, Router
from map.scenario_osm import write_osm
from resources import scenario as scenarios
from resources.scenario import LOCAL_STREET, MAIN_STREET, Road
from resources.scenario_checks import ScenarioError


@pytest.fixture(scope="module")
def demo() -> scenarios.Scenario:
    return scenarios.load()


@pytest.fixture(scope="module")
def router(demo) -> Router:
    return Router(graph_from_lines(demo.roads))


def gap_m(lon: float, lat: float, line: list[tuple[float, float]]) -> float:
    """Metres from a point to a polyline (local flat projection: a town is a few km)."""
    k = math.cos(math.radians(lat)) * METRES_PER_DEGREE

    def local(x: float, y: float) -> tuple[float, float]:
        return (x - lon) * k, (y - lat) * METRES_PER_DEGREE

    return shapely.LineString([local(*p) for p in line]).distance(shapely.Point(0, 0))


def streets_at(demo, lon: float, lat: float, within_m: float = 5.0) -> set[str]:
    return {road.name for road in demo.roads if gap_m(lon, lat, road.line) <= within_m}


def town_of(demo, name: str) -> str:
    return next(town for town in demo.towns if name.startswith(town))


def in_town(town: dict, road: Road) -> bool:
    (cx, cy), (hx, hy) = town["center"], town["half_size"]
    return all(abs(x - cx) <= hx + 1e-9 and abs(y - cy) <= hy + 1e-9 for x, y in road.line)


def test_every_post_stands_on_its_own_street(demo) -> None:
    """定海解放路岗 on 解放路: the post's name, less its town and 岗, begins a street name
    within a few metres of it."""
    for name, (lon, lat) in demo.posts.items():
        near = streets_at(demo, lon, lat)
        stem = name.removeprefix(town_of(demo, name)).removesuffix("岗")
        assert any(street.startswith(stem) for street in near), (name, near)


def test_units_start_at_their_posts_on_the_streets(demo, router) -> None:
    nodes = set(zip(router.graph.lon.tolist(), router.graph.lat.tolist(), strict=True))
    for unit, guide in zip(demo.roster(), simulated_guides(demo, router), strict=True):
        assert unit.post == demo.posts[next(s["post"] for s in demo.unit_specs
                                            if s["unit_id"] == unit.unit_id)]
        assert (guide.lon, guide.lat) in nodes  # on a street, a few steps from the post
        assert gap_m(guide.lon, guide.lat, [unit.post, unit.post]) < 60.0


def test_every_street_is_named_and_towns_have_main_and_local_streets(demo) -> None:
    assert all(road.name for road in demo.roads)
    for name, town in demo.towns.items():
        classes = defaultdict(set)
        for road in demo.roads:
            if in_town(town, road):
                classes[road.road_class].add(road.name)
        assert set(classes) == {MAIN_STREET, LOCAL_STREET}, name
        assert len(classes[MAIN_STREET]) >= 3 and len(classes[LOCAL_STREET]) >= 6
    arterials = [road for road in demo.roads
                 if not any(in_town(town, road) for town in demo.towns.values())]
    assert {road.name for road in arterials} >= {"329国道", "定沈路"}
    assert {road.road_class for road in arterials} == {"trunk"}  # the highest class


def test_every_post_reaches_every_other_and_main_streets_are_taken(demo, router) -> None:
    posts = list(demo.posts.values())
    lon, lat = [p[0] for p in posts], [p[1] for p in posts]
    for post in posts:
        etas = router.etas_to(*post, lon, lat, horizon_s=math.inf)
        assert all(math.isfinite(eta) for eta in etas)
    # across 定海 every staircase of its grid is as long; the main streets are faster, so
    # the ride from 环城北路 to 东管庙路 keeps to them
    start, end = demo.posts["定海环城北路岗"], demo.posts["定海东管庙岗"]
    way = router.path(*start, *end)
    main = [road.line for road in demo.roads if road.road_class in ("trunk", MAIN_STREET)]
    on_main = total = 0.0
    for a, b in zip(way, way[1:], strict=False):
        metres = gap_m(*a, [b, b])
        total += metres
        middle = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        on_main += metres if any(gap_m(*middle, line) < 1.0 for line in main) else 0.0
    assert total > 0 and on_main / total > 0.95
    assert SPEEDS_KMH["normal"][MAIN_STREET] > SPEEDS_KMH["normal"][LOCAL_STREET]
    local_only = Router(graph_from_lines([Road(LOCAL_STREET, road.line) for road in
                                          demo.roads]))
    [fast] = router.etas_to(*end, [start[0]], [start[1]])
    [slow] = local_only.etas_to(*end, [start[0]], [start[1]])
    assert fast < slow * 0.95


def test_the_osm_file_carries_road_classes_and_names(demo, tmp_path) -> None:
    ways: dict[str, tuple[str, list[int]]] = {}
    for way in osmium.FileProcessor(str(write_osm(demo, tmp_path / "demo.osm"))):
        if way.is_way() and "highway" in way.tags:
            ways[way.tags["name"]] = (way.tags["highway"], [n.ref for n in way.nodes])
    assert {road.name for road in demo.roads} == set(ways)
    assert {highway for highway, _ in ways.values()} == {"trunk", MAIN_STREET, LOCAL_STREET}
    assert ways["解放路"][0] == MAIN_STREET and ways["329国道"][0] == "trunk"
    # crossing streets share their crossing's node, as in OSM: 解放路 meets 人民路 there
    assert set(ways["解放路"][1]) & set(ways["人民路"][1])


def test_the_basemap_names_main_streets_first_then_all(demo, tmp_path, qapp) -> None:
    from map.basemap_render import ZoomScene
    from map.osm_features import read_osm

    features = read_osm(write_osm(demo, tmp_path / "demo.osm"))
    main = {road.name for road in demo.roads if road.road_class == MAIN_STREET}
    local = {road.name for road in demo.roads if road.road_class == LOCAL_STREET}
    at_14 = {label.text for label in ZoomScene(features, 14).labels}
    at_15 = {label.text for label in ZoomScene(features, 15).labels}
    assert len(main & at_14) > len(main) * 0.8 and not local & at_14
    assert (main | local) <= at_15  # every street named where a dispatcher zooms in


def test_simulated_slips_stand_on_the_streets_they_name(demo) -> None:
    factory = SlipFactory(demo, seed=11)
    junctions = 0
    for _ in range(200):
        where = factory.make()["location"]
        named = [road.name for road in demo.roads if road.name in where["address"]]
        assert named, where
        assert min(gap_m(where["lon"], where["lat"], road.line) for road in demo.roads
                   if road.name in named) < 10.0
        junctions += "与" in where["address"]
    assert junctions > 0  # "解放路与人民路口"


def test_a_town_must_name_each_of_its_lines(tmp_path) -> None:
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    del doc["basemap"]
    doc["towns"]["定海"]["north_south"].pop()
    doc["towns"]["沈家门"]["main_streets"].append("中山路")
    path = tmp_path / "town.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), "utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    messages = [(key, message) for _, key, message in caught.value.problems]
    assert ("towns.定海", "north_south names 14 streets; the grid has 15 north-south "
                         "lines") in messages
    assert ("towns.沈家门", "main_streets 中山路 name no street of the grid") in messages


def test_a_scenario_in_the_older_form_loads_as_before(tmp_path) -> None:
    """Bare arterial polylines are unnamed primary roads, unnamed towns unnamed tertiary
    grids: a center's file written before streets had names keeps its roads."""
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    del doc["basemap"]
    doc["arterials"] = [road["line"] for road in doc["arterials"]]
    for town in doc["towns"].values():
        for key in ("north_south", "east_west", "main_streets"):
            del town[key]
    path = tmp_path / "old.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    old = scenarios.load(path)
    assert {(road.road_class, road.name) for road in old.roads} == {("primary", ""),
                                                                    ("tertiary", "")}
    assert [road.line for road in old.roads] == [road.line for road in scenarios.load().roads]
    doc["arterials"][1][2] = doc["arterials"][1][2][::-1]  # latitude and longitude swapped
    doc["arterials"] = [doc["arterials"][0], {"name": "定马线", "line": doc["arterials"][1]}]
    path.write_text(json.dumps(doc, ensure_ascii=False), "utf-8")
    with pytest.raises(ScenarioError) as caught:
        scenarios.load(path)
    [(_line, key, message)] = caught.value.problems
    assert key == "arterials.1.line.2" and "swapped" in message
