"""APRS payloads: positions (uncompressed, compressed, Mic-E with its emergency status),
messages and acks, from the AX.25 information field or a TNC2 monitor line.

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
_UNCOMPRESSED = re.compile(
    rb"^(\d{2})([\d ]{2}\.[\d ]{2})([NS])(.)(\d{3})([\d ]{2}\.[\d ]{2})([EW])(.)"
    rb"(?:(\d{3})/(\d{3}))?")
_MESSAGE = re.compile(rb"^:([^:]{9}):(.*?)(?:\{([A-Za-z0-9]{1,5}))?$", re.S)
_ACK = re.compile(rb"^ack([A-Za-z0-9]{1,5})")

# Mic-E: destination characters → (digit, message bit, custom?)
_MICE_DIGIT = {**{c: (int(c), 0) for c in "0123456789"}, "L": (0, 0),
               **{chr(ord("A") + n): (n, 1) for n in range(10)}, "K": (0, 1),
               **{chr(ord("P") + n): (n, 1) for n in range(10)}, "Z": (0, 1)}


@dataclass(frozen=True)
class AprsMessage:
    """A text message to `addressee` (a page to a unit, or telemetry parameters)."""

    source: str
    addressee: str
    text: str
    msg_id: str | None
    raw: bytes


def _report(source: str, lat: float, lon: float, speed_kn: float, course: float,
            raw: bytes, emergency: bool = False) -> PositionReport | Rejected:
    return position(fleet=0, unit=source, time=None, lon=lon, lat=lat,
                    speed_kmh=speed_kn * KNOT_KMH, course=course,
                    status=99 if emergency else 0, raw=raw, emergency=emergency)


def _uncompressed(source: str, body: bytes, raw: bytes) -> PositionReport | Rejected:
    m = _UNCOMPRESSED.match(body)
    if not m:
        return Rejected("APRS position: neither compressed nor DDMM.hhN/DDDMM.hhW", raw)
    lat = int(m[1]) + float(m[2].replace(b" ", b"0")) / 60
    lon = int(m[5]) + float(m[6].replace(b" ", b"0")) / 60
    lat, lon = (-lat if m[3] == b"S" else lat), (-lon if m[7] == b"W" else lon)
    course, speed = (int(m[9]), int(m[10])) if m[9] else (0, 0)
    return _report(source, lat, lon, speed, course, raw)


def _base91(chars: bytes) -> int:
    value = 0
    for c in chars:
        if not 33 <= c <= 123:
            raise ValueError("not base-91")
        value = value * 91 + (c - 33)
    return value


def _compressed(source: str, body: bytes, raw: bytes) -> PositionReport | Rejected:
    if len(body) < 13:
        return Rejected("APRS compressed position too short", raw)
    try:
        lat = 90 - _base91(body[1:5]) / 380926
        lon = -180 + _base91(body[5:9]) / 190463
    except ValueError:
        return Rejected("APRS compressed position: bad base-91 digits", raw)
    c, s, t = body[10], body[11], body[12]
    course = speed = 0.0
    if c != 32 and 33 <= c <= 122 and (t - 33) & 0x18 != 0x10:  # not an altitude
        course, speed = (c - 33) * 4.0, 1.08 ** (s - 33) - 1
    return _report(source, lat, lon, speed, course, raw)


def _position(source: str, body: bytes, raw: bytes) -> PositionReport | Rejected:
    if body[:1].isdigit() or body[:1] == b" ":
        return _uncompressed(source, body, raw)
    return _compressed(source, body, raw)


def _mic_e(source: str, destination: str, info: bytes, raw: bytes) -> PositionReport | Rejected:
    dest = destination.split("-")[0]
    if len(dest) != 6 or any(ch not in _MICE_DIGIT for ch in dest) or len(info) < 9:
        return Rejected("Mic-E: destination or information field malformed", raw)
    digits = [_MICE_DIGIT[ch][0] for ch in dest]
    lat = digits[0] * 10 + digits[1] + (digits[2] * 10 + digits[3] + (digits[4] * 10
                                                                       + digits[5]) / 100) / 60
    north, west = dest[3] >= "P", dest[5] >= "P"
    d = info[1] - 28 + (100 if dest[4] >= "P" else 0)
    d = d - 80 if 180 <= d <= 189 else d - 190 if 190 <= d <= 199 else d
    m = info[2] - 28
    m = m - 60 if m >= 60 else m
    lon = d + (m + (info[3] - 28) / 100) / 60
    sp, dc, se = info[4] - 28, info[5] - 28, info[6] - 28
    speed, course = sp * 10 + dc // 10, (dc % 10) * 100 + se
    speed, course = (speed - 800 if speed >= 800 else speed), (course - 400 if course >= 400
                                                               else course)
    # all three message bits 0 in standard encoding ("0"-"9" or "L") is Mic-E's Emergency
    emergency = all(ch in "0123456789L" for ch in dest[:3])
    return _report(source, lat if north else -lat, -lon if west else lon, speed, course, raw,
                   emergency)


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


Parsed = PositionReport | AprsMessage | PageAck | Other | Rejected
_BY_TYPE: dict[int, Callable[[str, str, bytes, bytes], Parsed]] = {
    ord("!"): lambda src, _dst, info, raw: _position(src, info[1:], raw),
    ord("="): lambda src, _dst, info, raw: _position(src, info[1:], raw),
    ord("/"): lambda src, _dst, info, raw: _position(src, info[8:], raw),
    ord("@"): lambda src, _dst, info, raw: _position(src, info[8:], raw),
    ord("`"): lambda src, dst, info, raw: _mic_e(src, dst, info, raw),
    ord("'"): lambda src, dst, info, raw: _mic_e(src, dst, info, raw),
    ord(":"): lambda src, _dst, info, raw: _message(src, info, raw),
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
