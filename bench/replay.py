"""Day replay (issue 16; goals: a day of 300 units, ≈ 2.6 M fixes, loads in ≤ 2 s, a scrub
step redraws in ≤ 33 ms).

The day: 300 guides, each reporting every 10 s for 24 h (2,592,000 fixes; `--every 5` for
5,184,000; written straight into the track store's table: the read does not walk the hash
chain, so the bench does not compute one), and 200 incidents each received, triaged,
dispatched, acknowledged, en route, on scene and closed (1,400 events through the real store).
Written once per database kind (or taken from `--url`, a database an earlier run kept).

Figures, each the median and spread over repeats, every load with a new engine (nothing of an
earlier load is kept in the process; the OS file cache is warm, as on a center's server):
- load from rows: `db.replay_source.load_day` of a day without packs (its packs deleted
  before each load), the whole day into a scrubbable replay (start state, events, every fix
  as arrays, keyframes); the first opening of a day nobody packed yet, which packs it;
- load from packs: the same day once packed (db/replay_days.py), every later opening;
- scrub step: the replay window offscreen at 1600×1000 moved to a random time of the day
  and repainted (`set_time`, then the event loop runs the paints it asked for), p50 and p95
  of 200 steps;
  the model's part alone (`Replay.frame`) is printed too.
The machine's load average is printed with each figure: the machine is shared.

    .venv/bin/python bench/replay.py [--repeats 5] [--cold-repeats 3] [--every 10]
        [--db sqlite postgresql] [--steps 200] [--url URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import random
import statistics
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import select  # noqa: E402
from storebench import database, spread  # noqa: E402

from db import replay_days, tracks  # noqa: E402
from db.replay_source import load_day  # noqa: E402
from db.schema import make_engine, upgrade  # noqa: E402
from db.store import EventStore  # noqa: E402
from dispatch import events as ev  # noqa: E402
from dispatch.events import Event  # noqa: E402
from resources import scenario as scenarios  # noqa: E402

DAY = date(2026, 11, 25)
UNITS = 300
EVERY_S = 10
INCIDENTS = 200
CHUNK = 100_000  # rows per write


def scenario_of_300() -> scenarios.Scenario:
    demo = scenarios.load()
    posts = list(demo.posts)
    specs = [{"unit_id": f"U{n:03d}", "name": f"单位{n}", "kind": "guide", "fleet": 100,
              "radio_id": str(5000 + n), "post": posts[n % len(posts)]} for n in range(UNITS)]
    return dataclasses.replace(demo, unit_specs=specs)


def fix_rows(start: datetime, first_id: int, scenario: scenarios.Scenario, every: int):
    """The day's fixes as track-store rows, in chunks: each unit circles its post."""
    roster = scenario.roster()
    batch, next_id = [], first_id
    for step in range(24 * 3600 // every):
        when = start + timedelta(seconds=step * every)
        for n, unit in enumerate(roster):
            (lon, lat), angle = unit.post, (step + n * 37) / 120.0
            batch.append({
                "id": next_id, "time": when + timedelta(microseconds=n), "unit": unit.unit_id,
                "lon": lon + 0.01 * (n % 7 + 1) / 7 * math.cos(angle),
                "lat": lat + 0.008 * math.sin(angle), "speed_kmh": 20.0,
                "course": 90.0, "radio_status": 0, "fix_time": None, "actor": "radio:bench",
                "workstation": "bench", "idempotency_key": None, "payload": None,
                "prev_hash": None, "hash": None, "overview": step % 3 == 0})
            next_id += 1
            if len(batch) == CHUNK:
                yield batch
                batch = []
    if batch:
        yield batch


def incident_events(start: datetime, scenario: scenarios.Scenario) -> list[Event]:
    """Every incident's life, in time order: units taken in turn, each free again long before
    its next turn."""
    roster = scenario.roster()
    events = []
    for k in range(INCIDENTS):
        received = start + timedelta(seconds=300 + k * 400)
        case, unit = str(1001 + k), roster[k % len(roster)].unit_id
        lon, lat = roster[k % len(roster)].post
        steps = [(0, ev.ALERT_RECEIVED, {
                     "alert_id": f"B-{k}", "received_at": received.isoformat(),
                     "location": {"lon": lon + 0.004, "lat": lat + 0.003, "address": "测试路"},
                     "description": "两车刮擦", "caller_phone": "13800000000"}),
                 (30, ev.INCIDENT_TRIAGED, {"case": case, "outcome": "triaged"}),
                 (60, ev.UNIT_DISPATCHED, {"case": case, "unit": unit}),
                 (90, ev.PAGE_ACKED, {"case": case, "unit": unit}),
                 (100, ev.UNIT_EN_ROUTE, {"case": case, "unit": unit}),
                 (400 + (k % 5) * 60, ev.UNIT_ARRIVED, {"case": case, "unit": unit}),
                 (1800, ev.INCIDENT_CLOSED, {"case": case})]
        events += [Event(kind, "dispatcher:bench", "bench", payload,
                         received + timedelta(seconds=after)) for after, kind, payload in steps]
    return sorted(events, key=lambda e: e.time)


def write_day(url: str, scenario: scenarios.Scenario, every: int = EVERY_S) -> None:
    store = EventStore.open(url, scenario.roster)
    start = tracks.day_bounds(DAY)[0]
    store.append(incident_events(start, scenario))
    store.close()
    engine = make_engine(url)
    upgrade(engine)
    tracks.Partitions(engine).ensure([start])
    for batch in fix_rows(start, 1_000_000, scenario, every):
        with engine.begin() as connection:
            tracks.write(connection, batch)
    engine.dispose()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def load_times(url: str, scenario: scenarios.Scenario, repeats: int, packed: bool):
    """Seconds per load, each with a new engine; without `packed`, the day's packs are
    deleted before each load (which writes them again)."""
    seconds, replay = [], None
    for _ in range(repeats):
        engine = make_engine(url)
        if not packed:
            replay_days.discard(engine, DAY)
        begun = time.perf_counter()
        replay = load_day(engine, scenario.roster, DAY)
        seconds.append(time.perf_counter() - begun)
        engine.dispose()
    return seconds, replay


def holds_the_day(url: str) -> bool:
    engine = make_engine(url)
    upgrade(engine)
    start, end = tracks.day_bounds(DAY)
    with engine.connect() as connection:
        found = connection.scalar(select(tracks.POSITIONS.c.id).where(
            tracks.POSITIONS.c.time >= start, tracks.POSITIONS.c.time < end).limit(1))
    engine.dispose()
    return found is not None


def load_average() -> str:
    return "load average " + " ".join(f"{v:.1f}" for v in os.getloadavg())


def scrub_times(replay, scenario: scenarios.Scenario, steps: int) -> tuple[list, list]:
    """(model ms, window ms) of `steps` jumps to random times of the day."""
    from PySide6.QtWidgets import QApplication

    from console.replay_window import ReplayWindow

    app = QApplication.instance() or QApplication([])
    window = ReplayWindow(scenario, replay)
    window.resize(1600, 1000)
    window.show()
    app.processEvents()
    rng = random.Random(16)
    span = (replay.end - replay.start).total_seconds()
    moments = [replay.start + timedelta(seconds=rng.uniform(0, span)) for _ in range(steps)]
    model = []
    for moment in moments:
        begun = time.perf_counter()
        replay.frame(moment)
        model.append((time.perf_counter() - begun) * 1000)
    drawn = []
    for moment in moments:
        begun = time.perf_counter()
        window.set_time(moment)
        app.processEvents()  # the paints it asked for: map, time, lists
        drawn.append((time.perf_counter() - begun) * 1000)
    window.close()
    return model, drawn


def measure(kind: str, url: str, scenario: scenarios.Scenario, args: argparse.Namespace) -> None:
    if not holds_the_day(url):
        begun = time.perf_counter()
        write_day(url, scenario, args.every)
        print(f"{kind}: day written in {time.perf_counter() - begun:.0f} s", flush=True)
    cold, replay = load_times(url, scenario, args.cold_repeats, packed=False)
    print(f"{kind}: {len(replay.tracks):,} fixes, {len(replay.events):,} events, "
          f"load from rows {spread(cold, 's', 2)}; {load_average()}", flush=True)
    packed, replay = load_times(url, scenario, args.repeats, packed=True)
    print(f"{kind}: load from packs {spread(packed, 's', 2)}; {load_average()}", flush=True)
    p50s, p95s, model50 = [], [], []
    for _ in range(args.repeats):
        model, drawn = scrub_times(replay, scenario, args.steps)
        p50s.append(statistics.median(drawn))
        p95s.append(percentile(drawn, 95))
        model50.append(statistics.median(model))
    print(f"{kind}: scrub step p50 {spread(p50s, 'ms', 1)}", flush=True)
    print(f"{kind}: scrub step p95 {spread(p95s, 'ms', 1)}", flush=True)
    print(f"{kind}: model frame p50 {spread(model50, 'ms', 2)}; {load_average()}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--cold-repeats", type=int, default=3,
                        help="loads from rows (tens of seconds each on SQLite)")
    parser.add_argument("--every", type=int, default=EVERY_S,
                        help="seconds between a unit's fixes (10: 2.6 M fixes; 5: 5.2 M)")
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    parser.add_argument("--url", help="a database that holds the bench day already (or gets "
                                      "it, and keeps it): instead of --db")
    args = parser.parse_args()
    scenario = scenario_of_300()
    if args.url:
        measure(make_engine(args.url).dialect.name, args.url, scenario, args)
        return
    for kind in args.db:
        with database(kind) as url:
            measure(kind, url, scenario, args)


if __name__ == "__main__":
    main()
    sys.stdout.flush()
    os._exit(0)  # pyqtgraph's items outlive the app at interpreter exit otherwise
