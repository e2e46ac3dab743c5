"""APRS payloads: positions (uncompressed, compressed, Mic-E with its emergency status; position
ambiguity decoded to the centre of its box with the box's size; the !DAO! extension's extra
digits), objects and items, messages and acks, from the AX.25 information field or a TNC2
monitor line.

Written here rather than taken from aprslib, which is GPL-2.0 and would bind the project's
licence (Apache-2.0). Each data type has its own small function; `parse_info` dispatches on
the first byte. Reference: APRS Protocol Reference 1.0.1, chapters 8–10 and 14.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from radio.reports import Other, PageAck, PositionReport, Rejected, position

KNOT_KMH = 1.852
METRES_PER_MINUTE = 1852.0  # one minute of latitude: a nautical mile
# the side, in minutes, of the box a position stands for at each ambiguity level (spaces for
# the last 0-4 digits of DDMM.hh): exact, 0.1', 1', 10', 1°
_BOX_MINUTES = (0.0, 0.1, 1.0, 10.0, 60.0)
_UNCOMPRESSED = re.compile(
    rb"^(\d{2})([\d ]{2}\.[\d ]{2})([NS])(.)(\d{3})([\d ]{2}\.[\d ]{2})([EW])(.)"
    rb"(?:(\d{3})/(\d{3}))?")
_DAO = re.compile(rb"!([Ww])([\x21-\x7b]{2})!")
_MESSAGE = re.compile(rb"^:([^:]{9}):(.*?)(?:\{([A-Za-z0-9]{1,5}))?$", re.S)
_ACK = re.compile(rb"^ack([A-Za-z0-9]{1,5})")
_ITEM = re.compile(rb"^\)([^!_]{3,9})([!_])")

# Mic-E: destination characters → (digit, message bit); K, L and Z are blanked digits
_MICE_DIGIT = {**{c: (int(c), 0) for c in "0123456789"}, "L": (0, 0),
               **{chr(ord("A") + n): (n, 1) for n in range(10)}, "K": (0, 1),
               **{chr(ord("P") + n): (n, 1) for n in range(10)}, "Z": (0, 1)}
_MICE_BLANK = "KLZ"


@dataclass(frozen=True)
class AprsMessage:
    """A text message to `addressee` (a page to a unit, or telemetry parameters)."""

    source: str
    addressee: str
    text: str
    msg_id: str | None
    raw: bytes


@dataclass(frozen=True)
class AprsObject:
    """An object or item a station put on the map (an accident, a road block, a checkpoint).
    It is a place the sender names, not the sender's own position, so it must never move the
    sending unit; `alive` False means the sender deleted it."""

    source: str
    name: str
    kind: str  # "object" or "item"
    alive: bool
    lon: float
    lat: float
    uncertainty_m: float
    comment: str
    raw: bytes


@dataclass(frozen=True)
class _Place:
    lat: float
    lon: float
    course: float = 0.0
    speed_kn: float = 0.0
    uncertainty_m: float = 0.0
    comment: bytes = b""


def _report(source: str, place: _Place, raw: bytes,
            emergency: bool = False) -> PositionReport | Rejected:
    return position(fleet=0, unit=source, time=None, lon=place.lon, lat=place.lat,
                    speed_kmh=place.speed_kn * KNOT_KMH, course=place.course,
                    status=99 if emergency else 0, raw=raw, emergency=emergency,
                    uncertainty_m=place.uncertainty_m)


def _ambiguity(minutes: str) -> int:
    """How many trailing digits of MM.hh the sender blanked (APRS101 ch. 8, "position
    ambiguity"); a blank before a digit is no ambiguity but a corrupt field."""
    digits = minutes.replace(".", "")
    level = len(digits) - len(digits.rstrip(" "))
    if " " in digits.rstrip(" "):
        raise ValueError(f"position ambiguity: blank inside {minutes!r}")
    return level


def _minutes(hundredths: int, level: int) -> float:
    """Minutes at the centre of the ambiguity box, not its corner: the digits below the
    box dropped (the longitude's too, as the latitude's level rules both), half a box added."""
    if not level:
        return hundredths / 100
    box = round(_BOX_MINUTES[level] * 100)
    return (hundredths // box * box + box / 2) / 100


def _dao(comment: bytes, level: int) -> tuple[float, float]:
    """Extra minutes of latitude and longitude from a `!DAO!` extension (APRS 1.2, WGS-84
    only): `!Wab!` adds a and b thousandths of a minute, `!wAB!` adds base-91 A/91 and B/91
    hundredths. Meaningless on an ambiguous position, where it is ignored."""
    found = _DAO.search(comment)
    if found is None or level:
        return 0.0, 0.0
    lat_c, lon_c = found[2]
    if found[1] == b"W":
        if not found[2].isdigit():
            return 0.0, 0.0
        return (lat_c - 48) / 1000, (lon_c - 48) / 1000
    return (lat_c - 33) / 91 / 100, (lon_c - 33) / 91 / 100


def _signed(degrees: float, minutes: float, negative: bool) -> float:
    value = degrees + minutes / 60
    return -value if negative else value


def _uncompressed(body: bytes) -> _Place:
    m = _UNCOMPRESSED.match(body)
    if not m:
        raise ValueError("position: neither compressed nor DDMM.hhN/DDDMM.hhW")
    level = _ambiguity(m[2].decode())
    comment = body[m.end():]
    extra_lat, extra_lon = _dao(comment, level)
    lat_min = _minutes(int(m[2].replace(b".", b"").replace(b" ", b"0")), level) + extra_lat
    lon_min = _minutes(int(m[6].replace(b".", b"").replace(b" ", b"0")), level) + extra_lon
    course, speed = (int(m[9]), int(m[10])) if m[9] else (0, 0)
    return _Place(_signed(int(m[1]), lat_min, m[3] == b"S"),
                  _signed(int(m[5]), lon_min, m[7] == b"W"), course, speed,
                  _BOX_MINUTES[level] / 2 * METRES_PER_MINUTE, comment)


def _base91(chars: bytes) -> int:
    value = 0
    for c in chars:
        if not 33 <= c <= 123:
            raise ValueError("not base-91")
        value = value * 91 + (c - 33)
    return value


def _compressed(body: bytes) -> _Place:
    if len(body) < 13:
        raise ValueError("compressed position too short")
    lat = 90 - _base91(body[1:5]) / 380926
    lon = -180 + _base91(body[5:9]) / 190463
    c, s, t = body[10], body[11], body[12]
    course = speed = 0.0
    if c != 32 and 33 <= c <= 122 and (t - 33) & 0x18 != 0x10:  # not an altitude
        course, speed = (c - 33) * 4.0, 1.08 ** (s - 33) - 1
    return _Place(lat, lon, course, speed, 0.0, body[13:])


def _place(body: bytes) -> _Place:
    if body[:1].isdigit() or body[:1] == b" ":
        return _uncompressed(body)
    return _compressed(body)


def _position(source: str, body: bytes, raw: bytes) -> PositionReport | Rejected:
    return _report(source, _place(body), raw)


def _mic_e_latitude(dest: str) -> tuple[int, float, int]:
    """Latitude degrees, minutes (box centre) and ambiguity level from the destination's six
    digits, where K, L and Z are blanked digits."""
    digits = "".join(" " if ch in _MICE_BLANK else str(_MICE_DIGIT[ch][0]) for ch in dest)
    level = _ambiguity(f"{digits[2:4]}.{digits[4:6]}")
    return int(digits[:2]), _minutes(int(digits[2:].replace(" ", "0")), level), level


def _mic_e(source: str, destination: str, info: bytes, raw: bytes) -> PositionReport | Rejected:
    dest = destination.split("-")[0]
    if len(dest) != 6 or any(ch not in _MICE_DIGIT for ch in dest) or len(info) < 9:
        return Rejected("Mic-E: destination or information field malformed", raw)
    if any(ch in _MICE_BLANK for ch in dest[:2]):
        return Rejected("Mic-E: blank latitude degrees", raw)
    lat_deg, lat_min, level = _mic_e_latitude(dest)
    north, west = dest[3] >= "P", dest[5] >= "P"
    d = info[1] - 28 + (100 if dest[4] >= "P" else 0)
    d = d - 80 if 180 <= d <= 189 else d - 190 if 190 <= d <= 199 else d
    m = info[2] - 28
    m = m - 60 if m >= 60 else m
    extra_lat, extra_lon = _dao(info[9:], level)
    lon_min = _minutes(m * 100 + info[3] - 28, level) + extra_lon
    sp, dc, se = info[4] - 28, info[5] - 28, info[6] - 28
    speed, course = sp * 10 + dc // 10, (dc % 10) * 100 + se
    speed, course = (speed - 800 if speed >= 800 else speed), (course - 400 if course >= 400
                                                               else course)
    # all three message bits 0 in standard encoding ("0"-"9" or "L") is Mic-E's Emergency
    emergency = all(ch in "0123456789L" for ch in dest[:3])
    place = _Place(_signed(lat_deg, lat_min + extra_lat, not north), _signed(d, lon_min, west),
                   course, speed, _BOX_MINUTES[level] / 2 * METRES_PER_MINUTE)
    return _report(source, place, raw, emergency)


def _named(source: str, name: bytes, kind: str, alive: bool, body: bytes,
           raw: bytes) -> AprsObject | Rejected:
    place = _place(body)
    checked = _report(source, place, raw)  # the one rule for coordinates (radio.reports)
    if isinstance(checked, Rejected):
        return checked
    return AprsObject(source, name.decode("utf-8", "replace").rstrip(), kind, alive,
                      checked.lon, checked.lat, place.uncertainty_m,
                      place.comment.decode("utf-8", "replace"), raw)


def _object(source: str, info: bytes, raw: bytes) -> AprsObject | Rejected:
    """`;NAME_____*DDHHMMz` + position: a 9-character name, `*` live or `_` killed, a time."""
    if len(info) < 18 or info[10:11] not in (b"*", b"_"):
        return Rejected("APRS object: expected ;NAME(9)*DDHHMMz then a position", raw)
    return _named(source, info[1:10], "object", info[10:11] == b"*", info[18:], raw)


def _item(source: str, info: bytes, raw: bytes) -> AprsObject | Rejected:
    """`)NAME!` + position: a 3-9 character name ended by `!` live or `_` killed."""
    m = _ITEM.match(info)
    if not m:
        return Rejected("APRS item: expected )NAME! or )NAME_ then a position", raw)
    return _named(source, m[1], "item", m[2] == b"!", info[m.end():], raw)


def _message(source: str, body: bytes, raw: bytes) -> AprsMessage | PageAck | Rejected:
    m = _MESSAGE.match(body)
    if not m:
        return Rejected("APRS message: expected :ADDRESSEE:text", raw)
    addressee, text = m[1].decode("ascii", "replace").strip(), m[2]
    ack = _ACK.match(text)
    if ack:
        digits = re.sub(r"\D", "", ack[1].decode())
        return PageAck(int(digits) if digits else 0, 0, source, raw)
    return AprsMessage(source, addressee, text.decode("utf-8", "replace"),
                       m[3].decode() if m[3] else None, raw)


Parsed = PositionReport | AprsMessage | AprsObject | PageAck | Other | Rejected
_BY_TYPE: dict[int, Callable[[str, str, bytes, bytes], Parsed]] = {
    ord("!"): lambda src, _dst, info, raw: _position(src, info[1:], raw),
    ord("="): lambda src, _dst, info, raw: _position(src, info[1:], raw),
    ord("/"): lambda src, _dst, info, raw: _position(src, info[8:], raw),
    ord("@"): lambda src, _dst, info, raw: _position(src, info[8:], raw),
    ord("`"): lambda src, dst, info, raw: _mic_e(src, dst, info, raw),
    ord("'"): lambda src, dst, info, raw: _mic_e(src, dst, info, raw),
    ord(":"): lambda src, _dst, info, raw: _message(src, info, raw),
    ord(";"): lambda src, _dst, info, raw: _object(src, info, raw),
    ord(")"): lambda src, _dst, info, raw: _item(src, info, raw),
}


def parse_info(source: str, destination: str, info: bytes, raw: bytes) -> Parsed:
    """One APRS information field from `source` (sent to `destination`)."""
    if not info:
        return Rejected("APRS: empty information field", raw)
    handler = _BY_TYPE.get(info[0])
    if handler is None:
        return Other(f"APRS {chr(info[0])!r}", raw)  # telemetry, status, weather ...
    try:
        return handler(source, destination, info, raw)
    except (IndexError, ValueError) as exc:
        return Rejected(f"APRS {chr(info[0])!r}: {exc}", raw)


def parse_tnc2(line: bytes) -> Parsed:
    """A monitor line `SRC>DEST,PATH:info`, as TNCs and APRS-IS print packets."""
    header, sep, info = line.partition(b":")
    if not sep or b">" not in header:
        return Rejected("TNC2: expected SOURCE>DEST,PATH:info", line)
    source, _, path = header.partition(b">")
    destination = path.split(b",")[0]
    return parse_info(source.decode("ascii", "replace"), destination.decode("ascii", "replace"),
                      info, line)
