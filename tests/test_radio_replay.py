"""Real receiver captures replayed byte-exact through a socat pty pair into the bridge.

No mock of the serial line: socat makes two linked pseudo-terminals in raw mode, the test
writes a capture into one, the bridge reads the other with pyserial. Every valid fix must
come out, every bad frame must be rejected with a reason, and the counts must match exactly.
`jingbao radio decode` must agree with the same counts (except where a capture's last line has
no newline: over the wire that line is cut off when the cable goes, and is rejected).
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from radio.bridge import SerialBridge
from radio.ports import PortConfig
from radio.reports import NoFix, Other, PositionReport, Rejected
from tests import needs

DATA = Path(__file__).resolve().parents[2] / "shared/data/radio"
DAEMON = "gpsd/test/daemon/"

# kind → count, as `jingbao radio decode --protocol nmea` reports each file
EXPECTED = {
    DAEMON + "april6_2019.log": {"no_fix": 1, "position": 2, "rejected": 13},
    DAEMON + "beidou-bd.log": {"no_fix": 15, "other": 49, "position": 15, "rejected": 15},
    DAEMON + "bu353-glonass.log": {"no_fix": 20, "other": 75, "position": 17, "rejected": 9},
    DAEMON + "ch-4711.log": {"no_fix": 14, "other": 47, "position": 14, "rejected": 12},
    DAEMON + "firefly-II.log": {"other": 23, "position": 23, "rejected": 28},
    DAEMON + "garmin-geko201.log": {"no_fix": 36, "other": 158, "position": 18, "rejected": 12},
    DAEMON + "gp-320fw-2019-04-07-coldboot.log": {"no_fix": 29, "other": 60, "position": 5,
                                                 "rejected": 67},
    DAEMON + "hab-gpspi.log": {"other": 30, "position": 9, "rejected": 7},
    DAEMON + "mtk-3301.log": {"no_fix": 14, "other": 34, "position": 8, "rejected": 23},
    DAEMON + "quectel-L70.log": {"other": 83, "position": 32, "rejected": 17},
    DAEMON + "quectel-eg25-g-2.log": {"other": 51, "position": 9, "rejected": 10},
    DAEMON + "skytraq-err.log": {"rejected": 14},
    DAEMON + "telit-pls83-w.log": {"other": 175, "position": 50, "rejected": 9},
    DAEMON + "tomtom-mkII.log": {"no_fix": 24, "other": 34, "position": 8, "rejected": 6},
    DAEMON + "triton400.log": {"other": 15, "position": 13, "rejected": 8},
    DAEMON + "ublox8-uniqid-monhw.log": {"other": 38, "position": 14, "rejected": 61},
    DAEMON + "unicore-um621.log": {"no_fix": 8, "other": 842, "position": 32, "rejected": 26},
    "pynmea2/examples/data.log": {"other": 3, "position": 1, "rejected": 1},
}
KIND = {PositionReport: "position", NoFix: "no_fix", Other: "other", Rejected: "rejected"}


def _need(path: Path) -> Path:
    return needs.data(path)


def _socat_pair(tmp_path: Path):
    needs.tool("socat", "socat")
    a, b = tmp_path / "wire-a", tmp_path / "wire-b"
    proc = subprocess.Popen(["socat", f"pty,raw,echo=0,link={a}",
                             f"pty,raw,echo=0,link={b}"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 5
    while not (a.exists() and b.exists()):
        assert time.monotonic() < deadline, "socat did not create its ptys"
        time.sleep(0.02)
    return proc, a, b


def replay(data: bytes, tmp_path: Path, drained: int) -> tuple[Counter, list]:
    """Write the capture into the pty, wait until the bridge has handed on `drained` items
    (all but a last line cut off without its newline), then pull the cable."""
    proc, a, b = _socat_pair(tmp_path)
    got: queue.Queue = queue.Queue()
    bridge = SerialBridge(PortConfig("replay", str(b), baudrate=4800),
                          on_decoded=lambda port, batch: [got.put(d) for d in batch],
                          on_status=lambda port, status, why: got.put((status, why)))
    bridge.start()
    items = []
    try:
        assert got.get(timeout=5)[0] == "connected"
        writer = os.open(a, os.O_WRONLY | os.O_NOCTTY)
        for start in range(0, len(data), 512):
            os.write(writer, data[start:start + 512])
        while len(items) < drained:  # the condition itself, not a guess at quiet
            items.append(got.get(timeout=10))
        os.close(writer)
        proc.terminate()  # the far end of the cable is gone
        proc.wait(timeout=10)
        while not any(isinstance(i, tuple) and i[0] == "disconnected" for i in items):
            items.append(got.get(timeout=5))
    finally:
        bridge.stop()
        proc.kill()
    decoded = [i for i in items if not isinstance(i, tuple)]
    return Counter(KIND[type(d)] for d in decoded), decoded


def _over_the_wire(name: str, data: bytes) -> dict[str, int]:
    """What the bridge must see: a last line without newline is cut off, hence rejected."""
    expected = dict(EXPECTED[name])
    if not data.endswith(b"\n"):
        last = data.rsplit(b"\n", 1)[-1]
        kind = json.loads(_decode_cli(last)[-1])["kind"]
        expected[kind] -= 1
        expected["rejected"] = expected.get("rejected", 0) + 1
    return {k: v for k, v in expected.items() if v}


def _decode_cli(data: bytes, protocol: str = "nmea") -> list[str]:
    from radio.decode_file import decode_bytes

    return [json.dumps(item) for item in decode_bytes(data, protocol)]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_capture_replayed_through_a_pty(name, tmp_path) -> None:
    data = _need(DATA / name).read_bytes()
    expected = _over_the_wire(name, data)
    cut = 0 if data.endswith(b"\n") else 1  # rejected only once the cable goes
    counts, decoded = replay(data, tmp_path, sum(expected.values()) - cut)
    assert dict(counts) == expected
    for item in decoded:
        if isinstance(item, PositionReport):
            assert -90 <= item.lat <= 90 and -180 <= item.lon <= 180
            assert item.speed_kmh >= 0 and 0 <= item.course < 360
        if isinstance(item, Rejected):
            assert item.reason


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_radio_decode_cli_counts(name) -> None:
    path = _need(DATA / name)
    out = subprocess.run([sys.executable, "-m", "console", "radio", "decode", "--protocol",
                          "nmea", str(path)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    counts = Counter(json.loads(line)["kind"] for line in out.splitlines())
    assert dict(counts) == EXPECTED[name]


def test_aprs_captures_decode() -> None:
    tnc2 = _need(DATA / "direwolf/scripts/telemetry-toolkit/telem-m0xer-3.txt").read_bytes()
    items = [json.loads(line) for line in _decode_cli(tnc2, "tnc2")]
    assert [i["kind"] for i in items] == ["message"] * 4 + ["position"] * 3
    assert items[4]["unit"] == "M0XER-3" and items[0]["to"] == "M0XER-3"
    frames = _need(DATA / "ampledata-aprs/tests/test_frames.log").read_bytes()
    from radio.protocols import kiss

    wrapped = b"".join(b"\xc0\x00" + kiss.escape(f) + b"\xc0" for f in frames.split(b"\n") if f)
    items = [json.loads(line) for line in _decode_cli(wrapped, "kiss")]
    assert [i["kind"] for i in items] == ["position", "other"]
    assert (items[0]["unit"], items[0]["lat"], items[0]["lon"]) == ("W2GMD-6", 37.7625,
                                                                    -122.4675)
