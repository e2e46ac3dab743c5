"""What the hub keeps in memory per alert and per fix (tracemalloc: Python objects retained).

`bench/center_load.py` reports the hub's RSS, which also moves with the allocator's arenas and
the position churn; this answers the narrower question behind "is the hub's memory flat": after
a warm-up, how many bytes of Python objects stay alive per 110 alert (an open incident: its
slip, reasons and history), per position fix (nothing should: a unit keeps only its latest
fix), and per alert whose case a desk ended and the hub then retired (dispatch/retirement.py:
nothing should stay, or a center's memory grows by the day). A real engine on a temporary
SQLite file, slips over the real feed websocket, fixes through the engine's own fact path.
Repeats and prints the median and spread.

    .venv/bin/python bench/hub_memory.py [--alerts 1000] [--fixes 30000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import tempfile
import tracemalloc
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from websockets.asyncio.client import connect  # noqa: E402

from db.store import EventStore  # noqa: E402
from dispatch import events as ev  # noqa: E402
from dispatch.commands import Actor  # noqa: E402
from dispatch.lifecycle import TERMINAL, IncidentStatus  # noqa: E402
from hub.engine import Engine  # noqa: E402
from hub.simulated_feed import SlipFactory  # noqa: E402
from resources import scenario as scenarios  # noqa: E402


class Quiet:
    def events_appended(self, events) -> None:
        pass

    def radio_logged(self, entry) -> None:
        pass

    def link_changed(self, link, status, detail) -> None:
        pass


def retained(measure) -> int:
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    measure()
    gc.collect()
    return tracemalloc.get_traced_memory()[0] - before


def one_run(alerts: int, fixes: int, seed: int) -> tuple[float, float, float]:
    scenario = scenarios.load()
    folder = Path(tempfile.mkdtemp(prefix="hub_memory_"))
    engine = Engine(EventStore.open(f"sqlite:///{folder}/m.sqlite3", scenario.roster), scenario,
                    Quiet(), workstation="bench")
    engine.start()
    factory = SlipFactory(scenario, seed=seed)
    radio, desk = Actor("radio:bench", "bench"), Actor("dispatcher:bench", "bench")
    units = list(scenario.roster())

    async def send(count: int) -> None:
        async with connect(f"{engine.url}/feed") as ws:
            for _ in range(count):
                await ws.send(json.dumps(factory.make(), ensure_ascii=False))
                await ws.recv()

    def record(count: int) -> None:
        for start in range(0, count, 300):  # a burst per second, as 300 radios send them
            burst = [radio.event(ev.UNIT_POSITION, {
                "unit": units[n % len(units)].unit_id, "lon": 122.10 + (n % 97) * 1e-4,
                "lat": 30.02, "speed_kmh": 20.0, "course": 90.0, "radio_status": 0,
                "fix_time": None}) for n in range(start, min(count, start + 300))]
            ticket = engine.submit(engine._record, burst).result(10)
        engine.submit(engine._written, ticket).result(60)  # all in the log

    def end_and_retire() -> None:
        """A desk refers every open case, and they leave memory (kept 0 h here)."""
        for case in [c for c, i in engine.store.state.incidents.items()
                     if i.status not in TERMINAL]:
            engine.submit(engine.refer, case, IncidentStatus.REFERRED_POLICE, desk).result(10)
        engine.ended_kept = timedelta(0)
        engine.submit(engine.retire_ended).result(10)

    try:
        asyncio.run(send(100))  # warm-up: caches, connections, code paths
        record(3_000)
        tracemalloc.start()
        per_alert = retained(lambda: asyncio.run(send(alerts))) / alerts
        per_fix = retained(lambda: record(fixes)) / fixes
        end_and_retire()
        per_ended = retained(lambda: (asyncio.run(send(alerts)), end_and_retire())) / alerts
        tracemalloc.stop()
    finally:
        engine.stop()
    return per_alert, per_fix, per_ended


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--fixes", type=int, default=30_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    runs = [one_run(args.alerts, args.fixes, seed) for seed in range(args.repeats)]
    for name, values in (("per alert (an open incident)", [r[0] for r in runs]),
                         ("per position fix", [r[1] for r in runs]),
                         ("per alert ended and retired", [r[2] for r in runs])):
        print(f"retained {name}: median {statistics.median(values):,.0f} B "
              f"(runs: {', '.join(f'{v:,.0f}' for v in values)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
