"""A scenario's own geography (the demo's synthetic island) written as an OpenStreetMap file,
so its basemap pack is built exactly as a center builds one from a real extract.

The coast becomes a closed `natural=coastline` way (land on its left, as OSM requires), the
scenario's roads `highway=*` ways, its towns and region `place=*` nodes.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path

import osmium
import shapely
from osmium.osm.mutable import Node, Way

from resources.scenario import Scenario


def write_osm(scenario: Scenario, path: Path) -> Path:
    path = Path(path)
    path.unlink(missing_ok=True)  # osmium refuses to overwrite
    ids = count(1)
    nodes: list[Node] = []
    ways: list[Way] = []

    def line(points, tags: dict[str, str], closed: bool = False) -> None:
        refs = []
        for lon, lat in points[:-1] if closed else points:
            node_id = next(ids)
            nodes.append(Node(id=node_id, location=(lon, lat), version=1))
            refs.append(node_id)
        if closed:
            refs.append(refs[0])
        ways.append(Way(id=next(ids), nodes=refs, tags=tags, version=1))

    if scenario.coastline:
        ring = scenario.coastline
        if shapely.LinearRing(ring).is_ccw is False:
            ring = ring[::-1]  # land on the left: counter-clockwise around an island
        line(ring, {"natural": "coastline"}, closed=True)
    for road_class, points in scenario.roads:
        line(points, {"highway": road_class})
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
