"""`--demo REGION`: the Zhoushan island stays the default; Helsinki runs on a real OpenStreetMap
extract, with its own tile pack, posts on its streets, guides riding its roads and 110 slips
on its named streets."""

from __future__ import annotations

import hashlib
import math
import re
import sqlite3

import numpy as np
import pytest

from console.cli import build_parser, main
from dispatch import geodesy
from hub.center import simulated_guides
from hub.simulated_feed import SlipFactory
from map.roads import load_osm, named_street_points
from map.routing import Router
from resources import scenario as scenarios

HELSINKI = scenarios.DEMO_REGIONS["helsinki"]


@pytest.fixture(scope="module")
def helsinki() -> scenarios.Scenario:
    return scenarios.load(HELSINKI)


@pytest.fixture(scope="module")
def router(helsinki) -> Router:
    return Router(load_osm(helsinki.osm_path))


def _length_m(points: list[tuple[float, float]]) -> float:
    return sum(geodesy.distance_m(*a, *b) for a, b in zip(points, points[1:], strict=False))


def test_the_helsinki_scenario_loads_on_its_own_extract_and_pack(helsinki) -> None:
    assert helsinki.demo and helsinki.osm_path.exists() and helsinki.basemap.exists()
    assert helsinki.osm_path.stat().st_size < 1_000_000
    assert helsinki.roads == []  # no synthetic grids: the routing and the map are the extract's
    assert len(helsinki.zones) >= 3 and len(helsinki.roster()) >= 10
    assert {u.post for u in helsinki.roster()} <= set(helsinki.posts.values())
    assert {u.insurer for u in helsinki.roster()} >= {"人保", "平安", "太保"}


def test_every_post_stands_on_a_road(helsinki, router) -> None:
    names = list(helsinki.posts)
    lon, lat = zip(*helsinki.posts.values(), strict=True)
    _nodes, gaps = router.snap(lon, lat)
    far = {name: round(gap, 1) for name, gap in zip(names, gaps, strict=True) if gap > 3.0}
    assert far == {}


def test_a_ride_between_posts_follows_the_roads(helsinki, router) -> None:
    start = helsinki.posts["Bulevardi 岗"]
    end = helsinki.posts["Siltasaarenkatu 岗"]
    way = router.path(*start, *end)
    straight = geodesy.distance_m(*start, *end)
    assert way[0] == pytest.approx(start) and way[-1] == pytest.approx(end)
    assert straight * 1.1 < _length_m(way) < straight * 2.5
    assert straight < router.road_distance_m(*start, *end, limit_m=10_000) < math.inf


def test_simulated_guides_start_and_ride_on_the_roads(helsinki, router) -> None:
    graph = router.graph
    nodes = set(zip(graph.lon.tolist(), graph.lat.tolist(), strict=True))
    guides = simulated_guides(helsinki, router)
    assert all((g.lon, g.lat) in nodes for g in guides)
    guide = guides[0]
    target = helsinki.posts["Siltasaarenkatu 岗"]
    guide.route_to(*target, 25.0)
    assert all(point in nodes for point in guide.waypoints[:-1])
    for _ in range(2000):
        guide.step(1.0)
    assert (guide.lon, guide.lat) == pytest.approx(target)


def test_slips_fall_on_named_streets_and_some_outside_the_zones(helsinki) -> None:
    streets = named_street_points(helsinki.osm_path)
    names = {name for *_, name in streets}
    factory = SlipFactory(helsinki, seed=7, streets=streets)
    lon, lat = np.array([(x, y) for x, y, _ in streets]).T
    metres_per_degree = geodesy.EARTH_RADIUS_M * math.pi / 180
    outside = 0
    for _ in range(200):
        where = factory.make()["location"]
        gaps = np.hypot((lon - where["lon"]) * math.cos(math.radians(where["lat"])),
                        lat - where["lat"]) * metres_per_degree
        assert gaps.min() < 10.0
        town, _, street = where["address"].partition(" ")
        if where["address"] in names:  # no district: a street outside every zone
            outside += 1
        else:
            assert town in helsinki.towns and street in names
    assert 5 <= outside <= 40


def test_each_demos_slips_carry_its_own_plates(helsinki) -> None:
    """Helsinki's slips once carried Zhejiang plates; each scenario says its form."""
    finnish = SlipFactory(helsinki, seed=3).make()["structured"]["plates"]
    assert finnish and all(re.fullmatch(r"[A-Z]{3}-\d{3}", p) for p in finnish), finnish
    zhoushan = SlipFactory(scenarios.load(), seed=3).make()["structured"]["plates"]
    assert zhoushan and all(re.fullmatch(r"浙L[A-Z]\d{5}", p) for p in zhoushan), zhoushan


def test_demo_takes_a_region_and_zhoushan_stays_the_default() -> None:
    parser = build_parser()
    plain = parser.parse_args(["console", "--demo"])
    assert plain.demo == scenarios.DEFAULT_DEMO_REGION
    assert scenarios.scenario_path(plain.scenario, plain.demo) == scenarios.DEMO_SCENARIO
    for command in (["console"], ["hub"], ["screenshot", "--out", "x.png"]):
        args = parser.parse_args([*command, "--demo", "Helsinki"])
        assert args.demo == "helsinki"
        assert scenarios.scenario_path(args.scenario, args.demo) == HELSINKI
    assert not parser.parse_args(["console"]).demo
    assert parser.parse_args(["screenshot", "--out", "x.png"]).scenario is None  # Zhoushan
    mine = parser.parse_args(["console", "--scenario", "city.json", "--demo", "helsinki"])
    assert mine.scenario == "city.json"  # a center's own scenario wins, in either order


def test_an_unknown_region_is_a_usage_error_naming_the_known_ones(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["console", "--demo", "atlantis"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "atlantis" in err and all(name in err for name in scenarios.DEMO_REGIONS)
    with pytest.raises(ValueError, match="zhoushan, helsinki"):
        scenarios.scenario_path(None, "atlantis")


def test_the_shipped_pack_is_built_from_the_shipped_extract(helsinki) -> None:
    db = sqlite3.connect(helsinki.basemap)
    meta = dict(db.execute("SELECT name, value FROM metadata"))
    assert meta["source_sha1"] == hashlib.sha1(helsinki.osm_path.read_bytes()).hexdigest(), (
        "the extract changed: rebuild its pack (resources/demo/README.md)")
    assert "OpenStreetMap" in meta["attribution"]  # the map shows it in its corner
    assert (int(meta["minzoom"]), int(meta["maxzoom"])) == (12, 16)
    west, south, east, north = map(float, meta["bounds"].split(","))
    r = helsinki.region
    assert r.min_lon < west < east < r.max_lon and r.min_lat < south < north < r.max_lat


@pytest.mark.gui
def test_tiles_build_from_a_scenario_on_osm_renders_its_extract(qapp, helsinki, tmp_path) -> None:
    out = tmp_path / "h.mbtiles"
    assert main(["tiles", "build", "--scenario", str(HELSINKI), "--zoom", "13",
                 "--out", str(out)]) == 0
    meta = dict(sqlite3.connect(out).execute("SELECT name, value FROM metadata"))
    assert meta["source_sha1"] == hashlib.sha1(helsinki.osm_path.read_bytes()).hexdigest()
    assert meta["name"] == "helsinki" and "OpenStreetMap" in meta["attribution"]
