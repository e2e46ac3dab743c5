"""A scenario's own geography (the demo's synthetic island) written as an OpenStreetMap file,
so its basemap pack is built exactly as a center builds one from a real extract.

The coast becomes a closed `natural=coastline` way (land on its left, as OSM requires), the
scenario's roads `highway=*` ways with their `name=*`, its towns and region `place=*` nodes.
Roads that cross share a node there, as in OSM: a street's way then runs from junction to
junction, so the basemap can put its name mid-block instead of across a crossing.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

import osmium
import shapely
from osmium.osm.mutable import Node, Way

from resources.scenario import Road, Scenario


def write_osm(scenario: Scenario, path: Path) -> Path:
    path = Path(path)
    path.unlink(missing_ok=True)  # osmium refuses to overwrite
    ids = count(1)
    nodes: list[Node] = []
    ways: list[Way] = []

    shared: dict[tuple[float, float], int] = {}

    def node(lon: float, lat: float) -> int:
        key = (round(lon, 7), round(lat, 7))
        if key not in shared:
            shared[key] = next(ids)
            nodes.append(Node(id=shared[key], location=(lon, lat), version=1))
        return shared[key]

    def line(points, tags: dict[str, str], closed: bool = False) -> None:
        refs = [node(lon, lat) for lon, lat in (points[:-1] if closed else points)]
        if closed:
            refs.append(refs[0])
        ways.append(Way(id=next(ids), nodes=refs, tags=tags, version=1))

    if scenario.coastline:
        ring = scenario.coastline
        if shapely.LinearRing(ring).is_ccw is False:
            ring = ring[::-1]  # land on the left: counter-clockwise around an island
        line(ring, {"natural": "coastline"}, closed=True)
    for road, points in zip(scenario.roads, _noded(scenario.roads), strict=True):
        line(points, {"highway": road.road_class, **({"name": road.name} if road.name else {})})
    places = []
    if scenario.coastline:
        middle = shapely.Polygon(scenario.coastline).representative_point()
        places.append((scenario.region.name, "island", (middle.x, middle.y)))
    places += [(name, "town", tuple(town["center"])) for name, town in scenario.towns.items()]
    with osmium.SimpleWriter(str(path)) as writer:
        for node in nodes:
            writer.add_node(node)
        for name, kind, (lon, lat) in places:
            writer.add_node(Node(id=next(ids), location=(lon, lat), version=1,
                                 tags={"place": kind, "name": name}))
        for way in ways:
            writer.add_way(way)
    return path


def _noded(roads: list[Road]) -> list[list[tuple[float, float]]]:
    """Each road's points with the points where other roads cross it added in order."""
    lines = [shapely.LineString(road.line) for road in roads]
    tree = shapely.STRtree(lines)
    noded = []
    for k, line in enumerate(lines):
        crossings = [point for j in tree.query(line) if j != k
                     for point in shapely.get_parts(line.intersection(lines[j]))
                     if point.geom_type == "Point"]
        points = sorted({*line.coords, *((p.x, p.y) for p in crossings)}, key=lambda xy:
                        line.project(shapely.Point(xy)))
        noded.append(points)
    return noded
