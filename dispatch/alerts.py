"""The 110 alert slip: parsing and validation of what the feed sends (docs/alert-slip.md).

Validation lives in the core so the hub, `jingbao triage` and tests reject the same things with
the same reasons.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatch.config import Region


class SlipRejected(ValueError):
    """An alert slip that cannot be accepted; the message is the reason sent back to 110."""


@dataclass(frozen=True)
class AlertSlip:
    alert_id: str
    received_at: datetime
    caller_phone: str
    lon: float
    lat: float
    address: str
    description: str
    structured: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "received_at": self.received_at.isoformat(),
            "caller_phone": self.caller_phone,
            "location": {"lon": self.lon, "lat": self.lat, "address": self.address},
            "description": self.description,
            "structured": dict(self.structured),
        }


STRUCTURED_TYPES: dict[str, tuple[type, ...]] = {
    "injuries": (bool,),
    "vehicles_movable": (bool,),
    "estimated_loss_cny": (int, float),
    "vehicles": (int,),
    "plates": (list,),
}


def _text(doc: dict[str, Any], key: str, *, required: bool = True) -> str:
    value = doc.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise SlipRejected(f"field '{key}' must be a non-empty string")
    return value.strip()


def _time(doc: dict[str, Any]) -> datetime:
    raw = _text(doc, "received_at")
    try:
        value = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SlipRejected(f"field 'received_at' is not ISO 8601: {raw!r}") from exc
    if value.tzinfo is None:
        raise SlipRejected("field 'received_at' must carry a UTC offset, e.g. +08:00")
    return value


def _coordinate(location: dict[str, Any], key: str) -> float:
    value = location.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise SlipRejected(f"field 'location.{key}' must be a number")
    return float(value)


def _structured(doc: dict[str, Any]) -> dict[str, Any]:
    structured = doc.get("structured") or {}
    if not isinstance(structured, dict):
        raise SlipRejected("field 'structured' must be an object")
    for key, value in structured.items():
        expected = STRUCTURED_TYPES.get(key)
        if expected and value is not None and (
            not isinstance(value, expected) or (bool not in expected and isinstance(value, bool))
        ):
            raise SlipRejected(f"field 'structured.{key}' has the wrong type")
    return dict(structured)


def parse_alert_slip(doc: Any, region: Region) -> AlertSlip:
    """Validate a decoded JSON document; raises SlipRejected naming the first problem."""
    if not isinstance(doc, dict):
        raise SlipRejected("an alert slip must be a JSON object")
    location = doc.get("location")
    if not isinstance(location, dict):
        raise SlipRejected("field 'location' must be an object with lon, lat and address")
    lon, lat = _coordinate(location, "lon"), _coordinate(location, "lat")
    if not region.contains(lon, lat):
        raise SlipRejected(
            f"location ({lon:.5f}, {lat:.5f}) is outside the region {region.name} "
            f"({region.min_lon}–{region.max_lon}°E, {region.min_lat}–{region.max_lat}°N)"
        )
    return AlertSlip(
        alert_id=_text(doc, "alert_id"),
        received_at=_time(doc),
        caller_phone=_text(doc, "caller_phone", required=False),
        lon=lon,
        lat=lat,
        address=_text(location, "address", required=False),
        description=_text(doc, "description", required=False),
        structured=_structured(doc),
    )
