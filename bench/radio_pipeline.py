"""Radio pipeline figures (prints them; asserts nothing).

1. Decode throughput of the bridge's pipeline (framer + decoder registry + pynmeagps) against
   bare pynmeagps reading the same bytes, in the same run, over all gpsd captures.
2. Latency at 300 units × 1 Hz: FleetSync reports written into a pty → bridge thread → engine
   loop → SQLite append → Qt signal delivered on the UI thread; p50/p99 and the process's CPU
   share while doing it.

    .venv/bin/python bench/radio_pipeline.py [seconds]
"""

from __future__ import annotations

import dataclasses
import io
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import tty
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pynmeagps import NMEAReader  # noqa: E402
from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from console.signals import HubSignals, SignalListener  # noqa: E402
from db.store import EventStore  # noqa: E402
from dispatch import events as ev  # noqa: E402
from hub.engine import Engine  # noqa: E402
from radio import gateway  # noqa: E402
from radio.framing import LineFramer  # noqa: E402
from radio.ports import PortConfig  # noqa: E402
from radio.protocols import fleetsync  # noqa: E402
from resources import scenario as scenarios  # noqa: E402

CAPTURES = Path(__file__).resolve().parents[2] / "shared/data/radio/gpsd/test/daemon"
UNITS = 300


def throughput() -> None:
    files = sorted(CAPTURES.glob("*.log"))
    if not files:
        print("captures missing: throughput skipped")
        return
    data = b"".join(f.read_bytes() for f in files) * 20
    start = time.perf_counter()
    framer, frames = LineFramer(), 0
    for chunk in range(0, len(data), 4096):
        for frame in framer.feed(data[chunk:chunk + 4096]):
            gateway.decode(frame)
            frames += 1
    ours = time.perf_counter() - start
    start = time.perf_counter()
    reader, parsed = NMEAReader(io.BytesIO(data), quitonerror=0, validate=1), 0
    for _raw, _msg in reader:
        parsed += 1
    bare = time.perf_counter() - start
    mb = len(data) / 1e6
    print(f"decode: pipeline {frames / ours:,.0f} frames/s ({mb / ours:.1f} MB/s); "
          f"bare pynmeagps {parsed / bare:,.0f} msgs/s ({mb / bare:.1f} MB/s); "
          f"pipeline takes ×{ours / bare:.2f} the time of bare pynmeagps "
          f"({mb:.1f} MB, {frames:,} frames)")


def latency(seconds: float, spread: bool) -> None:
    """`spread`: units report at their own phase across each second, as independent radios
    do; otherwise all 300 reports land in one burst (the worst case for queueing)."""
    app = QApplication.instance() or QApplication([])
    demo = scenarios.load()
    specs = [{"unit_id": f"U{n:03d}", "name": f"单位{n}", "kind": "guide", "fleet": 100,
              "radio_id": str(5000 + n), "post": next(iter(demo.posts))} for n in range(UNITS)]
    scenario = dataclasses.replace(demo, unit_specs=specs)
    master, slave = os.openpty()
    tty.setraw(slave)
    store = EventStore.open(f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3", scenario.roster)
    signals = HubSignals()
    engine = Engine(store, scenario, SignalListener(signals), workstation=socket.gethostname())
    engine.start(feed_port=None, radio_ports=[PortConfig("bench", os.ttyname(slave),
                                                         baudrate=115200)])
    written: dict[tuple[str, str], float] = {}
    delays: list[float] = []

    def on_events(events) -> None:
        now = time.perf_counter()
        for e in events:
            if e.type == ev.UNIT_POSITION:
                key = (e.payload["unit"], e.payload["fix_time"])
                if key in written:
                    delays.append((now - written.pop(key)) * 1000)

    signals.events_appended.connect(on_events)
    stop = threading.Event()

    def writer() -> None:
        second = 0
        while not stop.is_set():
            tick = time.perf_counter()
            when = datetime.now(UTC).replace(microsecond=0)
            burst = [fleetsync.encode(100, str(5000 + n), when, 122.10 + n * 1e-4,
                                      30.02 + (second % 60) * 1e-5, 20, 90)
                     for n in range(UNITS)]
            step = 10 if spread else UNITS
            for start in range(0, UNITS, step):
                stamp = time.perf_counter()
                for n in range(start, start + step):
                    written[(f"U{n:03d}", when.isoformat())] = stamp
                os.write(master, b"".join(burst[start:start + step]))
                if spread:
                    stop.wait(0.9 / (UNITS / step))
            second += 1
            stop.wait(max(0.0, 1.0 - (time.perf_counter() - tick)))

    time.sleep(0.5)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    thread = threading.Thread(target=writer, daemon=True)
    thread.start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    stop.set()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    engine.stop()
    delays.sort()
    shape = "spread over each second" if spread else "one burst a second"
    print(f"latency {UNITS} units × 1 Hz ({shape}) for {seconds:.0f} s: {len(delays):,} reports, "
          f"p50 {statistics.median(delays):.1f} ms, p99 {delays[int(0.99 * len(delays))]:.1f} "
          f"ms, max {delays[-1]:.1f} ms; CPU {100 * cpu / wall:.0f}% of one core "
          f"(whole process: pty writer, bridge, engine, SQLite, Qt)")


if __name__ == "__main__":
    throughput()
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    latency(seconds, spread=True)
    latency(seconds, spread=False)
