"""What a basemap draws, read from an OpenStreetMap extract with pyosmium: areas (land use,
water, buildings), lines (roads by class, railways, waterways), named places, and the sea
from the coastline ways.

OSM has no sea polygons, only coastline ways with the land on their left. Islands are the
rings those ways close; a mainland coast cut by the extract's edge is carried on to that edge,
the extract's box is split along it, and each piece is sea or land by which side of the coast
it lies on. (Renderers of the whole planet use precomputed water polygons; an offline center
has only its extract.)

Geometry is kept in "world pixels at zoom 0" (Web Mercator scaled to 0…256, y growing south),
so a tile renderer only multiplies by 2^z and shifts: no projection maths per tile.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import osmium
import shapely

log = logging.getLogger(__name__)

# area kind → the tag values that make it (first match wins, in this order)
AREA_KINDS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "water": (("natural", ("water", "bay")), ("waterway", ("riverbank", "dock")),
              ("landuse", ("reservoir", "basin"))),
    "forest": (("landuse", ("forest",)), ("natural", ("wood", "scrub"))),
    "grass": (("landuse", ("grass", "meadow", "recreation_ground", "village_green")),
              ("leisure", ("park", "garden", "pitch", "golf_course")),
              ("natural", ("grassland", "heath"))),
    "rock": (("natural", ("bare_rock", "scree", "glacier")),),
    "farmland": (("landuse", ("farmland", "orchard", "vineyard", "allotments")),),
    "residential": (("landuse", ("residential",)),),
    "commercial": (("landuse", ("commercial", "retail")),),
    "industrial": (("landuse", ("industrial", "railway", "construction")),),
    "building": (("building", ()),),  # any value
}
ROAD_KINDS = ("motorway", "trunk", "primary", "secondary", "tertiary", "minor", "service",
              "path")
_ROAD_OF = {
    "motorway": "motorway", "trunk": "trunk", "primary": "primary", "secondary": "secondary",
    "tertiary": "tertiary", "unclassified": "minor", "residential": "minor",
    "living_street": "minor", "road": "minor", "service": "service", "track": "path",
    "footway": "path", "path": "path", "cycleway": "path", "pedestrian": "path",
    "steps": "path", "bridleway": "path",
}
PLACE_ZOOM = {"city": 8, "town": 10, "island": 10, "village": 12, "suburb": 12,
              "hamlet": 14, "neighbourhood": 14, "locality": 15, "quarter": 13}
_TAG_KEYS = ("highway", "landuse", "natural", "waterway", "building", "railway", "leisure",
             "place")


def to_world(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """WGS-84 degrees → Web Mercator world pixels at zoom 0."""
    lat = np.clip(lat, -85.0511, 85.0511)
    x = (np.asarray(lon) + 180.0) / 360.0 * 256.0
    y = (1.0 - np.log(np.tan(np.radians(lat)) + 1.0 / np.cos(np.radians(lat))) / math.pi) * 128.0
    return x, y


def _project(geometry):
    return shapely.transform(geometry, lambda xy: np.column_stack(to_world(xy[:, 0], xy[:, 1])))


@dataclass
class Features:
    """Projected geometry by kind; names ride along for labels."""

    areas: dict[str, list] = field(default_factory=dict)  # kind → polygons
    roads: dict[str, list] = field(default_factory=dict)  # kind → lines
    road_names: list[tuple[str, str, object]] = field(default_factory=list)  # kind, name, line
    railways: list = field(default_factory=list)
    waterways: list = field(default_factory=list)
    places: list[tuple[str, str, float, float]] = field(default_factory=list)  # kind, name, x, y
    islands: list = field(default_factory=list)  # land polygons closed by coastline
    sea: list = field(default_factory=list)  # sea polygons cut from the box by open coasts
    at_sea: bool = False  # islands and no mainland coast: everything else is sea

    def bounds(self) -> tuple[float, float, float, float]:
        """World-pixel box around everything (min x, min y, max x, max y)."""
        geoms = [g for group in (*self.areas.values(), *self.roads.values(), self.railways,
                                 self.waterways, self.islands) for g in group]
        geoms += [shapely.Point(x, y) for _, _, x, y in self.places]
        if not geoms:
            raise ValueError("the extract has nothing a basemap draws")
        return tuple(shapely.total_bounds(np.array(geoms, dtype=object)))


def area_kind(tags) -> str | None:
    for kind, rules in AREA_KINDS.items():
        for key, values in rules:
            value = tags.get(key)
            if value and (not values or value in values) and value != "no":
                return kind
    return None


def read_osm(path: Path | str) -> Features:
    """Everything the basemap draws from an .osm/.osm.pbf/.osm.gz file. Broken geometry (an
    unclosed multipolygon, a way whose nodes are missing from the extract) is skipped and
    counted, never fatal: extracts cut at a boundary always have some."""
    features = Features()
    wkb = osmium.geom.WKBFactory()
    coastline: list = []
    skipped = 0
    processor = (osmium.FileProcessor(str(path)).with_locations().with_areas()
                 .with_filter(osmium.filter.KeyFilter(*_TAG_KEYS)))
    for obj in processor:
        try:
            if obj.is_node():
                _place(features, obj)
            elif obj.is_way():
                _line(features, obj, wkb, coastline)
            elif obj.is_area():
                kind = area_kind(obj.tags)
                if kind:
                    polygon = _project(shapely.from_wkb(wkb.create_multipolygon(obj)))
                    features.areas.setdefault(kind, []).append(polygon)
        except (RuntimeError, osmium.InvalidLocationError,  # broken areas, missing nodes
                shapely.errors.GEOSException) as exc:
            skipped += 1
            log.debug("skipped %s %s: %s", type(obj).__name__, obj.id, exc)
    features.islands, open_coasts = _coasts(coastline)
    if open_coasts:
        features.sea = _sea(open_coasts, _box(features.bounds()))
    features.at_sea = bool(features.islands) and not open_coasts
    if skipped:
        log.info("%s: skipped %d objects with broken geometry", path, skipped)
    return features


def _place(features: Features, node) -> None:
    kind, name = node.tags.get("place"), node.tags.get("name")
    if kind in PLACE_ZOOM and name:
        x, y = to_world(np.array([node.location.lon]), np.array([node.location.lat]))
        features.places.append((kind, name, float(x[0]), float(y[0])))


def _line(features: Features, way, wkb, coastline: list) -> None:
    tags = way.tags
    highway, railway = tags.get("highway"), tags.get("railway")
    natural, waterway = tags.get("natural"), tags.get("waterway")
    road = _ROAD_OF.get(highway.removesuffix("_link")) if highway else None
    wanted = (road or railway in ("rail", "light_rail", "narrow_gauge", "tram")
              or waterway in ("river", "stream", "canal") or natural == "coastline")
    if not wanted:
        return
    line = _project(shapely.from_wkb(wkb.create_linestring(way)))
    if road:
        features.roads.setdefault(road, []).append(line)
        if tags.get("name"):
            features.road_names.append((road, tags["name"], line))
    elif railway:
        features.railways.append(line)
    elif waterway:
        features.waterways.append(line)
    else:
        coastline.append(line)


def _coasts(coastline: list) -> tuple[list, list]:
    """Island polygons (closed rings) and the open coast lines, merged end to end."""
    if not coastline:
        return [], []
    merged = shapely.line_merge(shapely.union_all(coastline))
    lines = list(getattr(merged, "geoms", [merged]))
    islands = [shapely.Polygon(line) for line in lines if line.is_ring]
    return islands, [line for line in lines if not line.is_ring]


def _box(bounds: tuple[float, float, float, float]):
    x0, y0, x1, y1 = bounds
    margin = max(x1 - x0, y1 - y0) * 0.01 + 1e-6
    return shapely.box(x0 - margin, y0 - margin, x1 + margin, y1 + margin)


def _to_edge(line, box):
    """The line carried on from both ends to the nearest point of the box's edge."""
    edge = box.exterior
    coords = list(line.coords)
    first = edge.interpolate(edge.project(shapely.Point(coords[0])))
    last = edge.interpolate(edge.project(shapely.Point(coords[-1])))
    return shapely.LineString([(first.x, first.y), *coords, (last.x, last.y)])


def _sea(open_coasts: list, box) -> list:
    """The pieces of the box on the water side of the open coasts. In world pixels y grows
    south, so the water side (the right in geographic terms) is (−dy, dx) of a segment."""
    extended = [_to_edge(line, box) for line in open_coasts]
    noded = shapely.union_all([box.exterior, *extended])  # split where they cross
    pieces = list(shapely.polygonize(shapely.get_parts(noded)).geoms)
    if not pieces:
        return []
    xy = np.concatenate([np.asarray(line.coords) for line in open_coasts])
    steps = np.concatenate([np.diff(np.asarray(line.coords), axis=0) for line in open_coasts])
    starts = np.concatenate([np.asarray(line.coords)[:-1] for line in open_coasts])
    length = np.hypot(steps[:, 0], steps[:, 1])
    ok = length > 0
    middle = starts[ok] + steps[ok] / 2
    normal = np.column_stack([-steps[ok, 1], steps[ok, 0]]) / length[ok, None]
    nudge = 1e-3 * float(np.median(length[ok])) if len(xy) else 1e-9
    water, land = middle + normal * nudge, middle - normal * nudge
    sea = []
    for piece in pieces:
        wet = np.count_nonzero(shapely.contains_xy(piece, water[:, 0], water[:, 1]))
        dry = np.count_nonzero(shapely.contains_xy(piece, land[:, 0], land[:, 1]))
        if wet > dry:
            sea.append(piece)
    return sea
