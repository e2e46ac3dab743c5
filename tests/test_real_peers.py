"""Real radio peers, not our own simulator: gpsd's gpsfake and Direwolf (a software TNC).

gpsfake runs a real gpsd on a capture and relays its NMEA; we put that on one end of a socat
pty pair and the bridge reads the other. Direwolf demodulates real AFSK audio (made by its own
gen_packets) from stdin and offers a KISS TNC on a pty, which the bridge reads as a radio
operator's PC would; a page we send goes back through Direwolf onto the (null) air.
"""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import time

from radio.bridge import SerialBridge
from radio.ports import PortConfig
from radio.protocols import kiss
from radio.reports import PageAck, PositionReport, Rejected
from tests import needs
from tests.test_radio_replay import DATA, _socat_pair

HAB = DATA / "gpsd/test/daemon/hab-gpspi.log"


def _need(tool: str, package: str) -> None:
    needs.tool(tool, package)


def _bridge(url: str, protocol: str) -> tuple[SerialBridge, queue.Queue]:
    got: queue.Queue = queue.Queue()
    bridge = SerialBridge(PortConfig("peer", url, protocol=protocol),
                          on_decoded=lambda port, batch: [got.put(d) for d in batch],
                          on_status=lambda port, status, why: got.put((status, why)))
    bridge.start()
    return bridge, got


def _collect(got: queue.Queue, until, timeout: float) -> list:
    items, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline and not until(items):
        try:
            items.append(got.get(timeout=0.2))
        except queue.Empty:
            pass
    return items


def test_gpsfake_relays_a_real_capture_into_the_bridge(tmp_path) -> None:
    _need("gpsfake", "gpsd-clients")
    needs.data(HAB)
    proc, a, b = _socat_pair(tmp_path)
    bridge, got = _bridge(str(b), "nmea")
    try:
        assert got.get(timeout=5)[0] == "connected"
        with open(a, "wb") as wire:
            fake = subprocess.Popen(["gpsfake", "-q", "-1", "-p", "-c", "0.01", "-r",
                                     '?WATCH={"enable":true,"nmea":true}', str(HAB)],
                                    stdout=wire, stderr=subprocess.DEVNULL,
                                    start_new_session=True)  # gpsfake and its gpsd together
            try:  # it stays up watching after the log: stop it once everything arrived
                items = _collect(got, lambda i: sum(isinstance(x, PositionReport)
                                                    for x in i) >= 9, 30)
                items += _collect(got, lambda i: False, 1.0)  # nothing more may follow
            finally:
                os.killpg(fake.pid, signal.SIGKILL)
                fake.wait(timeout=5)
    finally:
        bridge.stop()
        proc.kill()
    positions = [i for i in items if isinstance(i, PositionReport)]
    assert len(positions) == 9  # the capture's 3 epochs × RMC, GGA, GLL, as gpsd relays them
    assert all(abs(p.lat - 48.069) < 0.01 and abs(p.lon - 16.359) < 0.01 for p in positions)
    json_lines = [i for i in items if isinstance(i, Rejected)]
    assert json_lines and all("garbage" in r.reason for r in json_lines)  # gpsd's JSON banner


def test_direwolf_kiss_tnc_positions_acks_and_pages(tmp_path) -> None:
    _need("direwolf", "direwolf")
    _need("gen_packets", "direwolf")
    packets = tmp_path / "packets.txt"
    packets.write_text("BG7ABC-9>APRS:!2959.40N/12212.30E>090/010guide G07\n"
                       "BG7ABC-9>APRS::CENTER   :ack42\n")
    audio = tmp_path / "packets.wav"
    subprocess.run(["gen_packets", "-r", "44100", "-o", str(audio), str(packets)],
                   capture_output=True, check=True)
    config = tmp_path / "direwolf.conf"
    config.write_text("ADEVICE stdin null\nARATE 44100\nCHANNEL 0\nMYCALL CENTER\n"
                      "MODEM 1200\nAGWPORT 0\nKISSPORT 0\n")
    tnc = subprocess.Popen(["direwolf", "-c", str(config), "-p", "-t", "0"], cwd=tmp_path,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT)
    try:
        pty = None
        for line in tnc.stdout:
            found = re.search(rb"Virtual KISS TNC is available on (\S+)", line)
            if found:
                pty = found[1].decode()
                break
        assert pty, "direwolf offered no KISS pty"
        bridge, got = _bridge(pty, "kiss")
        try:
            assert got.get(timeout=5)[0] == "connected"
            tnc.stdin.write(audio.read_bytes())
            tnc.stdin.flush()
            items = _collect(got, lambda i: any(isinstance(x, PageAck) for x in i), 15)
            report = next(i for i in items if isinstance(i, PositionReport))
            assert report.unit == "BG7ABC-9"
            assert (round(report.lat, 4), round(report.lon, 4)) == (29.99, 122.205)
            ack = next(i for i in items if isinstance(i, PageAck))
            assert (ack.unit, ack.seq) == ("BG7ABC-9", 42)
            assert bridge.send(kiss.encode_message("CENTER", "BG7ABC-9", "警保联动1001", "43"))
            deadline, heard = time.monotonic() + 15, b""
            os.set_blocking(tnc.stdout.fileno(), False)
            silence = bytes(44100 * 2 // 10)  # Direwolf's clock runs on its audio input
            while time.monotonic() < deadline and b"CENTER>APZJBC" not in heard:
                tnc.stdin.write(silence)
                tnc.stdin.flush()
                heard += tnc.stdout.read() or b""
                time.sleep(0.1)
            assert b"CENTER>APZJBC::BG7ABC-9 :" in heard  # Direwolf put our page on the air
        finally:
            bridge.stop()
    finally:
        tnc.stdin.close()
        tnc.kill()
        tnc.wait(timeout=10)
