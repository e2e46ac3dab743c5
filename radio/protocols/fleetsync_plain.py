"""The common FleetSync sentence read without pynmeagps, because pynmeagps is too slow for a
center's bursts.

pynmeagps builds a typed message attribute by attribute and parses times with `strptime`:
286 µs for one $PKLDS on this machine, of which 85% inside pynmeagps. 300 radios reporting at
once (a gateway flushing its buffer) then cost 87 ms of the hub's time before the first fix is
written (`bench/radio_pipeline.py`), most of a 100 ms budget. Here the same sentence is read in
about 20 µs.

Only the plain, well-formed shape is read here: an exact field count, a valid checksum, each
field in the one strict form a gateway writes (ddmm.mmmm, hhmmss[.ss], ddmmyy, plain
decimals). For those the result is computed exactly as pynmeagps computes it (the same float
expressions, the same century rule); anything else — odd spacing, exponents, another field
count, a bad checksum, an invalid date — returns None and goes to pynmeagps, which decides,
rejections included. tests/test_fleetsync_plain.py checks that both agree on generated and
mutated sentences.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time

from radio.reports import PositionReport, Rejected, no_fix, position

KNOT_KMH = 1.852
# the body's fields after the name: time, status, lat, N/S, lon, E/W, sog, cog, date,
# declination, E/W, [fleet,] sender, sender status, reserved
FIELDS = {"PKLDS": 15, "PKNDS": 14}
TIME = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})(?:\.([0-9]{1,6}))?")
DAY = re.compile(r"([0-9]{2})([0-9]{2})([0-9]{2})")
LAT = re.compile(r"[0-9]{4}\.[0-9]{1,10}")
LON = re.compile(r"[0-9]{5}\.[0-9]{1,10}")
DECIMAL = re.compile(r"(?:[0-9]{1,6}(?:\.[0-9]{1,6})?)?")
FLEET = re.compile(r"[0-9]{3}")
SENDER = re.compile(r"[0-9A-Za-z]{1,8}")
STATUS = re.compile(r"[0-9]{0,2}")


def decode_plain(frame: bytes) -> PositionReport | Rejected | None:
    """The report, or None when the sentence is not in the plain shape (pynmeagps decides)."""
    if not frame.startswith((b"$PKLDS,", b"$PKNDS,")):
        return None
    try:
        text = frame.decode("ascii").strip()
    except UnicodeDecodeError:
        return None
    body, star, checksum = text[1:].partition("*")
    if not star or len(checksum) != 2 or checksum != _checksum(body):
        return None
    name, *fields = body.split(",")
    if len(fields) != FIELDS[name]:
        return None
    if name == "PKLDS":
        when, status, lat, ns, lon, ew, sog, cog, day, decl, decl_dir, fleet, sender, key, \
            reserved = fields
        if not FLEET.fullmatch(fleet):
            return None
        fleet_id = int(fleet)
    else:
        when, status, lat, ns, lon, ew, sog, cog, day, decl, decl_dir, sender, key, \
            reserved = fields
        fleet_id = 0  # fleetsync.NXDN_FLEET
    if not (SENDER.fullmatch(sender) and STATUS.fullmatch(key) and status in ("A", "V")
            and ns in ("N", "S") and ew in ("E", "W") and LAT.fullmatch(lat)
            and LON.fullmatch(lon) and decl_dir in ("", "E", "W")
            and all(DECIMAL.fullmatch(v) for v in (sog, cog, decl, reserved))):
        return None
    moment = _moment(when, day)
    if moment is None:
        return None
    if status != "A":
        return no_fix(fleet=fleet_id, unit=sender, time=moment, status=int(key or 0),
                      raw=frame)
    latitude, longitude = _degrees(lat), _degrees(lon)
    return position(fleet=fleet_id, unit=sender, time=moment,
                    lon=-longitude if ew == "W" else longitude,
                    lat=-latitude if ns == "S" else latitude,
                    speed_kmh=(float(sog) if sog else 0.0) * KNOT_KMH,
                    course=float(cog) if cog else 0.0, status=int(key or 0), raw=frame)


def _checksum(body: str) -> str:
    total = 0
    for char in body.encode("ascii"):
        total ^= char
    return f"{total:02X}"


def _degrees(text: str) -> float:
    """pynmeagps's dmm2ddd, the same expression: (d)dd + mm.mmmm / 60, rounded to 10 places."""
    point = text.find(".")
    return round(float(text[:point - 2]) + float(text[point - 2:]) / 60, 10)


def _moment(clock: str, day: str) -> datetime | None:
    """hhmmss[.f] on ddmmyy as strptime reads them (%y: 69-99 → 19xx, 00-68 → 20xx); None
    for anything strptime would not take, or would take otherwise."""
    t, d = TIME.fullmatch(clock), DAY.fullmatch(day)
    if t is None or d is None:
        return None
    hour, minute, second = int(t[1]), int(t[2]), int(t[3])
    if hour > 23 or minute > 59 or second > 59:
        return None
    micro = int((t[4] or "0").ljust(6, "0"))
    year = int(d[3])
    try:
        on = date(year + (1900 if year >= 69 else 2000), int(d[2]), int(d[1]))
    except ValueError:
        return None
    return datetime.combine(on, time(hour, minute, second, micro)).replace(tzinfo=UTC)
