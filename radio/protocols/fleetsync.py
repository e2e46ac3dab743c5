"""Kenwood FleetSync GPS sentences: $PKLDS (FleetSync) and $PKNDS (NXDN), via pynmeagps.

Field order (pynmeagps's "KLDS" and "KNDS"): time, status, lat, N/S, lon, E/W, speed (kn),
course, date, declination, E/W, then for $PKLDS fleet, sender id, sender status, reserved, and
for $PKNDS sender id, sender status, reserved: NXDN has no fleets, so its radios report under
fleet `NXDN_FLEET` (docs/radio-protocol.md).

The ids are read from the sentence's own text, not from pynmeagps, which types fleet and
status as decimals: `100E1` would become fleet 1000 and `1e999` infinity. An id that does not
look like one rejects the sentence with the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from pynmeagps.nmeahelpers import calc_checksum

from radio.protocols import nmea
from radio.protocols.fleetsync_plain import decode_plain
from radio.reports import PositionReport, Rejected, no_fix, position

KNOT_KMH = nmea.KNOT_KMH
SENTENCES = (b"$PKLDS", b"$PKNDS")
NXDN_FLEET = 0
FLEET = re.compile(r"[0-9]{3}")
SENDER = re.compile(r"[0-9A-Za-z]{1,8}")
STATUS = re.compile(r"[0-9]{0,2}")


@dataclass(frozen=True)
class Layout:
    """Where one sentence keeps its date (pynmeagps's attribute) and its ids (field numbers,
    the sentence name being field 0)."""

    date: str
    fleet: int | None
    sender: int
    status: int


LAYOUTS = {
    "KLDS": Layout(date="dat", fleet=12, sender=13, status=14),
    "KNDS": Layout(date="date", fleet=None, sender=12, status=13),
}


def _fields(frame: bytes) -> list[str]:
    """The sentence's fields as text, split the way pynmeagps splits them."""
    return frame.decode("ascii").strip().strip("$\r\n").partition("*")[0].split(",")


def _show(text: str) -> str:
    return repr(text if len(text) <= 20 else text[:20] + "...")


def _ids(fields: list[str], layout: Layout) -> tuple[int, str, int] | str:
    """(fleet, sender id, status key), or why the sentence names no radio."""
    def field(index: int) -> str:
        return fields[index] if index < len(fields) else ""

    fleet = NXDN_FLEET
    if layout.fleet is not None:
        if not FLEET.fullmatch(field(layout.fleet)):
            return f"fleet id must be 3 digits: {_show(field(layout.fleet))}"
        fleet = int(field(layout.fleet))
    unit, status = field(layout.sender), field(layout.status)
    if not SENDER.fullmatch(unit):
        return f"sender (unit) id must be 1-8 letters or digits: {_show(unit)}"
    if not STATUS.fullmatch(status):
        return f"sender status must be 0-99: {_show(status)}"
    return fleet, unit, int(status or 0)


def decode(frame: bytes) -> PositionReport | Rejected:
    """The plain sentence a gateway writes is read directly (fleetsync_plain.py says why);
    any other goes through pynmeagps."""
    plain = decode_plain(frame)
    return plain if plain is not None else decode_with_pynmeagps(frame)


def decode_with_pynmeagps(frame: bytes) -> PositionReport | Rejected:
    msg = nmea.parse(frame)
    if isinstance(msg, Rejected):
        return msg
    layout = LAYOUTS.get(msg.msgID)
    if layout is None:
        return Rejected(f"not a FleetSync sentence: {msg.talker}{msg.msgID}", frame)
    ids = _ids(_fields(frame), layout)
    if isinstance(ids, str):
        return Rejected(ids, frame)
    fleet, unit, status = ids
    when = nmea.fix_time(msg, layout.date)
    lon, lat = getattr(msg, "lon", ""), getattr(msg, "lat", "")
    if getattr(msg, "status", "") != "A" or not isinstance(lon, float) or not isinstance(
            lat, float):
        return no_fix(fleet=fleet, unit=unit, time=when, status=status, raw=frame)
    return position(fleet=fleet, unit=unit, time=when, lon=lon, lat=lat,
                    speed_kmh=nmea.number(getattr(msg, "sog", None)) * KNOT_KMH,
                    course=nmea.number(getattr(msg, "cog", None)), status=status, raw=frame)


def _ddmm(value: float, width: int) -> str:
    degrees = int(abs(value))
    minutes = (abs(value) - degrees) * 60
    return f"{degrees:0{width}d}{minutes:07.4f}"


def _sentence(name: str, ids: list[str], when: datetime, lon: float, lat: float,
              speed_kmh: float, course: float, status: int) -> bytes:
    body = ",".join([
        name, when.strftime("%H%M%S.00"), "A",
        _ddmm(lat, 2), "N" if lat >= 0 else "S", _ddmm(lon, 3), "E" if lon >= 0 else "W",
        f"{speed_kmh / KNOT_KMH:05.1f}", f"{course % 360:05.1f}", when.strftime("%d%m%y"),
        "", "", *ids, f"{status:02d}", "",
    ])
    return f"${body}*{calc_checksum(body)}\r\n".encode("ascii")


def encode(fleet: int, unit: str, when: datetime, lon: float, lat: float,
           speed_kmh: float, course: float, status: int = 0) -> bytes:
    """A $PKLDS sentence as a radio gateway emits it (used by the simulator and tests)."""
    return _sentence("PKLDS", [f"{fleet:03d}", unit], when, lon, lat, speed_kmh, course, status)


def encode_nxdn(unit: str, when: datetime, lon: float, lat: float, speed_kmh: float,
                course: float, status: int = 0) -> bytes:
    """A $PKNDS sentence, as an NXDN radio's gateway emits it (no fleet field)."""
    return _sentence("PKNDS", [unit], when, lon, lat, speed_kmh, course, status)
