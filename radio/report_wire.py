"""Decoded reports as JSON, for the radio bridge that sends them from the radio PC to the hub.

Only what the hub acts on crosses: positions (with or without a fix), page acknowledgements
and rejections (for the radio operator's log). Valid sentences that carry nothing for the hub
(satellites in view, an APRS message to someone else) stay on the radio PC. The raw frame goes
along as base64, so the operator sees on the hub exactly what came off the cable.
"""

from __future__ import annotations

import base64
import math
from datetime import datetime
from typing import Any

from radio.reports import Decoded, NoFix, PageAck, PositionReport, Rejected


def _raw(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None  # no fix: NaN, which JSON cannot carry


def to_wire(item: Decoded) -> dict[str, Any] | None:
    """The item as JSON, or None for what the hub has no use for."""
    if isinstance(item, PositionReport):
        return {"kind": "position", "fleet": item.fleet, "unit": item.unit,
                "time": _time(item.time), "lon": _finite(item.lon), "lat": _finite(item.lat),
                "speed_kmh": item.speed_kmh, "course": item.course, "status": item.status,
                "fix": item.fix, "emergency": item.emergency,
                "uncertainty_m": item.uncertainty_m, "raw": _raw(item.raw)}
    if isinstance(item, PageAck):
        return {"kind": "ack", "seq": item.seq, "fleet": item.fleet, "unit": item.unit,
                "raw": _raw(item.raw)}
    if isinstance(item, NoFix):
        return {"kind": "no_fix", "sentence": item.sentence, "time": _time(item.time),
                "raw": _raw(item.raw)}
    if isinstance(item, Rejected):
        return {"kind": "rejected", "reason": item.reason, "raw": _raw(item.raw)}
    return None


def from_wire(doc: dict[str, Any]) -> Decoded:
    """The item a bridge sent; anything malformed comes back as a Rejected saying so, so a
    broken bridge cannot stop the hub's radio handling."""
    try:
        raw = base64.b64decode(doc.get("raw", ""), validate=True)
        kind = doc["kind"]
        if kind == "position":
            when = datetime.fromisoformat(doc["time"]) if doc["time"] else None
            lon = math.nan if doc["lon"] is None else float(doc["lon"])
            lat = math.nan if doc["lat"] is None else float(doc["lat"])
            return PositionReport(int(doc["fleet"]), str(doc["unit"]), when, lon, lat,
                                  float(doc["speed_kmh"]), float(doc["course"]),
                                  int(doc["status"]), bool(doc["fix"]), raw,
                                  bool(doc["emergency"]),
                                  float(doc.get("uncertainty_m", 0.0)))  # older bridges
        if kind == "ack":
            return PageAck(int(doc["seq"]), int(doc["fleet"]), str(doc["unit"]), raw)
        if kind == "no_fix":
            when = datetime.fromisoformat(doc["time"]) if doc["time"] else None
            return NoFix(str(doc["sentence"]), when, raw)
        if kind == "rejected":
            return Rejected(str(doc["reason"]), raw)
        return Rejected(f"radio bridge sent an unknown kind {kind!r}", raw)
    except (KeyError, TypeError, ValueError) as exc:
        return Rejected(f"radio bridge sent a malformed report: {exc}", b"")
