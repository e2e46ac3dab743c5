"""What decoders produce: plain records the bridge hands on, independent of the protocol."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PositionReport:
    """A radio's GPS report. `fix` False means the receiver said "no fix": not a position."""

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
