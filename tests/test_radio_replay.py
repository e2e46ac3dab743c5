"""Real receiver captures replayed byte-exact through a socat pty pair into the bridge.

No mock of the serial line: socat makes two linked pseudo-terminals in raw mode, the test
writes a capture into one, the bridge reads the other with pyserial. Every valid fix must
come out, every bad frame must be rejected with a reason, and the counts must match exactly.

The expected counts are not our decoder's: tests/data/radio_counts/gpsd_counts.sh took them
from gpsd's packet lexer (which sentences a peer accepts) and each accepted sentence's own
fields (position or no fix), and stored them in gpsd.tsv; a test reruns it where gpsd is
installed. Where our rules differ from gpsd's on purpose, DIFFERENCES says so, sentence by
sentence, with the reason, and a test finds each of them in its capture.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from radio.bridge import SerialBridge
from radio.ports import PortConfig
from radio.reports import NoFix, Other, PositionReport, Rejected
from tests import needs

DATA = Path(__file__).resolve().parents[2] / "shared/data/radio"
PEER_SCRIPT = Path(__file__).parent / "data/radio_counts/gpsd_counts.sh"
PEER_TABLE = PEER_SCRIPT.with_name("gpsd.tsv")
KIND = {PositionReport: "position", NoFix: "no_fix", Other: "other", Rejected: "rejected"}
GP320 = "gpsd/test/daemon/gp-320fw-2019-04-07-coldboot.log"
UNICORE = "gpsd/test/daemon/unicore-um621.log"
GEKO = "gpsd/test/daemon/garmin-geko201.log"
PYNMEA2 = "pynmea2/examples/data.log"


def _peer_table(text: str) -> dict[str, dict[str, int]]:
    """gpsd.tsv as capture → column → number (the `#` line names the gpsd that made it)."""
    header, *rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    return {row[0]: dict(zip(header[1:], map(int, row[1:]), strict=True)) for row in rows}


PEER = _peer_table(PEER_TABLE.read_text())


@dataclass(frozen=True)
class Difference:
    """Sentences of one capture that our decoder counts as `kind` where, by gpsd's lexer, they
    would be rejected (or count `instead`): a rule of ours that differs from gpsd's on
    purpose. `pattern` finds them in the capture, so the count is checked, not only claimed.
    `file_only`: only `jingbao radio decode` of the file sees them, a serial line never
    does."""

    capture: str
    count: int
    kind: str
    pattern: bytes
    why: str
    file_only: bool = False
    instead: str = "rejected"


# The other way round, one rule for every capture: gpsd accepts a sentence without a `*hh`
# checksum (gpsd.tsv's `unchecked`), our ports reject it unless the port sets
# allow_no_checksum, since on an unchecked line any field may be garbled on its way to the
# map. Those are skytraq-err's $STI, mtk-3301's $POLYN, gp-320fw's truncated lines, and `$`
# fragments at the end of gpsd's own `#` comment lines (quectel-L70, quectel-eg25-g-2,
# unicore-um621). Hence `rejected` below counts every frame not accepted with a checksum.
# The position / no fix rule reads each sentence's own fields (NMEA 0183), not gpsd's decode,
# which merges a cycle's sentences into one fix. Checked once against it (`gpsdecode -D 6`,
# its DATA lines): for every RMC, GLL and GNS it logs, gpsd's fix mode is 2D/3D exactly where
# the rule says position, and for every GGA its status (the quality field) is a fix exactly
# where the rule says so. Its GGA mode is no guide: it stays 2D, from the cycle, on mtk-3301's
# one GGA of quality 0, and is "no fix" on telit-pls83-w's ten $GAGGA of quality 1 from one
# Galileo satellite (too few satellites), though the receiver's per-system GGA carries its
# combined fix, the very place of the $GPGGA beside it. One difference of our own (below):
# GGA quality 8, a simulated fix, is no fix here.
DIFFERENCES = (
    Difference(GP320, 2, "other", rb"\*[0-9A-F]{2}\$",
               "a checksummed $GPGSA runs straight into the next $GPRMC with no CR LF between "
               "(lines 40, 42): gpsd's lexer wants CR LF after the checksum and drops it; our "
               "framer starts a sentence at every `$`, and the checksum shows the first whole"),
    Difference(GP320, 1, "other", rb"(?m)^#[^$\r\n]*\$[^\r\n]*\*[0-9A-F]{2}\r?$",
               "a $GPGSV quoted, checksum and all, in a `#` comment line (line 19): gpsd's "
               "lexer takes `#` lines as its log files' comments; a serial line has none, so "
               "to our framer `#...` is junk before a `$` and the sentence after it counts"),
    Difference(UNICORE, 220, "other", rb"(?m)^\$(?:GYOACC|SNRSTAT),[^\r\n]*\*[0-9A-F]{2}\r?$",
               "$GYOACC (gyro, 200) and $SNRSTAT (20) are well formed and checksummed, but "
               "their talker IDs are not among those gpsd's lexer knows; we take any "
               "well-formed sentence and count one without a position as other, which never "
               "reaches the map"),
    Difference(PYNMEA2, 1, "other", rb"\$IIMWV[^\n]*\Z",
               "the file's last line has no newline: gpsd's lexer waits for a CR LF that never "
               "comes; `jingbao radio decode` decodes a file's last line (the end of a file is "
               "no cut cable), over the wire the line is cut off and rejected as by gpsd",
               file_only=True),
    Difference(GEKO, 18, "no_fix", rb"\$GPGGA,[^,]*,[^,]*,[NS],[^,]*,[EW],8,",
               "a Garmin Geko in its demo mode: GGA quality 8 (simulator) beside RMC status V; "
               "the peer table counts any GGA quality above 0 as a fix; a simulated position is "
               "not where the guide is",
               instead="position"),
)


def expected(capture: str, *, wire: bool) -> dict[str, int]:
    """The capture's counts from the peer's table and our documented differences; `wire`:
    as the bridge sees it over a serial line, else as `jingbao radio decode` sees the file."""
    peer = PEER[capture]
    counts = {kind: peer[kind] for kind in ("position", "no_fix", "other")}
    counts["rejected"] = peer["frames"] - sum(counts.values())
    for difference in DIFFERENCES:
        if difference.capture == capture and not (wire and difference.file_only):
            counts[difference.kind] += difference.count
            counts[difference.instead] -= difference.count
    return {kind: count for kind, count in counts.items() if count}


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


def _decode_cli(data: bytes, protocol: str = "nmea") -> list[str]:
    from radio.decode_file import decode_bytes

    return [json.dumps(item) for item in decode_bytes(data, protocol)]


@pytest.mark.parametrize("name", sorted(PEER))
def test_capture_replayed_through_a_pty(name: str, tmp_path: Path) -> None:
    data = _need(DATA / name).read_bytes()
    want = expected(name, wire=True)
    cut = 0 if data.endswith(b"\n") else 1  # rejected only once the cable goes
    counts, decoded = replay(data, tmp_path, sum(want.values()) - cut)
    assert dict(counts) == want
    for item in decoded:
        if isinstance(item, PositionReport):
            assert -90 <= item.lat <= 90 and -180 <= item.lon <= 180
            assert item.speed_kmh >= 0 and 0 <= item.course < 360
        if isinstance(item, Rejected):
            assert item.reason


@pytest.mark.parametrize("name", sorted(PEER))
def test_radio_decode_cli_counts(name: str) -> None:
    path = _need(DATA / name)
    out = subprocess.run([sys.executable, "-m", "console", "radio", "decode", "--protocol",
                          "nmea", str(path)], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout
    counts = Counter(json.loads(line)["kind"] for line in out.splitlines())
    assert dict(counts) == expected(name, wire=False)


@pytest.mark.parametrize("difference", DIFFERENCES, ids=lambda d: f"{d.capture}-{d.count}")
def test_each_difference_from_gpsd_is_in_its_capture(difference: Difference) -> None:
    """A difference claimed but not there would hide a real disagreement in the counts."""
    data = _need(DATA / difference.capture).read_bytes()
    assert len(re.findall(difference.pattern, data)) == difference.count, difference.why


def test_peer_table_is_what_gpsd_says() -> None:
    """gpsd.tsv must be gpsd's output, not edited to suit our decoder: rerun its script."""
    needs.tool("gpsdecode", "gpsd-clients")
    out = subprocess.run(["sh", str(PEER_SCRIPT), str(_need(DATA))], capture_output=True,
                         text=True, check=True).stdout
    stored = PEER_TABLE.read_text()
    assert _peer_table(out) == _peer_table(stored), (
        f"{PEER_TABLE.name} ({stored.splitlines()[0]}) is not what {PEER_SCRIPT.name} makes "
        f"with this gpsd ({out.splitlines()[0]}): review the change, then rerun it")


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
