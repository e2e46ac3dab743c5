"""Tunable numbers of the program in one place, with the values the seed article implies."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dispatch.china_calendar import CALENDAR
from dispatch.service_hours import DEFAULT_SCHEDULES, Schedules
from dispatch.working_calendar import WorkingCalendar, calendar_from_config

METRES_PER_DEGREE = 111_320.0  # of latitude, and of longitude at the equator
# how far outside the region a radio fix is still drawn (program.fix_region_margin_km)
FIX_REGION_MARGIN_M = 10_000.0


@dataclass(frozen=True)
class Region:
    """The area a center serves; an alert outside it is rejected as a wrong coordinate."""

    name: str
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def contains(self, lon: float, lat: float, margin_m: float = 0.0) -> bool:
        """Inside the box, widened by `margin_m` on every side (a guide may ride a little past
        the region's edge; a fix far outside it is a wrong coordinate, not a place)."""
        dlat = margin_m / METRES_PER_DEGREE
        dlon = dlat / max(math.cos(math.radians((self.min_lat + self.max_lat) / 2)), 1e-6)
        return (self.min_lon - dlon <= lon <= self.max_lon + dlon
                and self.min_lat - dlat <= lat <= self.max_lat + dlat)


ZHOUSHAN = Region("舟山本岛", 121.95, 29.88, 122.40, 30.22)


@dataclass(frozen=True)
class ProgramRules:
    """Eligibility limits of the joint program; other Zhejiang programs use ¥10,000 per party.

    `schedules` maps a zone kind to its service windows; `calendar` says which days are
    holidays and which weekend days are worked (the bundled one, generated from
    chinese-calendar; a scenario may add years to it)."""

    max_estimated_loss_cny: float = 10_000.0
    schedules: Schedules = field(default_factory=lambda: dict(DEFAULT_SCHEDULES))
    calendar: WorkingCalendar = CALENDAR


def program_calendar(program: Mapping[str, Any]) -> WorkingCalendar:
    """A scenario's working calendar: its `program.calendar` years (typed in once published)
    over the bundled one, and its `program.holidays` as the city's own extra days off."""
    return calendar_from_config(program.get("calendar"), CALENDAR, program.get("holidays", ()))


@dataclass(frozen=True)
class TravelModel:
    """Straight-line ETA model used until a road graph is loaded."""

    speed_kmh: float = 25.0  # e-motorcycle in city traffic
    detour_factor: float = 1.4  # road distance / straight-line distance, typical for towns


ARRIVAL_GEOFENCE_M = 50.0
ARRIVAL_DWELL_FIXES = 2  # consecutive fixes inside the fence: one noisy fix is not arrival


@dataclass(frozen=True)
class RadioStatusCodes:
    """A fleet's status-code plan: the codes a radio sends with "arrived", "job done / free"
    and with its emergency key (FleetSync carries them in the sender status field). Plans differ
    between fleets, so the scenario sets them (`radio_status`); these are the common plan's
    codes."""

    arrived: frozenset[int] = frozenset({3})
    emergency: frozenset[int] = frozenset({99})
    free: frozenset[int] = frozenset({4})  # "job done / free"


DEFAULT_RADIO_STATUS = RadioStatusCodes()

# highway=* values an e-motorcycle rides on, with their class index into the speed tables: the
# core's vocabulary, which scenarios (resources/) and road graphs (map/) both speak
ROAD_CLASSES = ("trunk", "primary", "secondary", "tertiary", "unclassified", "residential",
                "living_street", "service")
