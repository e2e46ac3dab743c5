"""NMEA 0183 position sentences (RMC, GGA, GNS, GLL; any talker: GP, GN, BD/GB, GA, GL ...).

pynmeagps parses and checks each sentence. Framing stays with radio/framing.py because the
bridge receives bytes in arbitrary chunks from a serial read and pynmeagps's reader wants a
blocking stream; the framer resynchronises on `$` after binary the same way. A fix the
receiver marks invalid (RMC/GLL status V, GGA quality 0, GNS mode N) is reported as "no fix",
never as a position; so is one it marks as typed in or simulated (GGA quality 7 or 8, mode M
or S: a Garmin in its demo mode sends quality 8 beside RMC status V), which is not where the
guide is. A sentence without checksum is accepted only where the port allows it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from pynmeagps import VALCKSUM, NMEAReader
from pynmeagps.exceptions import NMEAMessageError, NMEAParseError, NMEATypeError
from pynmeagps.nmeahelpers import calc_checksum
from pynmeagps.nmeatypes_core import NMEA_PREFIX_PROP
from pynmeagps.nmeatypes_get import NMEA_PAYLOADS_GET
from pynmeagps.nmeatypes_get_prop import NMEA_PAYLOADS_GET_PROP

from radio.reports import NoFix, Other, PositionReport, Rejected, position

KNOT_KMH = 1.852
POSITION_SENTENCES = frozenset({"RMC", "GGA", "GNS", "GLL"})

Decoded = PositionReport | NoFix | Other | Rejected


def _count_fields(definition: dict) -> tuple[int, ...]:
    """Payload positions of the fields that size a repeating group, up to the first group."""
    names: dict[str, int] = {}
    for index, (name, kind) in enumerate(definition.items()):
        if isinstance(kind, tuple):
            return (names[kind[0]],) if kind[0] in names else ()
        names[name] = index
    return ()


# pynmeagps loops as many times as such a field says, whatever the sentence holds: one
# `$GPALC,1,1,1,99999999999` would stall a port's reader for good. Read from its definitions.
COUNT_FIELDS = {key: found for table in (NMEA_PAYLOADS_GET, NMEA_PAYLOADS_GET_PROP)
                for key, definition in table.items() if (found := _count_fields(definition))}


def _oversized_group(text: str) -> str | None:
    """Why pynmeagps must not parse `text` ($...*hh), if a group count exceeds its fields."""
    header, *payload = text.strip("$\r\n").partition("*")[0].split(",")
    key = header[1:] if header[:1] == "P" else header[2:]
    if key in NMEA_PREFIX_PROP and payload:
        key += payload[0]
    for index in COUNT_FIELDS.get(key.upper(), ()):
        try:
            count = int(payload[index])
        except (IndexError, ValueError):  # pynmeagps rejects it too, quickly
            continue
        if count > len(payload):
            return f"repeat count {str(count)[:12]} exceeds the sentence's {len(payload)} fields"
    return None


GGA_FIX = range(1, 7)  # GPS, DGPS, PPS, RTK, float RTK, estimated; not 7 manual, 8 simulated
NOT_MEASURED = ("N", "M", "S")  # mode letters: no fix, manual input, simulator


def _has_fix(msg) -> bool:
    """pynmeagps leaves out the attributes of fields a short sentence lacks: no field, no fix
    (RMC and GLL before NMEA 2.3 have no mode letter: their status alone says)."""
    kind = msg.msgID
    mode = str(getattr(msg, "posMode", ""))  # GNS: one letter per system, the first combined
    if kind in ("RMC", "GLL"):
        return getattr(msg, "status", "") == "A" and not mode.startswith(NOT_MEASURED)
    if kind == "GGA":
        return getattr(msg, "quality", None) in GGA_FIX
    return bool(mode) and not mode.startswith(NOT_MEASURED)


def fix_time(msg, day: str = "date") -> datetime | None:
    """The fix's UTC time from pynmeagps's `day` and `time` attributes, when both parsed."""
    when, clock = getattr(msg, day, None), getattr(msg, "time", None)
    if isinstance(when, date) and isinstance(clock, time):
        return datetime.combine(when, clock).replace(tzinfo=UTC)
    return None


def number(value: object) -> float:
    """A decimal field; pynmeagps leaves an empty one as "", which reads 0."""
    return float(value) if isinstance(value, int | float) else 0.0


def _parse(frame: bytes, allow_no_checksum: bool):
    text = frame.decode("ascii").strip()
    if "*" not in text:
        if not allow_no_checksum:
            raise NMEAParseError("missing checksum")
        text = f"{text}*{calc_checksum(text[1:])}"
    if (problem := _oversized_group(text)) is not None:
        raise NMEAParseError(problem)
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
        return NoFix(f"{msg.talker}{msg.msgID}", fix_time(msg), frame)
    lat, lon = getattr(msg, "lat", ""), getattr(msg, "lon", "")
    if not isinstance(lat, float) or not isinstance(lon, float):
        return Rejected("fix marked valid but position fields are empty", frame)
    return position(
        fleet=0, unit="", time=fix_time(msg), lon=lon, lat=lat,
        speed_kmh=number(getattr(msg, "spd", None)) * KNOT_KMH,
        course=number(getattr(msg, "cog", None)), status=0, raw=frame,
    )
