"""NMEA 0183 position sentences (RMC, GGA, GNS, GLL; any talker: GP, GN, BD/GB, GA, GL ...).

pynmeagps parses and checks each sentence. Framing stays with radio/framing.py because the
bridge receives bytes in arbitrary chunks from a serial read and pynmeagps's reader wants a
blocking stream; the framer resynchronises on `$` after binary the same way. A fix the
receiver marks invalid (RMC/GLL status V, GGA quality 0, GNS mode N) is reported as "no fix",
never as a position. A sentence without checksum is accepted only where the port allows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pynmeagps import VALCKSUM, NMEAReader
from pynmeagps.exceptions import NMEAMessageError, NMEAParseError, NMEATypeError
from pynmeagps.nmeahelpers import calc_checksum

from radio.reports import NoFix, Other, PositionReport, Rejected

KNOT_KMH = 1.852
POSITION_SENTENCES = frozenset({"RMC", "GGA", "GNS", "GLL"})

Decoded = PositionReport | NoFix | Other | Rejected


def _has_fix(msg) -> bool:
    kind = msg.msgID
    if kind in ("RMC", "GLL"):
        return msg.status == "A"
    if kind == "GGA":
        return isinstance(msg.quality, int) and msg.quality > 0
    return bool(msg.posMode) and not str(msg.posMode).startswith("N")  # GNS: one per system


def _time(msg) -> datetime | None:
    day, clock = getattr(msg, "date", None), getattr(msg, "time", None)
    if isinstance(day, date) and isinstance(clock, time):
        return datetime.combine(day, clock).replace(tzinfo=UTC)
    return None


def _number(value: object) -> float:
    return float(value) if isinstance(value, int | float) else 0.0


def _parse(frame: bytes, allow_no_checksum: bool):
    text = frame.decode("ascii").strip()
    if "*" not in text:
        if not allow_no_checksum:
            raise NMEAParseError("missing checksum")
        text = f"{text}*{calc_checksum(text[1:])}"
    return NMEAReader.parse(text, validate=VALCKSUM)


def parse(frame: bytes, allow_no_checksum: bool = False):
    """pynmeagps's message for a sentence, or a Rejected saying why there is none (shared by
    every decoder of NMEA-framed sentences, FleetSync's included)."""
    try:
        msg = _parse(frame, allow_no_checksum)
    except UnicodeDecodeError:
        return Rejected("non-ASCII bytes in an NMEA sentence", frame)
    except (NMEAMessageError, NMEAParseError, NMEATypeError, ValueError) as exc:
        return Rejected(f"bad NMEA sentence: {exc}", frame)
    return msg if msg is not None else Rejected("not an NMEA sentence", frame)


def decode(frame: bytes, *, allow_no_checksum: bool = False) -> Decoded:
    msg = parse(frame, allow_no_checksum)
    if isinstance(msg, Rejected):
        return msg
    if msg.msgID not in POSITION_SENTENCES:
        return Other(f"{msg.talker}{msg.msgID}", frame)
    if not _has_fix(msg):
        return NoFix(f"{msg.talker}{msg.msgID}", _time(msg), frame)
    lat, lon = getattr(msg, "lat", ""), getattr(msg, "lon", "")
    if not isinstance(lat, float) or not isinstance(lon, float):
        return Rejected("fix marked valid but position fields are empty", frame)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return Rejected(f"coordinates out of range: {lat}, {lon}", frame)
    return PositionReport(
        fleet=0, unit="", time=_time(msg), lon=lon, lat=lat,
        speed_kmh=max(0.0, _number(getattr(msg, "spd", None)) * KNOT_KMH),
        course=_number(getattr(msg, "cog", None)) % 360.0, status=0, fix=True, raw=frame,
    )
