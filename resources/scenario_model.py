"""The scenario file's grammar, as pydantic models: what keys exist, their types and ranges.

A center writes its scenario by hand, so a misspelt key (`max_estimated_loss` for
`max_estimated_loss_cny`) must be refused, not silently replaced by a default. The same models
give the published JSON Schema (docs/scenario.schema.json) that an editor can check against.
Checks that need the whole file (a unit's post exists, a zone's kind has service hours, points
lie in the region) are in `resources.scenario_checks`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)

from dispatch.clocks import DEFAULT_CLOCK
from dispatch.config import DEFAULT_RADIO_STATUS, ROAD_CLASSES
from dispatch.lifecycle import IncidentStatus
from dispatch.retirement import DEFAULT_KEPT
from radio.ports import PROTOCOLS as PORT_PROTOCOLS

Longitude = Annotated[float, Field(ge=-180, le=180)]
Latitude = Annotated[float, Field(ge=-90, le=90)]


def _lon_lat(point: tuple[float, float]) -> tuple[float, float]:
    """A pair in range; a pair whose "latitude" is past 90 but fits as a longitude was written
    the wrong way round (the common mistake when copying from a map that shows lat, lon)."""
    lon, lat = point
    if -180 <= lon <= 180 and -90 <= lat <= 90:
        return point
    if -180 <= lat <= 180 and -90 <= lon <= 90:
        raise ValueError(f"[{lon}, {lat}] has latitude and longitude swapped: write "
                         f"[longitude, latitude], here [{lat}, {lon}]")
    raise ValueError(f"[{lon}, {lat}] is not a [longitude, latitude] pair in range")


LonLat = Annotated[tuple[float, float], AfterValidator(_lon_lat), WithJsonSchema({
    "type": "array", "description": "[longitude, latitude], WGS-84 degrees",
    "prefixItems": [{"type": "number", "minimum": -180, "maximum": 180},
                    {"type": "number", "minimum": -90, "maximum": 90}],
    "minItems": 2, "maxItems": 2})]
Name = Annotated[str, StringConstraints(min_length=1)]
Year = Annotated[str, StringConstraints(pattern=r"^\d{4}$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Protocol = Literal[tuple(PORT_PROTOCOLS)]  # type: ignore[valid-type]
RoadClass = Literal[tuple(ROAD_CLASSES)]  # type: ignore[valid-type]


class _Strict(BaseModel):
    """Unknown keys are errors: a typo must not fall back to a default without a word."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RegionModel(_Strict):
    name: Name
    min_lon: Longitude
    min_lat: Latitude
    max_lon: Longitude
    max_lat: Latitude

    @model_validator(mode="after")
    def _ordered(self) -> RegionModel:
        if self.min_lon >= self.max_lon or self.min_lat >= self.max_lat:
            raise ValueError("min_lon must be below max_lon and min_lat below max_lat")
        return self


class WindowModel(_Strict):
    start: ClockTime = Field(alias="from", description="HH:MM, local time (UTC+8)")
    to: ClockTime = Field(description="HH:MM, exclusive; 24:00 for midnight")
    days: Literal["every", "weekdays"] = "every"
    holidays: Literal["any", "only", "never"] = "any"


class ClockModel(_Strict):
    """The 8-minute clock; a key left out keeps the default of dispatch.clocks."""

    warn_min: float = Field(DEFAULT_CLOCK.warn_s / 60, gt=0, le=240)
    breach_min: float = Field(DEFAULT_CLOCK.breach_s / 60, gt=0, le=240)
    start: IncidentStatus = DEFAULT_CLOCK.start
    stop: list[IncidentStatus] = Field(default_factory=lambda: sorted(DEFAULT_CLOCK.stop))

    @model_validator(mode="after")
    def _warn_before_breach(self) -> ClockModel:
        if self.warn_min >= self.breach_min:
            raise ValueError("warn_min must be above 0 and below breach_min")
        return self


class CalendarYearModel(_Strict):
    """One year of China's working calendar as published (dispatch.working_calendar)."""

    holidays: list[date] = Field(default_factory=list, description="days off, ISO dates")
    workdays: list[date] = Field(default_factory=list,
                                 description="make-up working days on a weekend, ISO dates")


class ProgramModel(_Strict):
    max_estimated_loss_cny: float = Field(10_000, gt=0, le=1_000_000)
    note: str = ""
    schedules: dict[Name, list[WindowModel]] = Field(
        default_factory=dict, description="service hours per zone kind; replaces the default "
                                          "hours of that kind (arterial, non_arterial, rural, "
                                          "holiday)")
    holidays: list[date] = Field(
        default_factory=list, description="the city's own extra days off, ISO dates")
    calendar: dict[Year, CalendarYearModel] | None = Field(
        None, description="working-calendar years newer than the bundled one, by year")
    fix_region_margin_km: float = Field(10.0, ge=0, le=1000)
    ended_kept_hours: float = Field(
        DEFAULT_KEPT.total_seconds() / 3600, gt=0, le=24 * 31,
        description="how long an ended case stays in the live state and the consoles' queue "
                    "before only the log (review, reports) holds it")
    clock: ClockModel | None = None


class ZoneModel(_Strict):
    kind: Name = Field(description="a zone kind with service hours: arterial, non_arterial, "
                                   "rural, holiday, or a kind named under program.schedules")
    ring: list[LonLat] = Field(min_length=3)


def grid_steps(half: float, spacing: float) -> int:
    """Grid lines on each side of a town's centre line: the one count the street grid and the
    check of its street names both use, so they never disagree about a town's lines."""
    return int(half / spacing + 1e-9)


class TownModel(_Strict):
    """A synthetic town: a street grid of `spacing` degrees around `center`. Its lines may be
    named, and the named `main_streets` are a higher road class than the rest, so the demo's
    map reads as a town (main roads drawn wider, named streets) and its riders prefer them."""

    center: LonLat
    half_size: tuple[Annotated[float, Field(gt=0, le=1)], Annotated[float, Field(gt=0, le=1)]]
    spacing: float = Field(gt=0, le=1)
    north_south: list[Name] | None = Field(
        None, description="the names of the north-south streets, west to east, one per line")
    east_west: list[Name] | None = Field(
        None, description="the names of the east-west streets, south to north, one per line")
    main_streets: list[Name] = Field(
        default_factory=list, description="the named streets that are main streets "
                                          "(secondary; the others are tertiary)")

    @model_validator(mode="after")
    def _one_name_a_line(self) -> TownModel:
        for key, half, direction in (("north_south", self.half_size[0], "north-south"),
                                     ("east_west", self.half_size[1], "east-west")):
            names, lines = getattr(self, key), 2 * grid_steps(half, self.spacing) + 1
            if names is not None and len(names) != lines:
                raise ValueError(f"{key} names {len(names)} streets; the grid has {lines} "
                                 f"{direction} lines")
        named = {*(self.north_south or ()), *(self.east_west or ())}
        if unknown := [name for name in self.main_streets if name not in named]:
            raise ValueError(f"main_streets {', '.join(unknown)} name no street of the grid")
        return self


class ArterialModel(_Strict):
    """A road between the towns: its polyline, name and road class (the highest by default,
    as the national and provincial roads that link towns are)."""

    name: str = Field("", description="the road's name; empty for an unnamed road")
    highway: RoadClass = "trunk"
    line: list[LonLat] = Field(min_length=2)

    @model_validator(mode="before")
    @classmethod
    def _bare_polyline(cls, data: object) -> object:
        """A bare polyline, the form before roads had names, is an unnamed primary road: a
        center's older file keeps its roads."""
        return {"line": data, "highway": "primary"} if isinstance(data, list) else data


class UnitModel(_Strict):
    unit_id: Name
    name: Name
    kind: Literal["guide", "police_moto", "survey_car"]
    fleet: int = Field(ge=100, le=349, description="FleetSync fleet number")
    radio_id: Annotated[str, StringConstraints(pattern=r"^\d{4}$")] = Field(
        description="FleetSync unit id, 4 digits (1000-4999)")
    post: Name = Field(description="the name of a post under `posts` or `posts_geojson`")
    shift: str | list[str] | None = Field(
        None, description="'07:00-19:00' or a list like ['Mon-Fri 19:00-07:00']")
    insurer: Name | None = Field(None, description="the insurer a guide works for")


class RadioPortModel(_Strict):
    name: Name
    url: Name
    protocol: Protocol = "gateway"
    baudrate: int = Field(9600, validation_alias=AliasChoices("baudrate", "baud"), gt=0)
    parity: Literal["N", "E", "O"] = "N"
    allow_no_checksum: bool = Field(
        False, validation_alias=AliasChoices("allow_no_checksum", "no_checksum"))
    unit: str | None = None


class RadioStatusModel(_Strict):
    """The fleet's status-code plan: which codes a radio sends for "arrived", for "job done /
    free" and for its emergency key. Code plans differ between fleets, so they are configuration."""

    arrived: list[Annotated[int, Field(ge=0, le=99)]] = Field(
        default_factory=lambda: sorted(DEFAULT_RADIO_STATUS.arrived))
    emergency: list[Annotated[int, Field(ge=0, le=99)]] = Field(
        default_factory=lambda: sorted(DEFAULT_RADIO_STATUS.emergency))
    free: list[Annotated[int, Field(ge=0, le=99)]] = Field(
        default_factory=lambda: sorted(DEFAULT_RADIO_STATUS.free),
        description='the guide\'s "job done / free" key: closes the case on the scene')


class ScenarioModel(_Strict):
    """A center's scenario: region, service zones, duty posts, roster, roads, radio ports."""

    model_config = ConfigDict(title="Jingbao Console scenario")

    name: Name
    demo: bool = False
    region: RegionModel
    coastline: list[LonLat] = Field(default_factory=list)
    program: ProgramModel = Field(default_factory=ProgramModel)
    zones: dict[Name, ZoneModel] = Field(default_factory=dict)
    zones_geojson: str | None = Field(None, description="service zones drawn in a GIS tool")
    towns: dict[Name, TownModel] = Field(default_factory=dict)
    arterials: list[ArterialModel] = Field(
        default_factory=list, description="roads between the towns (a bare polyline is still "
                                          "read, as an unnamed primary road)")
    roads_geojson: str | None = None
    osm: str | None = Field(None, description="an OSM road extract for routing")
    basemap: str | None = Field(None, description="offline tile pack (.mbtiles)")
    posts: dict[Name, LonLat] = Field(default_factory=dict)
    posts_geojson: str | None = None
    units: list[UnitModel] = Field(min_length=1)
    addresses: dict[str, list[str]] = Field(default_factory=dict)
    plates: str = Field(
        "浙L@#####", min_length=1, max_length=16, pattern=r"[@#]",
        description="how the simulated 110 feed (demo) writes number plates: @ a letter, "
                    "# a digit, anything else as it stands")
    radio_ports: list[RadioPortModel] = Field(default_factory=list)
    radio_status: RadioStatusModel = Field(default_factory=RadioStatusModel)
