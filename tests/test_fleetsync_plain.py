"""The plain FleetSync reader (radio/protocols/fleetsync_plain.py) agrees with pynmeagps on
every sentence: it reads the plain shape a gateway writes, and leaves everything else —
mutated fields, odd numbers, bad checksums — to pynmeagps, whose answer then stands."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from radio.protocols import fleetsync
from radio.protocols.fleetsync_plain import decode_plain

moments = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2068, 12, 31),
                       timezones=st.just(UTC)).map(lambda t: t.replace(microsecond=0))
reports = st.builds(
    lambda nxdn, fleet, unit, when, lon, lat, speed, course, key: (
        fleetsync.encode_nxdn(unit, when, lon, lat, speed, course, key) if nxdn
        else fleetsync.encode(fleet, unit, when, lon, lat, speed, course, key)),
    st.booleans(), st.integers(0, 999), st.from_regex(r"[0-9A-Za-z]{1,8}", fullmatch=True),
    moments, st.floats(-180, 180), st.floats(-89.99, 89.99), st.floats(0, 300),
    st.floats(0, 359.9), st.integers(0, 99))


def _checksummed(body: str) -> bytes:
    total = 0
    for char in body.encode("ascii", "replace"):
        total ^= char
    return f"${body}*{total:02X}\r\n".encode()


def _body(frame: bytes) -> str:
    return frame.decode("ascii").strip()[1:].partition("*")[0]


@settings(max_examples=400, deadline=None)
@given(reports)
def test_a_gateways_sentence_is_read_plainly_and_as_pynmeagps_reads_it(frame) -> None:
    plain = decode_plain(frame)
    assert plain is not None, frame  # the plain shape: not handed on
    assert plain == fleetsync.decode_with_pynmeagps(frame)


FIELD_VALUES = st.one_of(
    st.text(alphabet="0123456789.-+eEAVNSWnaifIN_ ", max_size=12),
    st.sampled_from(["", "240000", "235960", "123456.1234567", "310299", "290200", "000000",
                     "1e3", "nan", "inf", " 12", "12 ", "٣", "99999.9999", "9000.0000",
                     "18000.0000", "1_0", "0x1", "-1", "+1"]))


@settings(max_examples=1500, deadline=None)
@given(reports, st.data())
def test_a_mutated_sentence_gets_pynmeagps_answer(frame, data) -> None:
    fields = _body(frame).split(",")
    for _ in range(data.draw(st.integers(1, 3))):
        index = data.draw(st.integers(1, len(fields) - 1))
        fields[index] = data.draw(FIELD_VALUES)
    if data.draw(st.booleans()):  # a field added or dropped
        fields = fields + ["0"] if data.draw(st.booleans()) else fields[:-1]
    mutated = _checksummed(",".join(fields))
    assert fleetsync.decode(mutated) == fleetsync.decode_with_pynmeagps(mutated)


@given(reports)
def test_a_bad_checksum_is_left_to_pynmeagps(frame) -> None:
    body = _body(frame)
    wrong = f"${body}*{'00' if not frame.rstrip().endswith(b'00') else '01'}\r\n".encode()
    assert decode_plain(wrong) is None
    assert fleetsync.decode(wrong) == fleetsync.decode_with_pynmeagps(wrong)


def test_the_centuries_and_the_seconds_as_strptime_reads_them() -> None:
    """Written down once: ddmmyy 010169 is 1969, 311268 is 2068 (Python's %y); a time with
    a fraction keeps it."""
    for day, year in (("010169", 1969), ("311268", 2068)):
        frame = _checksummed(f"PKLDS,120000.25,A,3001.2000,N,12206.0000,E,0.0,0.0,{day},,,"
                             f"100,5001,00,")
        read = decode_plain(frame)
        assert read is not None and read == fleetsync.decode_with_pynmeagps(frame)
        assert read.time == datetime(year, int(day[2:4]), int(day[:2]), 12, 0, 0,
                                     250000, tzinfo=UTC)
        assert read.lat == 30.02 and read.lon == 122.1  # 30°01.2′, 122°06.0′
