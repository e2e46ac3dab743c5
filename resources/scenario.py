"""The scenario a console runs with: region, zones, posts, roster, and (demo) synthetic roads.

Loaded from JSON so a center replaces the demo with its own file; the demo's street grids are
generated here rather than stored, since they are synthetic by design.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import NamedTuple, TypeVar

from pydantic import ValidationError
from shapely.geometry import shape

from dispatch.clocks import DEFAULT_CLOCK, ClockPolicy
from dispatch.config import (
    DEFAULT_RADIO_STATUS,
    FIX_REGION_MARGIN_M,
    ROAD_CLASSES,
    ProgramRules,
    RadioStatusCodes,
    Region,
    program_calendar,
)
from dispatch.lifecycle import IncidentStatus
from dispatch.retirement import DEFAULT_KEPT
from dispatch.service_hours import DEFAULT_SCHEDULES, schedules_from_config
from dispatch.shifts import Shift, parse_shift
from dispatch.state import Unit
from radio.ports import PortConfig
from resources.scenario_checks import (
    Loc,
    ScenarioError,
    cross_problems,
    key_lines,
    line_of,
    pydantic_problems,
)
from resources.scenario_model import ScenarioModel, TownModel, grid_steps

DEMO_FOLDER = Path(__file__).with_name("demo")
DEMO_SCENARIO = DEMO_FOLDER / "zhoushan.json"
# `--demo REGION`: the demos shipped, by region name; a bare `--demo` runs the first
DEMO_REGIONS = {"zhoushan": DEMO_SCENARIO,  # synthetic island, grid streets
                "helsinki": DEMO_FOLDER / "helsinki.json"}  # an OpenStreetMap extract
DEFAULT_DEMO_REGION = "zhoushan"

Line = list[tuple[float, float]]
T = TypeVar("T")
# a town grid's classes: main streets one above the rest; tertiary is the lowest class whose
# names the basemap draws at its closest zoom (15), and the class unnamed grids always had
MAIN_STREET, LOCAL_STREET = "secondary", "tertiary"


class Road(NamedTuple):
    """A road the scenario routes over and draws: OSM road class (`highway`), polyline, and
    its name ("" when unnamed), which the basemap labels and the simulated 110 calls it by."""

    road_class: str
    line: Line
    name: str = ""


@dataclass(frozen=True)
class Scenario:
    name: str
    demo: bool
    region: Region
    coastline: Line
    zones: dict[str, tuple[str, Line]]  # name → (kind, ring)
    posts: dict[str, tuple[float, float]]
    unit_specs: list[dict]
    roads: list[Road]
    addresses: dict[str, list[str]]
    towns: dict[str, dict]
    program: dict
    osm_path: Path | None = None  # a road network extract, instead of `roads` for routing
    basemap: Path | None = None  # the offline tile pack drawn when no --tiles is given
    radio_ports: tuple[PortConfig, ...] = ()
    radio_status: RadioStatusCodes = DEFAULT_RADIO_STATUS
    plates: str = "浙L@#####"  # the simulated 110 feed's plates: @ a letter, # a digit

    def rules(self) -> ProgramRules:
        """The program's rules as this scenario configures them, defaults elsewhere."""
        doc = self.program
        schedules = {**DEFAULT_SCHEDULES, **schedules_from_config(doc.get("schedules", {}))}
        return ProgramRules(
            max_estimated_loss_cny=float(doc.get("max_estimated_loss_cny", 10_000)),
            schedules=schedules,
            calendar=program_calendar(doc),
        )

    def fix_region_margin_m(self) -> float:
        """How far outside the region a radio fix still counts (`program.fix_region_margin_km`);
        beyond it the fix is flagged as a wrong coordinate and does not move the unit."""
        margin = float(self.program.get("fix_region_margin_km", FIX_REGION_MARGIN_M / 1000))
        if not 0 <= margin <= 1000:
            raise ValueError("program.fix_region_margin_km must be between 0 and 1000")
        return margin * 1000

    def ended_kept(self) -> timedelta:
        """How long an ended case stays in live states (`program.ended_kept_hours`)."""
        return timedelta(hours=float(self.program.get(
            "ended_kept_hours", DEFAULT_KEPT.total_seconds() / 3600)))

    def clock_policy(self) -> ClockPolicy:
        """The 8-minute clock as the program configures it (`program.clock`): `warn_min`,
        `breach_min`, the status that `start`s it (received = 110's receipt time) and the
        statuses that `stop` it; defaults elsewhere."""
        doc = self.program.get("clock", {})
        try:
            policy = ClockPolicy(
                warn_s=float(doc.get("warn_min", DEFAULT_CLOCK.warn_s / 60)) * 60,
                breach_s=float(doc.get("breach_min", DEFAULT_CLOCK.breach_s / 60)) * 60,
                start=IncidentStatus(doc.get("start", DEFAULT_CLOCK.start)),
                stop=frozenset(IncidentStatus(s) for s in doc.get("stop", DEFAULT_CLOCK.stop)),
            )
        except ValueError as exc:
            raise ValueError(f"program.clock: {exc}") from exc
        if not 0 < policy.warn_s < policy.breach_s:
            raise ValueError("program.clock: warn_min must be above 0 and below breach_min")
        return policy

    def roster(self) -> list[Unit]:
        """Fresh Unit objects at their posts (the state mutates them, so never share). A unit
        without a "shift" entry is always on duty."""
        return [
            Unit(s["unit_id"], s["name"], s["kind"], s["fleet"], s["radio_id"],
                 post=self.posts[s["post"]], shift=_shift(s), insurer=s.get("insurer"))
            for s in self.unit_specs
        ]


def _shift(spec: dict) -> Shift | None:
    """The unit's parsed shift; a bad one names the unit, so the center finds the line."""
    if "shift" not in spec:
        return None
    try:
        return parse_shift(spec["shift"])
    except ValueError as e:
        raise ValueError(f"unit {spec['unit_id']}: {e}") from None


def _street_grid(town: TownModel) -> list[Road]:
    """The town's grid: north-south lines west to east, then east-west lines south to north,
    each named as the town lists it (unnamed if it does not) and a main street if listed."""
    (cx, cy), (hx, hy), spacing = town.center, town.half_size, town.spacing
    steps_x, steps_y = grid_steps(hx, spacing), grid_steps(hy, spacing)
    lines = [[(cx + i * spacing, cy - hy), (cx + i * spacing, cy + hy)]
             for i in range(-steps_x, steps_x + 1)]
    lines += [[(cx - hx, cy + j * spacing), (cx + hx, cy + j * spacing)]
              for j in range(-steps_y, steps_y + 1)]
    names = [*(town.north_south or [""] * (2 * steps_x + 1)),
             *(town.east_west or [""] * (2 * steps_y + 1))]
    main = set(town.main_streets)
    return [Road(MAIN_STREET if name in main else LOCAL_STREET, line, name)
            for line, name in zip(lines, names, strict=True)]


def _features(path: Path, named: bool = True) -> list[tuple[str, dict, object]]:
    """(name, properties, shapely geometry) of a GeoJSON FeatureCollection; zones and posts
    are referred to by name, so there every feature needs a `name` property."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for n, feature in enumerate(doc.get("features", [])):
        props = feature.get("properties") or {}
        name = props.get("name") or ("" if named else f"#{n}")
        if not name:
            raise ValueError(f"{path}: feature {n} has no 'name' property")
        out.append((str(name), props, shape(feature["geometry"])))
    return out


def zones_from_geojson(path: Path) -> dict[str, tuple[str, Line]]:
    """Service zones drawn in a GIS tool: Polygon or MultiPolygon features with `name` and
    `kind` (arterial, non_arterial, rural, holiday) properties. The parts of a MultiPolygon
    become `name`, `name#2`, ...; holes are not used (a zone is its outline)."""
    zones: dict[str, tuple[str, Line]] = {}
    for name, props, geometry in _features(path):
        parts = list(getattr(geometry, "geoms", [geometry]))
        if any(part.geom_type != "Polygon" for part in parts):
            raise ValueError(f"{path}: zone {name!r} is a {geometry.geom_type}, not a polygon")
        kind = props.get("kind", "arterial")
        for k, part in enumerate(parts):
            label = name if k == 0 else f"{name}#{k + 1}"
            zones[label] = (kind, [(x, y) for x, y, *_ in part.exterior.coords])
    return zones


def roads_from_geojson(path: Path) -> list[Road]:
    """A road network exported from a GIS: LineString/MultiLineString features whose
    `highway` property is an OSM road class (trunk … service; default residential) and whose
    `name` property, if any, is the street's name."""
    roads: list[Road] = []
    for name, props, geometry in _features(path, named=False):
        parts = list(getattr(geometry, "geoms", [geometry]))
        if any(part.geom_type != "LineString" for part in parts):
            raise ValueError(f"{path}: road {name!r} is a {geometry.geom_type}, not a line")
        road_class = props.get("highway", "residential")
        if road_class not in ROAD_CLASSES:
            raise ValueError(f"{path}: road {name!r} has highway={road_class!r}; "
                             f"expected one of {', '.join(ROAD_CLASSES)}")
        street = str(props.get("name") or "")
        roads.extend(Road(road_class, [(x, y) for x, y, *_ in part.coords], street)
                     for part in parts)
    return roads


def posts_from_geojson(path: Path) -> dict[str, tuple[float, float]]:
    """Duty posts as Point features with a `name` property."""
    posts = {}
    for name, _props, geometry in _features(path):
        if geometry.geom_type != "Point":
            raise ValueError(f"{path}: post {name!r} is a {geometry.geom_type}, not a point")
        posts[name] = (geometry.x, geometry.y)
    return posts


def demo_region(name: str) -> str:
    """The region name as DEMO_REGIONS knows it; an unknown one is a ValueError naming the
    known ones."""
    key = name.strip().lower()
    if key not in DEMO_REGIONS:
        raise ValueError(f"unknown demo region {name!r}; known: {', '.join(DEMO_REGIONS)}")
    return key


def scenario_path(scenario: str | Path | None, demo: object = False) -> Path:
    """The scenario a center runs: `--scenario` if given, else the `--demo` region's (a
    region name; any other true value, or none, is the default demo's)."""
    if scenario:
        return Path(scenario)
    if isinstance(demo, str) and demo:
        return DEMO_REGIONS[demo_region(demo)]
    return DEMO_SCENARIO


def load(path: Path = DEMO_SCENARIO) -> Scenario:
    """The scenario at `path`, validated whole: a ScenarioError lists every problem with its
    key and line, so a center fixes its file in one pass instead of meeting a KeyError."""
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScenarioError(path, [(exc.lineno, "", exc.msg)]) from None
    lines = key_lines(text)
    try:
        model = ScenarioModel.model_validate(doc)
    except ValidationError as exc:
        raise ScenarioError(path, _located(lines, pydantic_problems(exc))) from None
    zones_geo = _geojson(path, lines, "zones_geojson", model.zones_geojson, zones_from_geojson,
                         {})
    posts_geo = _geojson(path, lines, "posts_geojson", model.posts_geojson, posts_from_geojson,
                         {})
    roads_geo = _geojson(path, lines, "roads_geojson", model.roads_geojson, roads_from_geojson,
                         [])
    kinds = [*((("zones", name, "kind"), name, zone.kind) for name, zone in model.zones.items()),
             *((("zones_geojson",), name, kind) for name, (kind, _) in zones_geo.items())]
    drawn = [(("posts_geojson", name), point) for name, point in posts_geo.items()]
    problems = _located(lines, cross_problems(model, {*model.posts, *posts_geo}, kinds, drawn))
    if problems:
        raise ScenarioError(path, problems)
    return _scenario(path, doc, model, zones_geo, posts_geo, roads_geo)


def _located(lines: dict[Loc, int],
             problems: Iterable[tuple[Loc, str]]) -> list[tuple[int, str, str]]:
    return [(line_of(lines, loc), ".".join(map(str, loc)), message) for loc, message in problems]


def _geojson(path: Path, lines: dict[Loc, int], key: str, name: str | None,
             read: Callable[[Path], T], empty: T) -> T:
    """A GeoJSON file the scenario names under `key` (`empty` if it names none); a missing or
    bad file is an error of the scenario's line that names it."""
    if name is None:
        return empty
    try:
        return read(path.parent / name)
    except (OSError, ValueError) as exc:
        raise ScenarioError(path, [(line_of(lines, (key,)), key, str(exc))]) from None


def _scenario(path: Path, doc: dict, model: ScenarioModel, zones_geo: dict,
              posts_geo: dict, roads_geo: list[Road]) -> Scenario:
    roads = [Road(road.highway, list(road.line), road.name) for road in model.arterials]
    for town in model.towns.values() if not model.osm else ():
        # synthetic street grids only where no real roads are given: on an OSM extract a
        # town is where the simulated 110 places its slips, on the extract's own streets
        roads.extend(_street_grid(town))
    roads.extend(roads_geo)
    return Scenario(
        name=model.name,
        demo=model.demo,
        region=Region(**model.region.model_dump()),
        coastline=list(model.coastline),
        zones={**{k: (v.kind, list(v.ring)) for k, v in model.zones.items()}, **zones_geo},
        posts={**model.posts, **posts_geo},
        unit_specs=[u.model_dump(exclude_none=True) for u in model.units],
        roads=roads,
        addresses=model.addresses,
        towns=doc.get("towns", {}),
        program=doc.get("program", {}),
        osm_path=(path.parent / model.osm) if model.osm else None,
        basemap=(path.parent / model.basemap) if model.basemap else None,
        radio_ports=tuple(PortConfig(**p.model_dump()) for p in model.radio_ports),
        radio_status=RadioStatusCodes(frozenset(model.radio_status.arrived),
                                      frozenset(model.radio_status.emergency),
                                      frozenset(model.radio_status.free)),
        plates=model.plates,
    )
