"""A shift, accelerated: 8 hours of alerts and their endings through the real engine and the
real window, as fast as the machine allows, printing the console's memory and CPU per hour.

What grows with a day is what this watches: finished incidents, the queue, the radio log, the
trails. Each simulated hour sends `--per-hour` alerts over the 110 websocket (the demo's busy
rate, one every 2–5 s, is ~1,000 an hour) and refers 90% of them to the police at the hub (as
other desks do) and the rest an hour later, so the open incidents stay at a working level
while the finished pile up; meanwhile 300 units report over a pty at 1 Hz (real time:
positions cannot be accelerated without changing what the engine does with them). Per hour:
the process's RSS, its CPU share over that hour's wall time, the replica's incidents, the
queue's rows and the radio log lines.

Ended cases leave memory `program.ended_kept_hours` after they end (dispatch/retirement.py):
12 real hours in a center, which an accelerated shift never reaches, so the bench keeps them
`--kept-s` real seconds instead (0: never, as before retirement) and sweeps the hub and the
window at each hour's end; the incidents column then shows what a real shift holds.

    .venv/bin/python bench/shift_soak.py [--hours 8] [--per-hour 1000] [--kept-s 30]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from bench.alert_to_row import UNITS, open_window_rig, radios  # noqa: E402
from dispatch.commands import Actor  # noqa: E402
from dispatch.lifecycle import IncidentStatus  # noqa: E402
from dispatch.retirement import REPLICA_MARGIN  # noqa: E402
from hub.simulated_feed import SlipFactory  # noqa: E402


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def wait_until(condition) -> None:
    """Run the UI's event loop until `condition()` holds, idle in between (a spinning wait
    would be counted as the console's CPU)."""
    loop = QEventLoop()
    timer = QTimer(interval=20)
    timer.timeout.connect(lambda: condition() and loop.quit())
    timer.start()
    if not condition():
        loop.exec()
    timer.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--per-hour", type=int, default=1000)
    parser.add_argument("--kept-s", type=float, default=30.0,
                        help="real seconds an ended case stays in memory (0: kept all shift)")
    args = parser.parse_args()
    app = QApplication([])
    # the hub on this process's threads: the soak drives the engine itself
    scenario, master, engine, hub, window = open_window_rig("soak", in_process=True)
    if args.kept_s > 0:  # both sweeps at each hour's end, the console's after the hub's
        engine.ended_kept = timedelta(seconds=args.kept_s)
        window.desk.ended_kept = timedelta(seconds=args.kept_s) - REPLICA_MARGIN
    stop = threading.Event()
    threading.Thread(target=radios, args=(master, stop), daemon=True).start()
    hour_sent = threading.Semaphore(0)
    next_hour = threading.Event()

    async def feed() -> None:
        factory = SlipFactory(scenario, seed=5)
        async with connect(f"ws://127.0.0.1:{engine.feed_port}/feed") as ws:
            for _hour in range(args.hours):
                for _ in range(args.per_hour):
                    await ws.send(json.dumps(factory.make(), ensure_ascii=False))
                    await ws.recv()
                hour_sent.release()
                await asyncio.to_thread(next_hour.wait)
                next_hour.clear()

    threading.Thread(target=lambda: asyncio.run(feed()), daemon=True).start()
    print(f"hour  RSS MB  CPU % of a core  incidents  open  queue rows  radio log lines "
          f"(alerts per hour: {args.per_hour}; {UNITS} units at 1 Hz)")
    print(f"   0  {rss_mb():6.0f}")
    referred: set[str] = set()
    held: list[str] = []  # the tenth left open for an hour
    desk = Actor("soak-desk", "soak")
    for hour in range(1, args.hours + 1):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        wait_until(lambda: hour_sent.acquire(blocking=False))
        wait_until(lambda h=hour: window.state.cases_opened >= h * args.per_hour)
        fresh = [c for c in window.state.incidents if c not in referred and c not in held]
        cases = [c for c in fresh if int(c) % 10] + held  # last hour's tenth ends now
        held = [c for c in fresh if not int(c) % 10]
        # nine in ten end as referrals, by other desks at the hub (one console may send only
        # 20 commands a second: the console link's flood guard)
        futures = [engine.submit(engine.refer, case, IncidentStatus.REFERRED_POLICE, desk)
                   for case in cases]
        wait_until(lambda fs=futures: all(f.done() for f in fs))
        referred.update(cases)
        if args.kept_s > 0:
            engine.submit(engine.retire_ended).result(30)
            window.desk.retire(datetime.now(UTC))
        window.refresh()
        app.processEvents()  # the hour's last repaint is part of its cost
        cpu = 100 * (time.process_time() - cpu0) / (time.perf_counter() - wall0)
        open_now = sum(i.status == "received" for i in window.state.incidents.values())
        print(f"{hour:4d}  {rss_mb():6.0f}  {cpu:15.0f}  {len(window.state.incidents):9d}  "
              f"{open_now:4d}  {window.queue_model.rowCount():10d}  "
              f"{window.radio_log.view.blockCount():15d}", flush=True)
        next_hour.set()
    stop.set()
    hub.stop()
    engine.stop()


if __name__ == "__main__":
    main()
