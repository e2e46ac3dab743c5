"""A burst of 300 reports on one real pty arrives whole: every report decoded, none cut.

300 FleetSync reports are ~21 KB, more than a pty holds (~19 KB). The gateway simulator used to
write each frame once on a non-blocking pty and drop it on EAGAIN (~7% of a burst lost, a
partial write cutting a frame in two); it now keeps what the pty did not take and writes it when
the pty drains, as a UART drains its FIFO. Both ends are real: the simulator's pty and the
bridge's pyserial reader.
"""

from __future__ import annotations

import os
import threading
import tty
from datetime import UTC, datetime

from radio.bridge import CONNECTED, SerialBridge
from radio.ports import PortConfig
from radio.protocols import fleetsync
from radio.reports import PositionReport
from radio.simulator import GatewaySimulator, SimGuide

UNITS = 300


class Collector:
    """The bridge's receiver: positions by unit, rejections, and when the burst is complete."""

    def __init__(self) -> None:
        self.units: set[str] = set()
        self.others: list = []
        self.complete = threading.Event()
        self.connected = threading.Event()

    def on_decoded(self, _port: str, batch: list) -> None:
        for decoded in batch:
            if isinstance(decoded, PositionReport):
                self.units.add(decoded.unit)
            else:
                self.others.append(decoded)
        if len(self.units) >= UNITS:
            self.complete.set()

    def on_status(self, _port: str, status: str, _detail: str) -> None:
        if status == CONNECTED:
            self.connected.set()


def test_a_simulated_gateway_burst_of_300_reports_arrives_whole() -> None:
    guides = [SimGuide(100, str(5000 + n), 122.10 + n * 1e-4, 30.02, post=(122.10, 30.02))
              for n in range(UNITS)]
    sim = GatewaySimulator(guides, report_interval_s=3600.0)  # one burst, at start
    got = Collector()
    bridge = SerialBridge(PortConfig("burst", sim.path), on_decoded=got.on_decoded,
                          on_status=got.on_status)
    bridge.start()
    try:
        assert got.connected.wait(5)
        sim.start()
        assert got.complete.wait(10), f"{len(got.units)} of {UNITS} units arrived"
        assert got.others == []  # no frame cut in two
    finally:
        bridge.stop()
        sim.stop()


def test_a_300_report_burst_written_at_once_into_a_pty_is_framed_whole() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    got = Collector()
    bridge = SerialBridge(PortConfig("burst", os.ttyname(slave), baudrate=115200),
                          on_decoded=got.on_decoded, on_status=got.on_status)
    bridge.start()
    try:
        assert got.connected.wait(5)
        when = datetime.now(UTC).replace(microsecond=0)
        burst = b"".join(fleetsync.encode(100, str(5000 + n), when, 122.10 + n * 1e-4, 30.02,
                                          20, 90) for n in range(UNITS))
        assert len(burst) > 19_000  # more than the pty holds: the reader must keep up
        os.write(master, burst)  # blocking: the kernel waits for the reader, never drops
        assert got.complete.wait(10), f"{len(got.units)} of {UNITS} units arrived"
        assert got.others == []
    finally:
        bridge.stop()
        os.close(master)
        os.close(slave)
