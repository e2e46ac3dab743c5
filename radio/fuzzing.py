"""Hostile input for every radio protocol, and the invariant every decoded report must keep.

One odd sentence once killed a port's reader for good, so each protocol is fed random bytes and
valid frames mutated the way a noisy line or a broken gateway mutates them: flipped bytes,
fields swapped for numbers like `1e999`, `nan`, `-0` or `100E1001`, emptied, duplicated,
dropped or blown up. Text sentences get their checksum recomputed half the time, so the damage
reaches the field parsers instead of stopping at the checksum.

Plain functions of a `random.Random`, shared by the property tests (hypothesis drives the
Random and shrinks what fails) and by bench/fuzz_radio.py's long runs, without either needing
the other's tools.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import UTC, datetime

from radio.ports import PortConfig
from radio.protocols import fleetsync, kiss, paging
from radio.reports import Decoded, PositionReport, Rejected

NASTY = (b"1e999", b"-1e999", b"nan", b"NaN", b"inf", b"-inf", b"-0", b"0", b"00",
         b"100E1001", b"100E1", b"", b"9" * 300, b"-1", b"99999999999999999999", b"1_000",
         b" 7", b"0000.0000", b"00000.0000", b"9000.0001", b"18000.0001", b"360", b"359.99999",
         b"-0.0000000001", b"-1e-20", b"A", b"V", b"S", b"W", b"\xff\xfe", b"*", b"$", b",",
         b"/", b":")
WHEN = datetime(2026, 11, 25, 8, 12, 3, tzinfo=UTC)
DINGHAI = (122.1035, 30.0205)


def _rechecksum(frame: bytes) -> bytes:
    """`$body*hh` with hh made right for body, so a mutation gets past the checksum."""
    body, star, _ = frame[1:].partition(b"*")
    if not frame.startswith(b"$") or not star:
        return frame
    value = 0
    for byte in body:
        value ^= byte
    return b"$" + body + b"*" + f"{value:02X}".encode()


def _nmea(body: str) -> bytes:
    return _rechecksum(f"${body}*00".encode())


TEXT = (
    fleetsync.encode(100, "1001", WHEN, *DINGHAI, 25, 90).strip(),
    fleetsync.encode(100, "1002", WHEN, *DINGHAI, 0, 0, status=99).strip(),
    fleetsync.encode_nxdn("20001", WHEN, *DINGHAI, 25, 359.9).strip(),
    _nmea("GPRMC,081203.00,A,3001.2300,N,12206.2100,E,013.5,090.0,251126,,,A"),
    _nmea("GPGGA,081203.00,3001.2300,N,12206.2100,E,1,08,0.9,12.0,M,8.0,M,,"),
    _nmea("GNGNS,081203.00,3001.2300,N,12206.2100,E,AAN,12,0.9,12.0,8.0,,,V"),
    _nmea("GPGLL,3001.2300,N,12206.2100,E,081203.00,A,A"),
    paging.encode_ack(12, 100, "1001").strip(),
)
APRS = (
    (b"APRS", b"!3001.23N/12206.21E>090/013guide"),
    (b"APRS", b"@081203z3001.23N/12206.21E>"),
    (b"APRS", b"=/5L!!<*e7> sT"),  # the APRS spec's compressed example
    (b"SPPQR0", b"`2!\x80\x1e\x1eO>/"),  # Mic-E, 30.02 N 122.10 E: the destination is latitude
    (b"APRS", b":CENTER   :ack12"),
    (b"APRS", b":G07      :page text{5"),
)
SOURCE = "BG7ABC-9"
CALLSIGN = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _kiss(destination: bytes, info: bytes) -> bytes:
    return kiss.encode_ui(SOURCE, destination.decode("ascii"), info)


def _tnc2(destination: bytes, info: bytes) -> bytes:
    return SOURCE.encode() + b">" + destination + b",WIDE1-1:" + info


SEEDS = {"gateway": TEXT, "nmea": TEXT, "fleetsync": TEXT,
         "kiss": tuple(_kiss(*packet) for packet in APRS),
         "tnc2": tuple(_tnc2(*packet) for packet in APRS)}
ENCODERS = {"kiss": _kiss, "tnc2": _tnc2}
LINE_END = {"kiss": b""}  # KISS frames carry their own FEND delimiters


def _token(rng: random.Random) -> bytes:
    if rng.random() < 0.7:
        return rng.choice(NASTY)
    return str(rng.choice([rng.randint(-10**6, 10**6), rng.uniform(-1e4, 1e4)])).encode()


def _flip(rng: random.Random, frame: bytes) -> bytes:
    if not frame:
        return bytes([rng.randrange(256)])
    at = rng.randrange(len(frame))
    return frame[:at] + bytes([rng.randrange(256)]) + frame[at + 1:]


def _fields(rng: random.Random, frame: bytes) -> tuple[bytes, list[bytes]]:
    separator = rng.choice([b",", b",", b"/", b":"])
    return separator, frame.split(separator)


def _swap_field(rng: random.Random, frame: bytes) -> bytes:
    separator, fields = _fields(rng, frame)
    fields[rng.randrange(len(fields))] = _token(rng)
    return separator.join(fields)


def _shuffle_fields(rng: random.Random, frame: bytes) -> bytes:
    """Drop, duplicate or exchange fields: a gateway that shifts its columns."""
    separator, fields = _fields(rng, frame)
    i, j = rng.randrange(len(fields)), rng.randrange(len(fields))
    action = rng.randrange(3)
    if action == 0 and len(fields) > 1:
        del fields[i]
    elif action == 1:
        fields.insert(i, fields[j])
    else:
        fields[i], fields[j] = fields[j], fields[i]
    return separator.join(fields)


def _splice(rng: random.Random, frame: bytes) -> bytes:
    """A token over a stretch of a fixed-width field (APRS has no separators there)."""
    at = rng.randrange(len(frame) + 1)
    return frame[:at] + _token(rng) + frame[at + rng.randrange(0, 8):]


def _truncate(rng: random.Random, frame: bytes) -> bytes:
    return frame[:rng.randrange(len(frame) + 1)]


def _blow_up(rng: random.Random, frame: bytes) -> bytes:
    at, run = rng.randrange(len(frame) + 1), rng.choice([b"9", b"A", b",", b"\xc0"])
    return frame[:at] + run * rng.randint(100, 1200) + frame[at:]


MUTATIONS: tuple[Callable[[random.Random, bytes], bytes], ...] = (
    _flip, _swap_field, _swap_field, _shuffle_fields, _splice, _truncate, _blow_up)


def mutate(rng: random.Random, frame: bytes) -> bytes:
    for _ in range(rng.randint(1, 4)):
        frame = rng.choice(MUTATIONS)(rng, frame)
    return _rechecksum(frame) if rng.random() < 0.5 else frame


def _destination(rng: random.Random, destination: bytes) -> bytes:
    """A callsign-shaped destination with a character changed (Mic-E reads latitude there)."""
    if rng.random() < 0.7:
        return destination
    at = rng.randrange(len(destination))
    return destination[:at] + rng.choice(CALLSIGN).encode() + destination[at + 1:]


def _aprs_mutant(protocol: str, rng: random.Random) -> bytes:
    """Mostly the APRS information field mutated inside an intact packet, so the damage
    reaches the APRS parsers; sometimes the whole frame, escapes and addresses included."""
    destination, info = rng.choice(APRS)
    packet = ENCODERS[protocol](_destination(rng, destination), mutate(rng, info))
    return packet if rng.random() < 0.8 else mutate(rng, packet)


def hostile(protocol: str, rng: random.Random) -> bytes:
    """A stretch of line for `protocol`: valid frames, mutants and random bytes, mixed."""
    seeds, end = SEEDS[protocol], LINE_END.get(protocol, b"\r\n")
    pieces = []
    for _ in range(rng.randint(1, 6)):
        pick = rng.random()
        if pick < 0.15:
            pieces.append(rng.randbytes(rng.randint(0, 80)))
        elif pick < 0.3:
            pieces.append(rng.choice(seeds) + end)
        elif protocol in ENCODERS:
            pieces.append(_aprs_mutant(protocol, rng) + end)
        else:
            pieces.append(mutate(rng, rng.choice(seeds)) + end)
    return b"".join(pieces)


def decode_stream(protocol: str, data: bytes, rng: random.Random) -> list[Decoded]:
    """`data` through the port's framer in random read sizes, then its guarded decoder, the
    way the bridge sees a serial line (and the remainder at the end, as a file's last line)."""
    config = PortConfig("fuzz", "-", protocol=protocol)
    framer, decode = config.framer(), config.decoder()
    frames, at = [], 0
    while at < len(data):
        size = rng.randint(1, 64)
        frames += framer.feed(data[at:at + size])
        at += size
    frames.append(framer.reset())
    return [decode(frame) for frame in frames if frame]


def invariant_failures(item: Decoded) -> list[str]:
    """What is wrong with a decoded item: a fix must be a real place, sanely moving, at a
    sane time; a report without a fix must carry no place at all (NaN, never 0,0)."""
    if isinstance(item, Rejected):
        return [] if item.reason else ["rejection without a reason"]
    if not isinstance(item, PositionReport):
        return []
    lon, lat, speed, course = item.lon, item.lat, item.speed_kmh, item.course
    if not item.fix:
        return [] if math.isnan(lon) and math.isnan(lat) else [f"no-fix at {lat}, {lon}"]
    checks = {
        "lat/lon not finite": math.isfinite(lat) and math.isfinite(lon),
        "lat outside [-90, 90]": -90 <= lat <= 90,
        "lon outside [-180, 180]": -180 <= lon <= 180,
        "0,0": not (lat == 0 and lon == 0),
        "speed not finite or < 0": math.isfinite(speed) and speed >= 0,
        "course outside [0, 360)": 0 <= course < 360,
        "time neither None nor tz-aware": item.time is None or (
            isinstance(item.time, datetime) and item.time.utcoffset() is not None),
    }
    return [f"{name}: {item!r}" for name, ok in checks.items() if not ok]
