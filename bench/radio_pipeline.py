"""Radio pipeline figures (prints them; asserts nothing).

1. Decode throughput of the bridge's pipeline (framer + decoder registry + pynmeagps) against
   bare pynmeagps reading the same bytes, in the same run, over all gpsd captures.
2. Latency at 300 units × 1 Hz: FleetSync reports written into a pty → bridge thread → engine
   loop → SQLite append (the hub in its own process, as the console runs it) → console link →
   the window's UI thread → the unit drawn at its new place on the window's map; p50/p95/p99 of
   each stage (the hub's console link sending the batch, the console's client thread reading
   and handing it on, the UI thread taking it, the map drawing it) and each process's CPU
   share while doing it, spread over the second and in one burst, each repeated (median and
   min–max of the repeats: the machine is shared).

    .venv/bin/python bench/radio_pipeline.py [seconds] [repeats]
"""

from __future__ import annotations

import io
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pynmeagps import NMEAReader  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.alert_to_row import UNITS, open_window_rig  # noqa: E402
from dispatch import events as ev  # noqa: E402
from radio import gateway  # noqa: E402
from radio.framing import LineFramer  # noqa: E402
from radio.protocols import fleetsync  # noqa: E402

CAPTURES = Path(__file__).resolve().parents[2] / "shared/data/radio/gpsd/test/daemon"


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


def writer(master: int, stop: threading.Event, spread: bool,
           written: dict[tuple[str, str], float]) -> None:
    """300 FleetSync reports a second: in one burst, or each unit at its own phase."""
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


def cpu_s(pid: int) -> float:
    """A process's CPU seconds (user + system), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def latency(seconds: float, spread: bool) -> dict[str, float]:
    """`spread`: units report at their own phase across each second, as independent radios
    do; otherwise all 300 reports land in one burst (the worst case for queueing). Two
    figures: pty → the event on the window's UI thread (through the console link, as every
    console gets it), and pty → the unit drawn at its new place on the window's map."""
    app = QApplication.instance() or QApplication([])
    scenario, master, engine, hub, window = open_window_rig("bench")
    written: dict[tuple[str, str], float] = {}
    delivered: dict[str, float] = {}  # unit → write time of its fix applied, not yet drawn
    delays: dict[str, list[float]] = {"hub sent it": [], "console's client read it": [],
                                      "console's client has it": [],
                                      "event on the UI thread": [], "unit moved on the map": []}
    wall_offset = time.time() - time.perf_counter()  # the hub stamps messages by wall clock
    sent_at: dict[int, float] = {}  # event id → the hub's stamp on the message that carried it
    read = window.hub._on_message

    def reading(message: dict) -> None:
        """On the client's thread: a batch it hands on may join several of the hub's messages,
        each stamped as it left, so each event keeps its own message's stamp."""
        if message.get("type") == "events":
            now = time.perf_counter()
            for numbered in message["events"]:
                if numbered.get("event"):
                    sent_at[numbered["event"]["id"]] = message["sent"]
                    payload = numbered["event"]["payload"]
                    stamp = written.get((payload.get("unit"), payload.get("fix_time")))
                    if stamp is not None:
                        delays["console's client read it"].append((now - stamp) * 1000)
        read(message)

    def on_received(events) -> None:
        """On the client's thread, as it hands a batch on to the window."""
        now = time.perf_counter()
        for e in events:
            stamp, sent = written.get((e.payload.get("unit"), e.payload.get("fix_time"))), \
                sent_at.pop(e.id, None)
            if stamp is not None:
                delays["console's client has it"].append((now - stamp) * 1000)
                if sent is not None:
                    delays["hub sent it"].append((sent - wall_offset - stamp) * 1000)

    take = window.desk.take

    def taking(events):
        """The window folding a batch into its replica (the first thing its slot does): the
        units are moved for the next frame from here. Timed here rather than in a slot of
        the bench's own: Qt may run a frame between the window's slot and a second one for
        the same batch, and the units the window had moved were then counted at the next
        frame, up to the second's clock later."""
        now = time.perf_counter()
        for e in events:
            key = (e.payload.get("unit"), e.payload.get("fix_time"))
            if e.type == ev.UNIT_POSITION and key in written:
                delays["event on the UI thread"].append((now - written[key]) * 1000)
                delivered[key[0]] = written.pop(key)
        return take(events)

    show_state = window.map.show_state

    def drawn(state, selected) -> None:
        show_state(state, selected)
        now = time.perf_counter()
        for stamp in delivered.values():
            delays["unit moved on the map"].append((now - stamp) * 1000)
        delivered.clear()

    window.map.show_state = drawn
    window.hub._on_message = reading
    window.signals.events_appended.connect(on_received, Qt.ConnectionType.DirectConnection)
    window.desk.take = taking
    stop = threading.Event()
    time.sleep(0.5)
    cpu0, hub_cpu0, wall0 = time.process_time(), cpu_s(engine.process.pid), time.perf_counter()
    threading.Thread(target=writer, args=(master, stop, spread, written), daemon=True).start()
    QTimer.singleShot(int(seconds * 1000), app.quit)
    app.exec()
    stop.set()
    cpu, wall = time.process_time() - cpu0, time.perf_counter() - wall0
    hub_cpu = cpu_s(engine.process.pid) - hub_cpu0
    hub.stop()
    engine.stop()
    window.close()
    figures = {"console cpu %": 100 * cpu / wall, "hub cpu %": 100 * hub_cpu / wall}
    for name, values in delays.items():
        values.sort()
        figures[f"{name} p50"] = statistics.median(values)
        figures[f"{name} p95"] = values[int(0.95 * len(values))]
        figures[f"{name} p99"] = values[int(0.99 * len(values))]
    return figures


def repeated(seconds: float, spread: bool, repeats: int) -> None:
    runs = [latency(seconds, spread) for _ in range(repeats)]
    shape = "spread over each second" if spread else "one burst a second"
    print(f"{UNITS} units × 1 Hz ({shape}), {repeats} runs of {seconds:.0f} s, from the write "
          f"into the pty (the hub's process: bridge, engine, SQLite, console link; the "
          f"console's: the writer, its client and Qt):")
    for key in runs[0]:
        values = [run[key] for run in runs]
        unit = "% of one core" if key.endswith("cpu %") else " ms"
        print(f"    {key}: median {statistics.median(values):.1f}{unit}, "
              f"spread {min(values):.1f}–{max(values):.1f}")


if __name__ == "__main__":
    throughput()
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    repeated(seconds, True, repeats)
    repeated(seconds, False, repeats)
