"""The 110 alert slip: decoding and validation of what the feed sends (docs/alert-slip.md).

Validation lives in the core so the hub, `jingbao triage` and tests reject the same things with
the same reasons. It is complete: whatever `parse_alert_slip` accepts can be stored as it is in a
JSON column on SQLite and PostgreSQL and its id in a VARCHAR(80). A slip that passed here and then
failed in storage would be answered "resend later" on every resend, for ever, and SQLite and
PostgreSQL would disagree about which slips those are.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from dispatch.config import Region
from dispatch.datums import DATUMS, to_wgs84

MAX_MESSAGE_BYTES = 16 * 1024  # a real slip is under 3 KiB; this is the whole message, as UTF-8
MAX_DEPTH = 8  # a slip nests three deep (slip → structured → plates)
MAX_INTEGER_DIGITS = 20
MAX_SAFE_INTEGER = 2**53  # beyond it a double (JavaScript, SQLite's JSON functions) rounds it
MAX_ALERT_ID = 64  # fits VARCHAR(80) and the key "alert:{id}:{16 hex}" in VARCHAR(160)
MAX_RECEIVED_AT = 40
MAX_PHONE = 32
MAX_ADDRESS = 200
MAX_DESCRIPTION = 2000
MAX_PLATES = 10
MAX_PLATE = 16
MAX_INSURER = 40
MAX_STRUCTURED_KEYS = 20
MAX_STRUCTURED_KEY = 40
MAX_STRUCTURED_TEXT = 200
MAX_LOSS_CNY = 100_000_000
VEHICLES = (1, 100)
# Absurd outside; how far from the hub's clock a slip may be is the engine's rule.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(2101, 1, 1, tzinfo=UTC)

SLIP_FIELDS = ("alert_id", "received_at", "caller_phone", "location", "description", "structured")
LOCATION_FIELDS = ("lon", "lat", "address", "datum")
FLAGS = ("injuries", "vehicles_movable", "drink_driving", "hit_and_run", "hazardous_goods", "fire")

_SINGLE_LINE_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SlipRejected(ValueError):
    """An alert slip that cannot be accepted; the message is the reason sent back to 110."""


@dataclass(frozen=True)
class BadNumber:
    """A number JSON text carried that no double holds (NaN, 1e400, a 30-digit integer).

    `decode_slip` leaves it in place of the value so that `parse_alert_slip` can name the field it
    sits in; parse_alert_slip never lets one through.
    """

    why: str


@dataclass(frozen=True)
class AlertSlip:
    """A slip that passed every rule below; only `parse_alert_slip` makes one, so whoever holds
    one can store it."""

    alert_id: str
    received_at: datetime
    caller_phone: str
    lon: float
    lat: float
    address: str
    description: str
    structured: dict[str, Any] = field(default_factory=dict)
    # what 110 sent when it was not WGS-84: (datum, lon, lat), kept for the audit trail
    as_sent: tuple[str, float, float] | None = None

    def to_payload(self) -> dict[str, Any]:
        location: dict[str, Any] = {"lon": self.lon, "lat": self.lat, "address": self.address}
        if self.as_sent is not None:
            datum, lon, lat = self.as_sent
            location["as_sent"] = {"datum": datum, "lon": lon, "lat": lat}
        return {
            "alert_id": self.alert_id,
            "received_at": self.received_at.isoformat(),
            "caller_phone": self.caller_phone,
            "location": location,
            "description": self.description,
            "structured": dict(self.structured),
        }


# -- decoding the message ---------------------------------------------------------------------
def _float(literal: str) -> float | BadNumber:
    value = float(literal)
    if math.isfinite(value):
        return value
    return BadNumber(f"{literal[:24]} overflows a 64-bit float")


def _int(literal: str) -> int | BadNumber:
    digits = len(literal.lstrip("-"))
    if digits > MAX_INTEGER_DIGITS:
        return BadNumber(f"a {digits}-digit integer is out of range")
    return int(literal)


def _depth(doc: Any) -> int:
    """How deep arrays and objects nest, without recursion (the document may be deep)."""
    deepest, stack = 0, [(doc, 1)]
    while stack and deepest <= MAX_DEPTH:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in value)
    return deepest


def decode_slip(message: str | bytes) -> Any:
    """One feed message (a text frame, or a binary frame of UTF-8) as a document for
    `parse_alert_slip`. Bounds the work first: size before parsing, nesting during it."""
    if isinstance(message, bytes):
        size = len(message)
    else:
        size = len(message.encode("utf-8", "surrogatepass"))
    if size > MAX_MESSAGE_BYTES:
        raise SlipRejected(f"message: {size} bytes is over the limit of {MAX_MESSAGE_BYTES}")
    if isinstance(message, bytes):
        try:
            message = message.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise SlipRejected(f"message: not UTF-8 (byte {exc.start})") from exc
    try:
        doc = json.loads(message, parse_float=_float, parse_int=_int,
                         parse_constant=lambda name: BadNumber(f"{name} is not a JSON number"))
    except RecursionError as exc:
        raise SlipRejected(f"message: nested deeper than {MAX_DEPTH} levels") from exc
    except ValueError as exc:
        raise SlipRejected(f"malformed JSON: {exc}") from exc
    if _depth(doc) > MAX_DEPTH:
        raise SlipRejected(f"message: nested deeper than {MAX_DEPTH} levels")
    return doc


# -- field rules ------------------------------------------------------------------------------
_KINDS = {bool: "a boolean", int: "a number", float: "a number", str: "a string",
          list: "an array", dict: "an object", type(None): "null", BadNumber: "a number"}


def _kind(value: Any) -> str:
    """The JSON name of a value's type, for the reason 110 reads."""
    return _KINDS.get(type(value), type(value).__name__)


def _key(key: Any) -> str:
    text = key if isinstance(key, str) else repr(key)
    return text if len(text) <= MAX_STRUCTURED_KEY else text[:MAX_STRUCTURED_KEY] + "…"


def _text(value: Any, name: str, limit: int, *, required: bool = False,
          multiline: bool = False) -> str:
    """A string that UTF-8, PostgreSQL text and a one-line display all take, stripped."""
    if value is None:
        if required:
            raise SlipRejected(f"field {name!r} is required")
        return ""
    if not isinstance(value, str):
        raise SlipRejected(f"field {name!r} must be a string, got {_kind(value)}")
    value = value.strip()
    if required and not value:
        raise SlipRejected(f"field {name!r} must be a non-empty string")
    if len(value) > limit:
        raise SlipRejected(f"field {name!r} is {len(value)} characters, over the limit of {limit}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SlipRejected(f"field {name!r} has a lone surrogate at character {exc.start}, "
                           "which UTF-8 cannot encode") from exc
    control = (_MULTI_LINE_CONTROL if multiline else _SINGLE_LINE_CONTROL).search(value)
    if control:
        allowed = "only tab, LF and CR are allowed" if multiline else "none is allowed"
        raise SlipRejected(f"field {name!r} has control character U+{ord(control[0]):04X} at "
                           f"character {control.start()}; {allowed}")
    return value


def _alert_id(value: Any) -> str:
    text = _text(value, "alert_id", MAX_ALERT_ID, required=True)
    if not text.isprintable() or any(c.isspace() for c in text):
        raise SlipRejected(f"field 'alert_id' must be printable characters without whitespace: "
                           f"{text!r}")
    return text


def alert_id_of(doc: Any) -> str | None:
    """The slip's alert id if it is a valid one, so a rejection can name the slip it refuses;
    an id that is itself the problem is not echoed back."""
    try:
        return _alert_id(doc.get("alert_id")) if isinstance(doc, dict) else None
    except SlipRejected:
        return None


def _time(value: Any) -> datetime:
    raw = _text(value, "received_at", MAX_RECEIVED_AT, required=True)
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise SlipRejected(f"field 'received_at' is not ISO 8601: {raw!r}") from exc
    if when.tzinfo is None:
        raise SlipRejected("field 'received_at' must carry a UTC offset, e.g. +08:00")
    if not EARLIEST <= when < LATEST:  # compared as instants: no arithmetic to overflow
        raise SlipRejected(f"field 'received_at' is {raw}, outside the years "
                           f"{EARLIEST.year}..{LATEST.year - 1} (UTC)")
    return when


def _number(value: Any, name: str) -> int | float:
    """A finite number a double holds exactly enough; a boolean is not one (True == 1)."""
    if isinstance(value, BadNumber):
        raise SlipRejected(f"field {name!r} must be a finite number: {value.why}")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SlipRejected(f"field {name!r} must be a number, got {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise SlipRejected(f"field {name!r} must be a finite number, got {value}")
    if isinstance(value, int) and abs(value) > MAX_SAFE_INTEGER:
        raise SlipRejected(f"field {name!r} is beyond ±2**53")
    return value


def _in_range(value: Any, name: str, low: float, high: float) -> int | float:
    number = _number(value, name)
    if not low <= number <= high:
        raise SlipRejected(f"field {name!r} must lie within {low:,}..{high:,}, got {number}")
    return number


def _datum(value: Any) -> str:
    """Phones and Chinese map apps give GCJ-02 or BD-09; a slip says which (default WGS-84)."""
    if value is None:
        return "wgs84"
    if not isinstance(value, str):
        raise SlipRejected(f"field 'location.datum' must be a string, got {_kind(value)}")
    if value not in DATUMS:
        raise SlipRejected(f"field 'location.datum' must be one of {', '.join(DATUMS)}, "
                           f"got {_text(value, 'location.datum', 16)!r}")
    return value


def _location(location: Any, region: Region,
              ) -> tuple[float, float, str, tuple[str, float, float] | None]:
    """WGS-84 lon, lat, the address, and the point as sent when it came in another datum."""
    if not isinstance(location, dict):
        raise SlipRejected("field 'location' must be an object with lon, lat and address")
    _known_keys(location, LOCATION_FIELDS, "location.")
    sent_lon = float(_number(location.get("lon"), "location.lon"))
    sent_lat = float(_number(location.get("lat"), "location.lat"))
    datum = _datum(location.get("datum"))
    lon, lat = to_wgs84(sent_lon, sent_lat, datum)
    as_sent = None if datum == "wgs84" else (datum, sent_lon, sent_lat)
    if not region.contains(lon, lat):
        raise SlipRejected(
            f"location ({lon:.5f}, {lat:.5f}) is outside the region {region.name} "
            f"({region.min_lon}–{region.max_lon}°E, {region.min_lat}–{region.max_lat}°N)"
        )
    address = _text(location.get("address"), "location.address", MAX_ADDRESS, multiline=True)
    return lon, lat, address, as_sent


# -- structured facts -------------------------------------------------------------------------
def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise SlipRejected(f"field {name!r} must be true, false or null, got {_kind(value)}")
    return value


def _loss(value: Any, name: str) -> int | float:
    return _in_range(value, name, 0, MAX_LOSS_CNY)


def _vehicles(value: Any, name: str) -> int:
    if not isinstance(_number(value, name), int):
        raise SlipRejected(f"field {name!r} must be a whole number, got {value}")
    return int(_in_range(value, name, *VEHICLES))


def _plates(value: Any, name: str) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_PLATES:
        raise SlipRejected(f"field {name!r} must be a list of at most {MAX_PLATES} strings")
    return [_text(plate, f"{name}[{n}]", MAX_PLATE) for n, plate in enumerate(value)]


def _insurers(value: Any, name: str) -> list[str]:
    """The insurers of the vehicles involved, as 110 or the vehicle registry named them: the
    claim goes to the insured car's insurer, whose clerks may then follow the case."""
    if not isinstance(value, list) or len(value) > MAX_PLATES:
        raise SlipRejected(f"field {name!r} must be a list of at most {MAX_PLATES} strings")
    return [_text(insurer, f"{name}[{n}]", MAX_INSURER) for n, insurer in enumerate(value)]


def _scalar(value: Any, name: str) -> Any:
    """A structured fact no rule reads: kept for the dispatcher to see, if it is a plain value."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return _text(value, name, MAX_STRUCTURED_TEXT)
    if isinstance(value, int | float | BadNumber):
        return _number(value, name)
    raise SlipRejected(f"field {name!r} must be a string, number, boolean or null, "
                       f"got {_kind(value)}")


STRUCTURED_FIELDS: dict[str, Callable[[Any, str], Any]] = {
    **dict.fromkeys(FLAGS, _flag),
    "estimated_loss_cny": _loss,
    "vehicles": _vehicles,
    "plates": _plates,
    "insurers": _insurers,
}


def _structured(structured: Any) -> dict[str, Any]:
    if structured is None:
        return {}
    if not isinstance(structured, dict):
        raise SlipRejected(f"field 'structured' must be an object, got {_kind(structured)}")
    if len(structured) > MAX_STRUCTURED_KEYS:
        raise SlipRejected(f"field 'structured' has {len(structured)} keys, over the limit of "
                           f"{MAX_STRUCTURED_KEYS}")
    facts = {}
    for key, value in structured.items():
        name = f"structured.{_key(key)}"
        if not isinstance(key, str) or not 0 < len(key) <= MAX_STRUCTURED_KEY \
                or not key.isprintable():
            raise SlipRejected(f"field {name!r}: a key must be 1..{MAX_STRUCTURED_KEY} printable "
                               "characters")
        check = STRUCTURED_FIELDS.get(key, _scalar)
        facts[key] = None if value is None else check(value, name)
    return facts


def _known_keys(doc: dict[Any, Any], known: tuple[str, ...], prefix: str = "") -> None:
    """A misspelt field silently ignored would drop what 110 meant to say, so it is refused."""
    for key in doc:
        if key not in known:
            raise SlipRejected(f"unknown field {prefix + _key(key)!r}; the fields are "
                               f"{', '.join(prefix + k for k in known)}")


def parse_alert_slip(doc: Any, region: Region) -> AlertSlip:
    """Validate a decoded JSON document; raises SlipRejected naming the first problem."""
    if not isinstance(doc, dict):
        raise SlipRejected("an alert slip must be a JSON object")
    _known_keys(doc, SLIP_FIELDS)
    lon, lat, address, as_sent = _location(doc.get("location"), region)
    return AlertSlip(
        alert_id=_alert_id(doc.get("alert_id")),
        received_at=_time(doc.get("received_at")),
        caller_phone=_text(doc.get("caller_phone"), "caller_phone", MAX_PHONE),
        lon=lon,
        lat=lat,
        address=address,
        description=_text(doc.get("description"), "description", MAX_DESCRIPTION,
                          multiline=True),
        structured=_structured(doc.get("structured")),
        as_sent=as_sent,
    )
