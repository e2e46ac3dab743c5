"""Sentences that once ended a port's reader for good, and a reader that must outlive any bug.

A `$PKNDS` (pynmeagps names no `fleet` there), a fleet field `100E1001` or `inf` or a status
`1e999` (pynmeagps parses them as decimals: OverflowError), a truncated RMC (no `status`
attribute), an ALC whose group count makes pynmeagps loop for ever: each one raised inside the
reader thread (or stalled it) while the link still showed "connected". They go through the
decoders, `jingbao radio decode` and a real serial line (a socat pty pair).
"""

from __future__ import annotations

import json
import math
import os
import queue
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pynmeagps.nmeahelpers import calc_checksum

from radio import gateway, ports
from radio.bridge import CONNECTED, DISCONNECTED, SerialBridge
from radio.decode_file import decode_bytes
from radio.framing import LineFramer
from radio.ports import PortConfig
from radio.protocols import fleetsync
from radio.reports import NoFix, PositionReport, Rejected
from tests.test_radio import wait_for
from tests.test_radio_replay import _socat_pair

WHEN = datetime(2026, 11, 25, 8, 12, 3, tzinfo=UTC)
HEAD = "081203.00,A,3001.2300,N,12206.2100,E,013.5,090.0,251126,,"


def sentence(body: str) -> bytes:
    return f"${body}*{calc_checksum(body)}".encode("ascii")


PKNDS = sentence(f"PKNDS,{HEAD},1001,00,")
# sentence → (kind, what must be true of it): the reason's start for a rejection
POISON = {
    PKNDS: ("position", "NXDN"),
    sentence(f"PKLDS,{HEAD},100E1001,1001,00,"): ("rejected", "fleet id must be 3 digits"),
    sentence(f"PKLDS,{HEAD},inf,1001,00,"): ("rejected", "fleet id must be 3 digits"),
    sentence(f"PKLDS,{HEAD},100E1,1001,00,"): ("rejected", "fleet id must be 3 digits"),
    sentence(f"PKLDS,{HEAD},100,1001,1e999,"): ("rejected", "sender status must be 0-99"),
    sentence(f"PKLDS,{HEAD},100,,00,"): ("rejected", "sender (unit) id must be"),
    sentence(f"PKLDS,{HEAD},100,10 01,00,"): ("rejected", "sender (unit) id must be"),
    sentence(f"PKLDS,{HEAD},100,123456789,00,"): ("rejected", "sender (unit) id must be"),
    sentence("PKLDS,081203.00,V,,,,,,,251126,,,100,1001,99,"): ("no place", ""),
    sentence("PKLDS,081203.00,A,,,,,,,251126,,,100,1001,00,"): ("no place", ""),
    sentence("PKLDS,081203.00,A,0000.0000,N,00000.0000,E,0,0,251126,,,100,1001,00,"):
        ("rejected", "zero coordinates"),
    sentence("PKLDS,081203.00,A,3001.2300,N,12206.2100,E,nan,090.0,251126,,,100,1001,00,"):
        ("rejected", "speed not a finite number"),
    sentence("PKLDS,081203.00,A,3001.2300,N,12206.2100,E,013.5,1e999,251126,,,100,1001,00,"):
        ("rejected", "course not a finite number"),
}
NMEA_POISON = {
    sentence("GPRMC,081203.00,A,0000.000,N,00000.000,E,0.0,0.0,251126,,,A"):
        ("rejected", "zero coordinates"),
    sentence("GPRMC,"): ("no_fix", ""),  # truncated: pynmeagps sets no `status` at all
    sentence("GPGGA,081203.00,3001.2300,"): ("no_fix", ""),
    sentence("GPALC,1,1,1,99999999999"): ("rejected", "bad NMEA sentence: repeat count"),
}


def _good(n: int) -> bytes:
    """A valid $PKLDS from unit 2000+n, so the test can tell which good fixes came through."""
    return fleetsync.encode(100, str(2000 + n), WHEN, 122.10 + n / 1000, 30.02, 20, 90)


def _check(frame: bytes, decoded, kind: str, detail: str) -> None:
    if kind == "rejected":
        assert isinstance(decoded, Rejected) and decoded.reason.startswith(detail), decoded
    elif kind == "no_fix":
        assert isinstance(decoded, NoFix), decoded
    elif kind == "no place":
        assert isinstance(decoded, PositionReport) and not decoded.fix, decoded
        assert math.isnan(decoded.lon) and math.isnan(decoded.lat)
        assert (decoded.fleet, decoded.unit) == (100, "1001")
    else:
        assert isinstance(decoded, PositionReport) and decoded.fix, decoded
        assert (decoded.lon, decoded.lat) == pytest.approx((122.1035, 30.0205))


@pytest.mark.parametrize(("frame", "expected"), POISON.items(), ids=lambda v: repr(v)[:60])
def test_fleetsync_sentences_through_fleetsync_and_gateway(frame, expected) -> None:
    for decode in (fleetsync.decode, gateway.decode):
        _check(frame, decode(frame), *expected)


@pytest.mark.parametrize(("frame", "expected"), NMEA_POISON.items(), ids=lambda v: repr(v)[:60])
def test_nmea_sentences_through_gateway(frame, expected) -> None:
    _check(frame, gateway.decode(frame), *expected)


def test_pknds_reads_its_own_field_layout() -> None:
    """NXDN has no fleet: the sender id sits where $PKLDS has the fleet, and the date is
    pynmeagps's `date`, not `dat`; its radios report under the documented fleet 0."""
    report = fleetsync.decode(sentence(f"PKNDS,{HEAD},20001,03,"))
    assert (report.fleet, report.unit, report.status) == (fleetsync.NXDN_FLEET, "20001", 3)
    assert report.fleet == 0 and report.time == WHEN and report.fix
    encoded = fleetsync.encode_nxdn("20001", WHEN, 122.1035, 30.0205, 25, 90, status=3)
    again = fleetsync.decode(encoded.strip())
    assert (again.fleet, again.unit, again.status, again.time) == (0, "20001", 3, WHEN)


def test_jingbao_radio_decode_prints_every_line(tmp_path) -> None:
    capture = tmp_path / "poison.log"
    capture.write_bytes(b"".join(frame + b"\r\n" for frame in [*POISON, *NMEA_POISON]))
    out = subprocess.run([sys.executable, "-m", "console", "radio", "decode", "--protocol",
                          "gateway", str(capture)], capture_output=True, text=True, check=True,
                         timeout=60, cwd=Path(__file__).resolve().parents[1]).stdout
    strict = {"parse_constant": lambda name: pytest.fail(f"{name} is not JSON")}
    items = [json.loads(line, **strict) for line in out.splitlines()]
    assert len(items) == len(POISON) + len(NMEA_POISON)
    assert items == [*decode_bytes(capture.read_bytes(), "gateway")]
    for item, (kind, detail) in zip(items, [*POISON.values(), *NMEA_POISON.values()],
                                    strict=True):
        if kind == "rejected":
            assert item["kind"] == "rejected" and item["reason"].startswith(detail)
        elif kind == "no place":
            assert item["kind"] == "position" and not item["fix"]
            assert item["lon"] is None and item["lat"] is None
        elif kind == "position":
            assert item["fix"] and (item["fleet"], item["unit"]) == (0, "1001")
        else:
            assert item["kind"] == kind


def _bridge(url: str) -> tuple[SerialBridge, queue.Queue, list]:
    got: queue.Queue = queue.Queue()
    statuses: list[tuple[str, str]] = []

    def on_status(port: str, status: str, why: str) -> None:
        statuses.append((status, why))
        got.put((status, why))

    bridge = SerialBridge(PortConfig("gw", url), on_status=on_status,
                          on_decoded=lambda port, batch: [got.put(d) for d in batch])
    bridge.start()
    return bridge, got, statuses


def _good_units(got: queue.Queue, count: int) -> list[str]:
    units: list[str] = []
    while len(units) < count:
        report = wait_for(got, lambda i: isinstance(i, PositionReport) and i.fix
                          and i.unit.startswith("2"))
        units.append(report.unit)
    return units


def test_poison_on_the_serial_line_costs_only_itself(tmp_path) -> None:
    proc, a, b = _socat_pair(tmp_path)
    bridge, got, statuses = _bridge(str(b))
    writer = None
    try:
        wait_for(got, lambda i: i == (CONNECTED, str(b)))
        writer = os.open(a, os.O_WRONLY | os.O_NOCTTY)
        poison = [*POISON, *NMEA_POISON]
        for n, frame in enumerate(poison):
            os.write(writer, _good(n) + frame + b"\r\n")
        os.write(writer, _good(len(poison)))
        assert _good_units(got, len(poison) + 1) == [str(2000 + n)
                                                      for n in range(len(poison) + 1)]
        assert statuses == [(CONNECTED, str(b))] and bridge._thread.is_alive()
        assert bridge.counts["rejected: fleet id must be 3 digits"] == 3
        assert bridge.counts["rejected: zero coordinates"] == 2
        assert not any(k.startswith("rejected: decoder error") for k in bridge.counts)
    finally:
        bridge.stop()
        if writer is not None:
            os.close(writer)
        proc.kill()


def test_a_raising_decoder_costs_one_frame(tmp_path, monkeypatch) -> None:
    def factory(config: PortConfig):
        def decode(frame: bytes):
            if b"BOOM" in frame:
                raise RuntimeError("decoder bug")
            return gateway.decode(frame)
        return decode

    monkeypatch.setitem(ports.PROTOCOLS, "gateway", (LineFramer, factory))
    proc, a, b = _socat_pair(tmp_path)
    bridge, got, statuses = _bridge(str(b))
    writer = None
    try:
        wait_for(got, lambda i: i == (CONNECTED, str(b)))
        writer = os.open(a, os.O_WRONLY | os.O_NOCTTY)
        os.write(writer, _good(0) + b"$BOOM\r\n" + _good(1))
        rejected = wait_for(got, lambda i: isinstance(i, Rejected))
        assert rejected.reason == "decoder error: RuntimeError: decoder bug"
        assert rejected.raw == b"$BOOM"
        assert _good_units(got, 1) == ["2001"]
        os.write(writer, _good(2))
        assert _good_units(got, 1) == ["2002"]
        assert statuses == [(CONNECTED, str(b))] and bridge._thread.is_alive()
        assert bridge.counts["rejected: decoder error"] == 1
    finally:
        bridge.stop()
        if writer is not None:
            os.close(writer)
        proc.kill()


class ExplodingFramer(LineFramer):
    """A framer with a bug that a BEL byte triggers (one byte: it cannot be split by reads)."""

    def feed(self, data: bytes) -> list[bytes]:
        if b"\x07" in data:
            raise RuntimeError("framer bug")
        return super().feed(data)


def test_a_failing_reader_is_reported_and_the_port_reopened(tmp_path, monkeypatch) -> None:
    monkeypatch.setitem(ports.PROTOCOLS, "gateway",
                        (ExplodingFramer, ports.PROTOCOLS["gateway"][1]))
    proc, a, b = _socat_pair(tmp_path)
    bridge, got, statuses = _bridge(str(b))
    writer = None
    try:
        wait_for(got, lambda i: i == (CONNECTED, str(b)))
        writer = os.open(a, os.O_WRONLY | os.O_NOCTTY)
        os.write(writer, _good(0))
        assert _good_units(got, 1) == ["2000"]
        os.write(writer, b"\x07")
        down = wait_for(got, lambda i: isinstance(i, tuple) and i[0] == DISCONNECTED)
        assert down == (DISCONNECTED, "reader failed: RuntimeError: framer bug")
        wait_for(got, lambda i: i == (CONNECTED, str(b)))
        os.write(writer, _good(1))
        assert _good_units(got, 1) == ["2001"]
        assert statuses == [(CONNECTED, str(b)), down, (CONNECTED, str(b))]
        assert bridge._thread.is_alive() and bridge.counts["reader failed"] == 1
    finally:
        bridge.stop()
        if writer is not None:
            os.close(writer)
        proc.kill()
