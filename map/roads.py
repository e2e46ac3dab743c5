"""Road network for e-motorcycle travel times, read from OpenStreetMap with pyosmium.

The graph is arrays, not Python objects per edge: node coordinates, and a directed edge list
(from, to, metres, road class) that `map/routing.py` turns into sparse matrices of seconds.
E-motorcycles may not use motorways, so those are left out; one-way streets stay one-way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import osmium
import shapely
from shapely.geometry import MultiLineString

from dispatch import geodesy
from dispatch.config import ROAD_CLASSES

_LINKS = {f"{c}_link": c for c in ("trunk", "primary", "secondary", "tertiary")}
_CLASS_INDEX = {c: n for n, c in enumerate(ROAD_CLASSES)}
_ONEWAY_BY_DEFAULT = {"trunk_link", "primary_link"}
NODE_SPACING_DEG = 0.0005  # ~50 m: the longest edge of a graph built from polylines


@dataclass(frozen=True)
class RoadGraph:
    lon: np.ndarray  # float64[n]
    lat: np.ndarray
    edge_from: np.ndarray  # int32[m], directed
    edge_to: np.ndarray
    edge_m: np.ndarray  # float64[m], length in metres
    edge_class: np.ndarray  # int8[m], index into ROAD_CLASSES

    @property
    def node_count(self) -> int:
        return len(self.lon)


def _direction(tags) -> int:
    """1 forward only, -1 backward only, 0 both ways."""
    oneway = tags.get("oneway", "")
    if oneway in ("yes", "true", "1"):
        return 1
    if oneway == "-1":
        return -1
    if oneway == "no":
        return 0
    if tags.get("junction") in ("roundabout", "circular"):
        return 1
    return 1 if tags.get("highway") in _ONEWAY_BY_DEFAULT else 0


class _Collector:
    def __init__(self) -> None:
        self.index: dict[int, int] = {}
        self.lon: list[float] = []
        self.lat: list[float] = []
        self.edges: list[tuple[int, int, float, int]] = []

    def node(self, ref: int, lon: float, lat: float) -> int:
        n = self.index.get(ref)
        if n is None:
            n = self.index[ref] = len(self.lon)
            self.lon.append(lon)
            self.lat.append(lat)
        return n

    def way(self, way) -> None:
        highway = way.tags.get("highway")
        road_class = _CLASS_INDEX.get(_LINKS.get(highway, highway))
        if road_class is None or way.tags.get("access") in ("no", "private"):
            return
        direction = _direction(way.tags)
        try:
            points = [(nd.ref, nd.lon, nd.lat) for nd in way.nodes]
        except osmium.InvalidLocationError:
            return
        for (r1, x1, y1), (r2, x2, y2) in zip(points, points[1:], strict=False):
            a, b = self.node(r1, x1, y1), self.node(r2, x2, y2)
            metres = geodesy.distance_m(x1, y1, x2, y2)
            if direction >= 0:
                self.edges.append((a, b, metres, road_class))
            if direction <= 0:
                self.edges.append((b, a, metres, road_class))


def load_osm(path: Path | str) -> RoadGraph:
    """Read the drivable roads of an .osm.pbf / .osm / .osm.gz extract."""
    collector = _Collector()
    processor = osmium.FileProcessor(str(path)).with_locations().with_filter(
        osmium.filter.KeyFilter("highway"))
    for obj in processor:
        if obj.is_way():
            collector.way(obj)
    return _graph(collector)


def named_street_points(path: Path | str) -> list[tuple[float, float, str]]:
    """(lon, lat, street name) of every node of a named road the graph routes over: where a
    simulated 110 caller can stand and what they would call the place."""
    points: dict[tuple[float, float], str] = {}
    processor = osmium.FileProcessor(str(path)).with_locations().with_filter(
        osmium.filter.KeyFilter("highway"))
    for obj in processor:
        highway = obj.tags.get("highway") if obj.is_way() else None
        name = obj.tags.get("name") if highway else None
        if (not name or _LINKS.get(highway, highway) not in _CLASS_INDEX
                or obj.tags.get("access") in ("no", "private")):
            continue
        try:
            for nd in obj.nodes:
                points.setdefault((nd.lon, nd.lat), name)
        except osmium.InvalidLocationError:
            continue
    return [(lon, lat, name) for (lon, lat), name in points.items()]


def named_road_points(roads: Sequence[tuple], step_m: float = 50.0,
                      ) -> list[tuple[float, float, str]]:
    """(lon, lat, name) every `step_m` along each named road of (road class, polyline, name)
    tuples (a scenario's own roads), and at each crossing of two named roads, named as a 110
    caller names a junction ("解放路与人民路口"): `named_street_points` for a scenario
    without an OSM extract."""
    named = [(road[2], shapely.LineString(road[1])) for road in roads
             if len(road) > 2 and road[2]]
    points: dict[tuple[float, float], str] = {}
    for k, (name, line) in enumerate(named):
        for other, crossing in named[k + 1:]:
            if other != name:
                for point in shapely.get_parts(line.intersection(crossing)):
                    if point.geom_type == "Point":
                        points[(round(point.x, 7), round(point.y, 7))] = f"{name}与{other}口"
    for name, line in named:
        metres = sum(geodesy.distance_m(*a, *b) for a, b in zip(line.coords, line.coords[1:],
                                                                strict=False))
        for f in np.linspace(0.0, 1.0, max(2, int(metres / step_m) + 1)):
            point = line.interpolate(f, normalized=True)
            points.setdefault((round(point.x, 7), round(point.y, 7)), name)
    return [(lon, lat, name) for (lon, lat), name in points.items()]


def graph_from_lines(roads: Sequence[tuple]) -> RoadGraph:
    """A two-way graph from (road class, polyline[, name]) tuples (GeoJSON roads, the demo's
    synthetic streets), noded at every crossing with shapely so that crossing streets
    connect. The class sets each edge's speed, so a rider takes a main street when faster."""
    collector = _Collector()
    lines = MultiLineString([road[1] for road in roads])
    classes = [_CLASS_INDEX[road[0]] for road in roads]
    for segment in shapely.node(lines).geoms:
        road_class = _class_of(segment, lines, classes)
        # a node every ~50 m, not only at crossings: a point mid-block snaps to its own
        # street, not to a crossing up to half a block away ridden at the off-network speed
        coords = list(shapely.segmentize(segment, NODE_SPACING_DEG).coords)
        for (x1, y1), (x2, y2) in zip(coords, coords[1:], strict=False):
            a = collector.node(_key(x1, y1), x1, y1)
            b = collector.node(_key(x2, y2), x2, y2)
            metres = geodesy.distance_m(x1, y1, x2, y2)
            collector.edges.append((a, b, metres, road_class))
            collector.edges.append((b, a, metres, road_class))
    return _graph(collector)


def _class_of(segment, lines: MultiLineString, classes: list[int]) -> int:
    """The class of the input line a noded piece came from (the one its midpoint lies on)."""
    middle = segment.interpolate(0.5, normalized=True)
    distances = [line.distance(middle) for line in lines.geoms]
    return classes[int(np.argmin(distances))]


def _key(lon: float, lat: float) -> int:
    """Points closer than ~1 cm are one node."""
    return hash((round(lon, 7), round(lat, 7)))


def _graph(collector: _Collector) -> RoadGraph:
    edges = np.array(collector.edges, dtype=np.float64).reshape(-1, 4)
    return RoadGraph(
        lon=np.array(collector.lon), lat=np.array(collector.lat),
        edge_from=edges[:, 0].astype(np.int32), edge_to=edges[:, 1].astype(np.int32),
        edge_m=edges[:, 2], edge_class=edges[:, 3].astype(np.int8),
    )
