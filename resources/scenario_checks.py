"""Errors in a scenario file, each named by its key and its line.

A center edits its scenario by hand, often far from the developer who wrote the loader, so an
error must say where to look: `center.json line 41: units.3.post: no post named '定海岗'`.
`json` gives no positions, so `key_lines` walks the (already valid) text once and notes the
line of every key; the checks that need the whole file (posts, zone kinds, points in the
region) live here too, since pydantic validates one value at a time.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Iterable, Iterator
from json.decoder import scanstring
from pathlib import Path

from pydantic import ValidationError

from dispatch.config import METRES_PER_DEGREE
from dispatch.service_hours import DEFAULT_SCHEDULES
from resources.scenario_model import ScenarioModel

Loc = tuple[str | int, ...]
_SPACE = re.compile(r"[ \t\n\r]*")


class ScenarioError(ValueError):
    """Every problem of one scenario file, each with its key and line."""

    def __init__(self, path: Path, problems: list[tuple[int, str, str]]) -> None:
        self.problems = problems  # (line, dotted key, message)
        lines = [f"{path.name} line {line}: {key}: {message}" if key else
                 f"{path.name} line {line}: {message}" for line, key, message in problems]
        super().__init__(f"{path}: {len(problems)} problem(s) in the scenario\n  "
                         + "\n  ".join(lines))


def key_lines(text: str) -> dict[Loc, int]:
    """The 1-based line of every key (and array element) of a valid JSON text, by path."""
    breaks = [i for i, c in enumerate(text) if c == "\n"]
    lines: dict[Loc, int] = {}
    decoder = json.JSONDecoder()

    def line(at: int) -> int:
        return bisect.bisect_right(breaks, at) + 1

    def value(at: int, path: Loc) -> int:
        at = _SPACE.match(text, at).end()
        lines.setdefault(path, line(at))
        if text[at] not in "{[":
            return decoder.raw_decode(text, at)[1]
        closing, index = ("}" if text[at] == "{" else "]"), 0
        at = _SPACE.match(text, at + 1).end()
        while text[at] != closing:
            if closing == "}":
                key, at = scanstring(text, _SPACE.match(text, at).end() + 1)
                lines[(*path, key)] = line(at)
                at = value(_SPACE.match(text, at).end() + 1, (*path, key))  # past the ':'
            else:
                at = value(at, (*path, index))
                index += 1
            at = _SPACE.match(text, at).end()
            if text[at] == ",":
                at = _SPACE.match(text, at + 1).end()
        return at + 1

    value(0, ())
    return lines


def line_of(lines: dict[Loc, int], loc: Loc) -> int:
    """The line of `loc`, or of its nearest enclosing key (a missing key's parent)."""
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


def pydantic_problems(error: ValidationError) -> Iterator[tuple[Loc, str]]:
    for item in error.errors():
        loc, message = tuple(item["loc"]), item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown key (misspelt?)"
        elif item["type"] == "value_error":
            message = str(item["ctx"]["error"])  # our own words, without pydantic's prefix
        yield loc, message


def cross_problems(model: ScenarioModel, posts: Iterable[str],
                   zone_kinds: Iterable[tuple[Loc, str, str]],
                   drawn: Iterable[tuple[Loc, tuple[float, float]]] = (),
                   ) -> Iterator[tuple[Loc, str]]:
    """What one value cannot tell: units at posts that exist, one unit per id and per radio,
    ports bound to known units, zones of kinds that have service hours, and every point inside
    the region (a swapped pair is named as such), including those `drawn` in GeoJSON files."""
    known_posts = set(posts)
    for n, unit in enumerate(model.units):
        if unit.post not in known_posts:
            yield ("units", n, "post"), (f"unit {unit.unit_id}: no post named {unit.post!r}; "
                                         f"posts: {', '.join(sorted(known_posts))}")
    yield from _duplicate_units(model)
    unit_ids = {unit.unit_id for unit in model.units}
    for n, port in enumerate(model.radio_ports):
        if port.unit is not None and port.unit not in unit_ids:
            yield ("radio_ports", n, "unit"), f"port {port.name}: no unit {port.unit!r}"
    kinds = set(DEFAULT_SCHEDULES) | set(model.program.schedules)
    for loc, name, kind in zone_kinds:
        if kind not in kinds:
            yield loc, (f"zone {name!r} has kind {kind!r}; known kinds: "
                        f"{', '.join(sorted(kinds))} (add others under program.schedules)")
    yield from _points_outside(model, [*_points(model), *drawn])


def _duplicate_units(model: ScenarioModel) -> Iterator[tuple[Loc, str]]:
    """A second unit with the same id, or the same radio (fleet and id), would take the first
    one's reports and pages without a word."""
    ids: set[str] = set()
    radios: dict[tuple[int, str], str] = {}
    for n, unit in enumerate(model.units):
        if unit.unit_id in ids:
            yield ("units", n, "unit_id"), f"unit id {unit.unit_id!r} is used twice"
        radio = (unit.fleet, unit.radio_id)
        if radio in radios:
            yield ("units", n, "radio_id"), (f"unit {unit.unit_id}: radio {unit.fleet}-"
                                             f"{unit.radio_id} is already unit {radios[radio]}'s")
        ids.add(unit.unit_id)
        radios.setdefault(radio, unit.unit_id)


def _points(model: ScenarioModel) -> Iterator[tuple[Loc, tuple[float, float]]]:
    for n, point in enumerate(model.coastline):
        yield ("coastline", n), point
    for name, zone in model.zones.items():
        for n, point in enumerate(zone.ring):
            yield ("zones", name, "ring", n), point
    for name, town in model.towns.items():
        yield ("towns", name, "center"), town.center
    for k, road in enumerate(model.arterials):
        for n, point in enumerate(road.line):
            yield ("arterials", k, "line", n), point
    for name, point in model.posts.items():
        yield ("posts", name), point


def _points_outside(model: ScenarioModel, points: Iterable[tuple[Loc, tuple[float, float]]],
                    ) -> Iterator[tuple[Loc, str]]:
    """A point outside the region widened by the fix margin is a mistake; when the swapped
    pair would be inside, latitude and longitude were written the wrong way round."""
    r = model.region
    margin = model.program.fix_region_margin_km * 1000 / METRES_PER_DEGREE

    def inside(lon: float, lat: float) -> bool:
        return (r.min_lon - margin <= lon <= r.max_lon + margin
                and r.min_lat - margin <= lat <= r.max_lat + margin)

    for loc, (lon, lat) in points:
        if inside(lon, lat):
            continue
        if inside(lat, lon):
            yield loc, (f"[{lon}, {lat}] has latitude and longitude swapped: "
                        f"write [longitude, latitude], here [{lat}, {lon}]")
        else:
            yield loc, (f"[{lon}, {lat}] lies outside the region {r.name} "
                        f"({r.min_lon}–{r.max_lon}°E, {r.min_lat}–{r.max_lat}°N)")
