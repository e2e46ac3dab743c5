"""What decoders produce: plain records the bridge hands on, independent of the protocol.

Every decoder builds its fixes through `position`, so one rule decides what may reach the map
whatever the protocol: finite numbers, coordinates in range and not 0,0, speed ≥ 0, course in
[0, 360), a time with its time zone or none.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

NO_PLACE = math.nan


@dataclass(frozen=True)
class PositionReport:
    """A radio's GPS report. `fix` False means the receiver said "no fix": not a position.

    fix False: lon/lat are NaN, never a place (a FleetSync report still carries the radio's
    status key, e.g. its emergency button, so it is not dropped). fix True: the numbers passed
    `position`'s checks.
    """

    fleet: int
    unit: str
    time: datetime | None
    lon: float
    lat: float
    speed_kmh: float
    course: float
    status: int
    fix: bool
    raw: bytes
    emergency: bool = False  # the radio's emergency key or Mic-E "Emergency"
    # half the side of the box the sender blurred the fix to (APRS position ambiguity); the
    # fix is the box's centre. 0: as precise as the format carries.
    uncertainty_m: float = 0.0


@dataclass(frozen=True)
class PageAck:
    seq: int
    fleet: int
    unit: str
    raw: bytes


@dataclass(frozen=True)
class NoFix:
    """The receiver reported, but without a valid fix: not a position."""

    sentence: str
    time: datetime | None
    raw: bytes


@dataclass(frozen=True)
class Other:
    """A valid sentence that carries no position (satellites, DOP, proprietary status)."""

    sentence: str
    raw: bytes


@dataclass(frozen=True)
class Rejected:
    reason: str
    raw: bytes


Decoded = PositionReport | NoFix | Other | PageAck | Rejected


def _place_problem(lon: float, lat: float) -> str | None:
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return f"coordinates not finite: {lat}, {lon}"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"coordinates out of range: {lat}, {lon}"
    if lat == 0 and lon == 0:  # "null island": a receiver's empty default, not a place
        return "zero coordinates: 0, 0 is a receiver's default, not a place"
    return None


def _course(degrees: float) -> float:
    """Into [0, 360): a tiny negative course rounds to 360.0 under `%`, which is 0."""
    course = degrees % 360.0
    return 0.0 if course >= 360.0 else course


def position(*, fleet: int, unit: str, time: datetime | None, lon: float, lat: float,
             speed_kmh: float, course: float, status: int, raw: bytes,
             emergency: bool = False, uncertainty_m: float = 0.0) -> PositionReport | Rejected:
    """A fix, or the reason it is none. A negative speed is a stationary radio's noise and
    reads as 0; a speed or course that is no number at all means the frame is corrupt."""
    problem = _place_problem(lon, lat)
    if problem is None and not math.isfinite(speed_kmh):
        problem = f"speed not a finite number: {speed_kmh}"
    if problem is None and not math.isfinite(course):
        problem = f"course not a finite number: {course}"
    if problem is None and time is not None and time.utcoffset() is None:
        problem = f"time without a time zone: {time.isoformat()}"
    if problem is not None:
        return Rejected(problem, raw)
    return PositionReport(fleet=fleet, unit=unit, time=time, lon=lon, lat=lat,
                          speed_kmh=max(0.0, speed_kmh), course=_course(course),
                          status=status, fix=True, raw=raw, emergency=emergency,
                          uncertainty_m=uncertainty_m)


def no_fix(*, fleet: int, unit: str, time: datetime | None, status: int,
           raw: bytes) -> PositionReport:
    """A radio's report without a usable fix: its ids and status key, no place."""
    return PositionReport(fleet=fleet, unit=unit, time=time, lon=NO_PLACE, lat=NO_PLACE,
                          speed_kmh=0.0, course=0.0, status=status, fix=False, raw=raw)
