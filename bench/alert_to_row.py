"""Alert → row painted, with the day's load: from a 110 client's websocket send to the queue row
repainted, while 1,000 incidents are open and 300 units report their positions every second.

Runs the real engine (SQLite file, websocket feed, a radio port on a pty that a writer thread
feeds with 300 FleetSync reports a second, spread over the second as independent radios report)
and the real window offscreen at 1600×1000, following the hub over the console link as every
console does. The backlog (1,000 alerts, each triaged at the hub as by another desk) is
built first; then alerts are sent one every `--interval` seconds and each is timed from its send
until the queue has inserted its row and the queue's viewport has finished painting it (the
first paint after the insert; the rest of the window may be painted after it).

Prints p50/p95/p99 over all alerts and by hundreds of alerts (growth with the queue's length
shows there), for each repeat in its own process, then the median over repeats and the spread
(min–max) — this machine is shared, a single run can be 2× off.

    .venv/bin/python bench/alert_to_row.py [--alerts 300] [--backlog 1000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tty
from datetime import UTC, datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEvent, QObject, Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QTableView  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from console.app import attach_window  # noqa: E402
from console.hub_client import Credentials  # noqa: E402
from db.store import EventStore  # noqa: E402
from dispatch.commands import Actor  # noqa: E402
from hub.center import LogListener  # noqa: E402
from hub.engine import Engine  # noqa: E402
from hub.hub_process import Served, start_hub_process  # noqa: E402
from hub.simulated_feed import SlipFactory  # noqa: E402
from radio.ports import PortConfig  # noqa: E402
from radio.protocols import fleetsync  # noqa: E402
from resources import scenario as scenarios  # noqa: E402

UNITS = 300


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def radios(master: int, stop: threading.Event) -> None:
    """300 units at 1 Hz, each at its own phase of the second, moving east."""
    second = 0
    while not stop.is_set():
        tick = time.perf_counter()
        when = datetime.now(UTC).replace(microsecond=0)
        for start in range(0, UNITS, 10):
            os.write(master, b"".join(
                fleetsync.encode(100, str(5000 + n), when, 122.10 + n * 1e-4 + second * 1e-5,
                                 30.02 + (n % 17) * 1e-3, 20, 90)
                for n in range(start, start + 10)))
            stop.wait(0.03)
        second += 1
        stop.wait(max(0.0, 1.0 - (time.perf_counter() - tick)))


class FirstPaint(QObject):
    """Calls `done` when the queue's viewport has finished its first paint after rows were
    inserted: the row is on screen then, whatever else of the window is painted after it.
    It paints the viewport itself to know when that paint ended."""

    def __init__(self, view: QTableView, waiting: list, done) -> None:
        super().__init__()
        self.view, self.waiting, self.done = view, waiting, done

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() != QEvent.Type.Paint or not self.waiting:
            return False
        self.view.viewportEvent(event)
        self.done()
        return True


def bench_engine(scenario: scenarios.Scenario, url: str, port: PortConfig, name: str,
                 backlog: int = 0) -> tuple[Engine, Served]:
    """The rig's hub (in the child process, or in this one with `--hub-in-process`), with
    `backlog` alerts received and triaged at the hub, as by other desks, before a window
    follows it."""
    store = EventStore.open(url, scenario.roster)
    engine = Engine(store, scenario, LogListener(), workstation=socket.gethostname())
    engine.start(feed_port=0, radio_ports=[port])
    factory, desk = SlipFactory(scenario, seed=1), Actor("bench-desk", "bench")
    for _ in range(backlog):
        engine.submit(engine.accept_alert, factory.make()).result(10)
    for case in list(engine.store.state.incidents):
        engine.submit(engine.triage, case, desk).result(10)
    token = engine.console_link.local_session(name, name)
    return engine, Served(engine.url, token, name, False)


def open_window_rig(name: str, in_process: bool = False, backlog: int = 0):
    """The set-up the window benchmarks share (this one, radio_pipeline, shift_soak): a real
    engine on a temporary SQLite file with UNITS guides whose radios report on a pty, and a
    real window following it over the console link, shown at 1600×1000, muted. The engine
    runs in a child process, as `jingbao console` runs its hub, unless `in_process`. Returned
    once the window shows the hub's snapshot: the scenario, the pty's master end (where the
    radios write), the hub (`.stop()`, and `.served.url`), the hub client and the window."""
    demo = scenarios.load()
    specs = [{"unit_id": f"U{n:03d}", "name": f"单位{n}", "kind": "guide", "fleet": 100,
              "radio_id": str(5000 + n), "post": next(iter(demo.posts))} for n in range(UNITS)]
    scenario = dataclasses.replace(demo, unit_specs=specs)
    master, slave = os.openpty()
    tty.setraw(slave)
    args = (scenario, f"sqlite:///{tempfile.mkdtemp()}/{name}.sqlite3",
            PortConfig(name, os.ttyname(slave), baudrate=115200), name, backlog)
    if in_process:
        engine, served = bench_engine(*args)
        engine.served = served
    else:
        engine = start_hub_process(bench_engine, *args)
    served = engine.served
    hub, window = attach_window(scenario, served.url, Credentials(token=served.token), name)
    window.resize(1600, 1000)
    window.toggle_mute()  # no sound player started per alert on a benchmark machine
    window.show()
    hub.connected.wait(30)
    settle_until = time.perf_counter() + 1.0
    while time.perf_counter() < settle_until:  # the snapshot applied, the heap settled, the
        QApplication.processEvents()  # first frames painted: a run's first figures would
        time.sleep(0.01)  # otherwise be the window's start (an 80 ms full collection)
    return scenario, master, engine, hub, window


def once(alerts: int, backlog: int, interval: float, in_process: bool) -> list[float]:
    """One run: the latencies (ms) of `alerts` alerts, in the order they were sent."""
    app = QApplication([])
    scenario, master, engine, hub, window = open_window_rig("bench", in_process, backlog)
    stop = threading.Event()
    threading.Thread(target=radios, args=(master, stop), daemon=True).start()
    sent: dict[str, float] = {}
    latencies: dict[str, float] = {}

    stages: dict[str, dict[str, float]] = {"signalled": {}, "inserted": {}}

    def on_signalled(events) -> None:  # on the client's thread, as the hub's events arrive
        for e in events:
            if e.type == "alert_received" and e.payload["alert_id"] in sent:
                stages["signalled"][e.payload["alert_id"]] = time.perf_counter()

    waiting: list[str] = []  # inserted, not painted yet

    def on_inserted(_parent, first: int, last: int) -> None:
        for incident in window.queue_model.rows[first:last + 1]:
            stages["inserted"][incident.alert_id] = time.perf_counter()
            waiting.append(incident.alert_id)

    def painted() -> None:
        now = time.perf_counter()
        for alert_id in waiting:
            if alert_id in sent:
                latencies[alert_id] = (now - sent[alert_id]) * 1000
        waiting.clear()
        if len(latencies) >= alerts:
            app.quit()

    clock = FirstPaint(window.queue, waiting, painted)
    window.queue.viewport().installEventFilter(clock)
    window.signals.events_appended.connect(on_signalled, Qt.ConnectionType.DirectConnection)
    window.queue_model.rowsInserted.connect(on_inserted)

    async def client() -> None:
        factory = SlipFactory(scenario, seed=2)  # not the backlog's alert ids
        async with connect(engine.served.url + "/feed") as ws:
            for _ in range(alerts):
                slip = factory.make()
                sent[slip["alert_id"]] = time.perf_counter()
                await ws.send(json.dumps(slip, ensure_ascii=False))
                await ws.recv()
                await asyncio.sleep(interval)

    while len(window.state.incidents) < backlog:  # the snapshot has come
        app.processEvents()
    threading.Thread(target=lambda: asyncio.run(client()), daemon=True).start()
    QTimer.singleShot(int((alerts * (interval + 0.2) + 60) * 1000), app.quit)
    app.exec()
    stop.set()
    hub.stop()
    engine.stop()
    done = [a for a in sent if a in latencies and all(a in t for t in stages.values())]
    marks = [sent, stages["signalled"], stages["inserted"]]
    names = ["send → console's client has the event", "→ row inserted on the UI thread",
             "→ row painted"]
    for n, name in enumerate(names):
        spans = [((marks[n + 1][a] if n + 1 < len(marks) else sent[a] + latencies[a] / 1000)
                  - marks[n][a]) * 1000 for a in done]
        print(f"  {name}: p50 {statistics.median(spans):.1f} ms, "
              f"p99 {percentile(spans, 99):.1f} ms", file=sys.stderr)
    return [latencies[a] for a in sent if a in latencies]


def summary(values: list[float]) -> str:
    return (f"p50 {statistics.median(values):5.1f}  p95 {percentile(values, 95):5.1f}  "
            f"p99 {percentile(values, 99):5.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=300)
    parser.add_argument("--backlog", type=int, default=1000)
    parser.add_argument("--interval", type=float, default=0.1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--hub-in-process", action="store_true",
                        help="run the hub on threads of the window's process (as the console "
                             "did before it ran its hub in a child process)")
    parser.add_argument("--once", action="store_true", help="one run, JSON out (internal)")
    args = parser.parse_args()
    if args.once:
        print(json.dumps(once(args.alerts, args.backlog, args.interval, args.hub_in_process)))
        return
    runs = []
    for repeat in range(args.repeats):
        out = subprocess.run([sys.executable, __file__, "--once", "--alerts", str(args.alerts),
                              "--backlog", str(args.backlog), "--interval", str(args.interval),
                              *(["--hub-in-process"] if args.hub_in_process else [])],
                             stdout=subprocess.PIPE, text=True, check=True)
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        run = runs[-1]
        print(f"run {repeat + 1}: {len(run)} alerts with {args.backlog} open, {UNITS} units "
              f"moving: {summary(run)} ms")
        for start in range(0, len(run), 100):
            print(f"    alerts {start + 1:4d}–{min(start + 100, len(run)):4d}: "
                  f"{summary(run[start:start + 100])} ms")
    for name, p in (("p50", 50), ("p95", 95), ("p99", 99)):
        values = [percentile(run, p) for run in runs]
        print(f"{name} over {len(runs)} runs: median {statistics.median(values):.1f} ms, "
              f"spread {min(values):.1f}–{max(values):.1f} ms")


if __name__ == "__main__":
    main()
