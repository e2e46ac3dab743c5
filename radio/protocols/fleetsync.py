"""Kenwood FleetSync GPS sentences ($PKLDS; $PKNDS for NXDN) via pynmeagps.

Field order (pynmeagps's definition): time, status, lat, N/S, lon, E/W, speed (kn), course,
date, declination, E/W, fleet, sender id, sender status, reserved.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pynmeagps.nmeahelpers import calc_checksum

from radio.protocols import nmea
from radio.reports import PositionReport, Rejected

KNOT_KMH = 1.852
SENTENCES = (b"$PKLDS", b"$PKNDS")


def _when(day: object, clock: object) -> datetime | None:
    if isinstance(day, date) and isinstance(clock, time):
        return datetime.combine(day, clock).replace(tzinfo=UTC)
    return None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def decode(frame: bytes) -> PositionReport | Rejected:
    msg = nmea.parse(frame)
    if isinstance(msg, Rejected):
        return msg
    lon, lat = getattr(msg, "lon", ""), getattr(msg, "lat", "")
    fix = msg.status == "A" and isinstance(lon, float) and isinstance(lat, float)
    if fix and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        return Rejected(f"coordinates out of range: {lat}, {lon}", frame)
    try:
        fleet = int(msg.fleet)
    except (TypeError, ValueError):
        return Rejected(f"fleet id is not a number: {msg.fleet!r}", frame)
    unit = str(msg.senderid).strip()
    if not unit:
        return Rejected("missing sender (unit) id", frame)
    return PositionReport(
        fleet=fleet, unit=unit, time=_when(msg.dat, msg.time),
        lon=lon if fix else 0.0, lat=lat if fix else 0.0,
        speed_kmh=max(0.0, _number(msg.sog) * KNOT_KMH), course=_number(msg.cog) % 360.0,
        status=int(_number(msg.senderstatus)), fix=fix, raw=frame,
    )


def _ddmm(value: float, width: int) -> str:
    degrees = int(abs(value))
    minutes = (abs(value) - degrees) * 60
    return f"{degrees:0{width}d}{minutes:07.4f}"


def encode(fleet: int, unit: str, when: datetime, lon: float, lat: float,
           speed_kmh: float, course: float, status: int = 0) -> bytes:
    """A $PKLDS sentence as a radio gateway emits it (used by the simulator and tests)."""
    body = ",".join([
        "PKLDS", when.strftime("%H%M%S.00"), "A",
        _ddmm(lat, 2), "N" if lat >= 0 else "S", _ddmm(lon, 3), "E" if lon >= 0 else "W",
        f"{speed_kmh / KNOT_KMH:05.1f}", f"{course % 360:05.1f}", when.strftime("%d%m%y"),
        "", "", f"{fleet:03d}", unit, f"{status:02d}", "",
    ])
    return f"${body}*{calc_checksum(body)}\r\n".encode("ascii")
