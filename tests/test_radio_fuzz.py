"""Every protocol in the port registry under hostile input (radio/fuzzing.py's generators).

Random bytes and mutated valid frames go through the port's framer in random read sizes and its
guarded decoder, as on a serial line. Nothing may raise, no decoder may need the guard (a
"decoder error" rejection is a bug found), and every decoded report keeps the shared invariant:
a fix is a finite place in range and not 0,0, moving at a finite speed ≥ 0 on a course in
[0, 360), at a time with its zone or none; a report without a fix carries no place at all.
bench/fuzz_radio.py runs the same generators for minutes; these runs are short for CI.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pynmeagps.nmeahelpers import calc_checksum

from radio import fuzzing, gateway
from radio.ports import PROTOCOLS, PortConfig
from radio.protocols.aprs import AprsMessage
from radio.reports import PageAck, PositionReport, Rejected

SHORT = settings(max_examples=300, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def assert_sane(protocol: str, data: bytes, rng: random.Random) -> None:
    for item in fuzzing.decode_stream(protocol, data, rng):
        assert not (isinstance(item, Rejected) and item.reason.startswith("decoder error")), item
        assert fuzzing.invariant_failures(item) == []


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
@SHORT
@given(data=st.binary(max_size=700), rng=st.randoms(use_true_random=False))
def test_random_bytes(protocol, data, rng) -> None:
    assert_sane(protocol, data, rng)


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
@SHORT
@given(rng=st.randoms(use_true_random=False))
def test_mutated_valid_frames(protocol, rng) -> None:
    assert_sane(protocol, fuzzing.hostile(protocol, rng), rng)


@pytest.mark.parametrize("protocol", sorted(PROTOCOLS))
def test_every_protocol_has_valid_seeds(protocol) -> None:
    """The mutants start from frames that decode: a fuzz of frames rejected anyway tests
    nothing but the first check."""
    decode = PortConfig("seeds", "-", protocol=protocol).decoder()
    framer = PortConfig("seeds", "-", protocol=protocol).framer()
    seeds = fuzzing.SEEDS[protocol]
    decoded = [decode(frame) for seed in seeds
               for frame in framer.feed(seed + fuzzing.LINE_END.get(protocol, b"\r\n"))]
    assert len(decoded) == len(seeds)
    assert all(isinstance(d, PositionReport | PageAck | AprsMessage) for d in decoded), decoded
    assert sum(isinstance(d, PositionReport) and d.fix for d in decoded) >= 4


@pytest.mark.parametrize(("body", "course"), [
    ("GPRMC,081203.00,A,3001.2300,N,12206.2100,E,013.5,-0.00000000000000000001,251126,,,A", 0.0),
    ("GPRMC,081203.00,A,3001.2300,N,12206.2100,E,013.5,-90,251126,,,A", 270.0),
    ("GPRMC,081203.00,A,3001.2300,N,12206.2100,E,013.5,720.5,251126,,,A", 0.5),
])
def test_course_lands_in_0_to_360(body, course) -> None:
    """-1e-20 % 360 is 360.0 in floating point: outside [0, 360) unless folded to 0."""
    report = gateway.decode(f"${body}*{calc_checksum(body)}".encode())
    assert report.fix and report.course == pytest.approx(course)
    assert 0 <= report.course < 360


@pytest.mark.parametrize("speed", ["-0", "-5.0"])
def test_speed_below_zero_reads_as_standing_still(speed) -> None:
    body = f"GPRMC,081203.00,A,3001.2300,N,12206.2100,E,{speed},090.0,251126,,,A"
    report = gateway.decode(f"${body}*{calc_checksum(body)}".encode())
    assert report.fix and report.speed_kmh == 0.0
