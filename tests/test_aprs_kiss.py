"""KISS framing, AX.25 and APRS payloads: known packets, Mic-E round trips, fuzzing."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from radio.protocols import aprs, kiss
from radio.reports import PageAck, PositionReport, Rejected


def _lon_byte(degrees: int) -> tuple[int, bool]:
    """Mic-E longitude degrees byte and whether the +100 offset flag is needed."""
    if degrees < 10:
        return degrees + 118, True
    if degrees < 100:
        return degrees + 28, False
    if degrees < 110:
        return degrees + 8, True
    return degrees - 72, True


def mic_e(lat: float, lon: float, speed_kn: int, course: int, bits: str) -> tuple[str, bytes]:
    """Encode a Mic-E position (APRS 1.0.1 ch. 10); `bits` "000" is Emergency."""
    minutes = (abs(lat) % 1) * 60
    digits = [int(c) for c in f"{int(abs(lat)):02d}{minutes:05.2f}".replace(".", "")]
    degrees = int(abs(lon))
    d_byte, offset = _lon_byte(degrees)
    flags = [bits[0] == "1", bits[1] == "1", bits[2] == "1", lat >= 0, offset, lon < 0]
    dest = "".join(chr(ord("P") + d) if flag else str(d) for d, flag in zip(digits, flags,
                                                                              strict=True))
    lon_minutes = (abs(lon) - degrees) * 60
    m, h = int(lon_minutes), round((lon_minutes - int(lon_minutes)) * 100)
    info = bytes([ord("`"), d_byte, m + 28, h + 28, speed_kn // 10 + 28,
                  (speed_kn % 10) * 10 + course // 100 + 28, course % 100 + 28,
                  ord(">"), ord("/")])
    return dest, info


@pytest.mark.parametrize(("lat", "lon"), [(33.4273, -112.129), (29.9917, 122.2050),
                                          (-33.8568, 151.2153), (51.5, -0.1166),
                                          (10.0, 5.5), (1.05, 105.25), (64.1, -179.9)])
def test_mic_e_round_trip(lat, lon) -> None:
    dest, info = mic_e(lat, lon, 20, 251, "111")
    report = aprs.parse_info("G07", dest, info, b"raw")
    assert isinstance(report, PositionReport)
    assert report.lat == pytest.approx(lat, abs=2e-4)
    assert report.lon == pytest.approx(lon, abs=2e-4)
    assert report.speed_kmh == pytest.approx(20 * 1.852)
    assert report.course == 251 and not report.emergency


def test_mic_e_emergency_is_flagged() -> None:
    dest, info = mic_e(29.99, 122.2, 0, 0, "000")
    report = aprs.parse_info("G07", dest, info, b"raw")
    assert report.emergency and report.status == 99


def test_uncompressed_and_compressed_positions() -> None:
    plain = aprs.parse_tnc2(b"G07>APRS:!2959.40N/12212.30E>090/010guide")
    assert (round(plain.lat, 4), round(plain.lon, 4)) == (29.99, 122.205)
    assert plain.course == 90 and plain.speed_kmh == pytest.approx(18.52)
    # the APRS spec's compressed example: 49°30'N 72°45'W
    compressed = aprs.parse_tnc2(b"N0CALL>APRS:!/5L!!<*e7> sT")
    assert compressed.lat == pytest.approx(49.5, abs=1e-3)
    assert compressed.lon == pytest.approx(-72.75, abs=1e-3)


def test_messages_and_acks_for_paging() -> None:
    frame = kiss.KissFramer().feed(kiss.encode_message("CENTER", "G07", "警保联动1001", "42"))[0]
    message = kiss.decode(frame)
    assert (message.addressee, message.text, message.msg_id) == ("G07", "警保联动1001", "42")
    ack = aprs.parse_tnc2(b"G07>APRS::CENTER   :ack42")
    assert isinstance(ack, PageAck) and (ack.unit, ack.seq) == ("G07", 42)


def test_kiss_escapes_round_trip() -> None:
    payload = bytes([0xC0, 0xDB, 0x01, 0xC0])
    assert kiss.unescape(kiss.escape(payload)) == payload
    assert isinstance(kiss.decode(b"\x00\xdb\x01"), Rejected)  # bad escape
    assert "not a data frame" in kiss.decode(b"\x06abc").reason


@given(st.lists(st.binary(max_size=120), max_size=12))
def test_kiss_framer_and_decoder_never_crash(chunks) -> None:
    framer = kiss.KissFramer()
    for chunk in chunks:
        for frame in framer.feed(chunk):
            item = kiss.decode(frame)
            if isinstance(item, PositionReport):
                assert -90 <= item.lat <= 90 and -180 <= item.lon <= 180
                assert item.speed_kmh >= 0 and 0 <= item.course < 360


@given(st.binary(max_size=200), st.text(max_size=10))
def test_aprs_info_never_crashes(info, destination) -> None:
    item = aprs.parse_info("X", destination, info, info)
    if isinstance(item, PositionReport):
        assert -90 <= item.lat <= 90 and -180 <= item.lon <= 180
        assert item.speed_kmh >= 0 and 0 <= item.course < 360
