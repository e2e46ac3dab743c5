"""`jingbao export-map --day` on a large generated day, and the restart of that center (issue
12; goals: a 26-million-position day in ≤ 10 s and ≤ 500 MB; restart ≤ 3 s).

Generates UNITS × SECONDS fixes (1 Hz) for the day, a tenth as many the evening before, and
alerts through the day, straight into the tables (COPY on PostgreSQL), with a snapshot as the
store keeps one every 20,000 events and 20,000 fixes after it (the most a restart replays).
The units patrol (`place`: a quarter of the time riding at 29 km/h, turning each minute, the
rest standing with GPS jitter) and the store's own rule marks their overview fixes, so the
map draws as many points as a real day's would (2.27 million of 25.9 million). The day is
vacuumed and analysed as autovacuum would have while it was written (`settle`). Then runs the
real command as its own process, several times, and reports wall time and peak RSS (the
child's ru_maxrss), and times `EventStore.open` (the hub's restart). The extrapolation to 26
million positions is linear in the rows read and says so; --seconds 86400 is a full day.

    .venv/bin/python bench/export_day.py [--seconds 3600] [--repeats 3] [--db postgresql]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median

from sqlalchemy import Connection, Engine, text
from storebench import UNITS, database, roster_factory, spread, unit_spec

from db import tracks
from db.models import EventRow, SnapshotRow
from db.schema import make_engine, upgrade
from db.store import SNAPSHOT_EVERY, EventStore
from dispatch import commands
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.service_hours import CHINA_TZ
from dispatch.snapshot import to_document
from dispatch.state import CenterState
from resources.scenario import DEMO_SCENARIO

DAY = date(2026, 11, 25)
JINGBAO = str(Path(sys.executable).with_name("jingbao"))
CHUNK_S = 100  # seconds of fixes per transaction while generating
FULL_DAY = 300 * 86_400


PATROL_S, RIDE_S, LEG_S = 1800, 480, 60  # each half hour a unit rides 8 min, then stands
SPEED_MS = 8.0  # 29 km/h, turning left every minute: a 480 m square, twice
HEADINGS = ((1, 0), (0, 1), (-1, 0), (0, -1))


def place(n: int, s: int) -> tuple[float, float]:
    """Unit n's position at second s of its day: at its post (a few metres of GPS jitter)
    or riding a square patrol round it; the units start their patrols at different times."""
    x = y = 0.0
    t = (s + 37 * n) % PATROL_S
    if t < RIDE_S:
        leg, into = divmod(t, LEG_S)
        for k in range(leg % 4):
            x, y = x + HEADINGS[k][0] * LEG_S * SPEED_MS, y + HEADINGS[k][1] * LEG_S * SPEED_MS
        dx, dy = HEADINGS[leg % 4]
        x, y = x + dx * into * SPEED_MS, y + dy * into * SPEED_MS
    jitter = (n * 7919 + s * 104_729) % 7 - 3
    return (122.0 + (n % 20) * 0.015 + (x + jitter) / 96_300,
            29.95 + (n // 20) * 0.012 + (y + jitter) / 111_195)


def rows(first_id: int, start: datetime, first_s: int, seconds: int,
         overview: tracks.Overview) -> list[dict]:
    """Fix rows as the store writes them, overview marks included (the chain's hashes are
    placeholders: nothing here verifies, and hashing millions of rows would only slow the
    set-up)."""
    out, next_id = [], first_id
    for s in range(first_s, first_s + seconds):
        when = start + timedelta(seconds=s)
        for n in range(UNITS):
            lon, lat = place(n, s)
            out.append({"id": next_id, "time": when + timedelta(microseconds=n),
                        "unit": f"U{n:03d}", "lon": lon, "lat": lat, "speed_kmh": 20.0,
                        "course": 90.0, "radio_status": 0, "fix_time": None,
                        "actor": "radio:bench", "workstation": "bench",
                        "idempotency_key": None, "payload": None, "prev_hash": "0" * 64,
                        "hash": "0" * 64, "overview": False})
            next_id += 1
    overview.last.update(overview.mark(out))
    return out


def generate(url: str, seconds: int) -> int:
    """Fill the database; returns how many fixes the day itself holds."""
    engine = make_engine(url)
    upgrade(engine)
    day_start = datetime.combine(DAY, datetime.min.time(), CHINA_TZ).astimezone(UTC)
    evening = day_start - timedelta(seconds=seconds // 10)
    partitions = tracks.Partitions(engine)
    partitions.ensure([evening, day_start])
    next_id = 1
    morning = day_start + timedelta(seconds=min(8 * 3600, 86_400 - seconds))  # from 08:00
    overview = tracks.Overview()
    for start, length in ((evening, seconds // 10), (morning, seconds)):
        for s in range(0, length, CHUNK_S):
            batch = rows(next_id, start, s, min(CHUNK_S, length - s), overview)
            with engine.begin() as connection:
                tracks.write(connection, batch)
            next_id += len(batch)
    alerts = alert_rows(next_id, day_start + timedelta(hours=8), 40, timedelta(minutes=20))
    with engine.begin() as connection:
        connection.execute(EventRow.__table__.insert(), alerts)
        add_snapshot(connection, [], alerts[-1]["id"] - SNAPSHOT_EVERY,
                     day_start - timedelta(days=1))
    settle(engine)
    engine.dispose()
    return seconds * UNITS


def settle(engine: Engine) -> None:
    """What autovacuum does to a day's partition while the day is written (db/tracks.py
    `create_partition`): pages marked all-visible, statistics taken. A load this fast
    outruns it."""
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("SET statement_timeout = 0"))
            connection.execute(text("VACUUM (ANALYZE) positions"))


def alert_rows(first_id: int, start: datetime, count: int, every: timedelta) -> list[dict]:
    """`count` alerts from `start`, one per `every`, as event rows (placeholder hashes), each
    at its own place so that each is an incident of its own."""
    actor = commands.Actor("hub:110-feed", "bench")
    out = []
    for n in range(count):
        when = start + n * every
        doc = {"alert_id": f"X-{first_id + n}", "received_at": when.isoformat(),
               "caller_phone": "13800000000", "description": "两车追尾 无人受伤",
               "location": {"lon": 122.05 + (n % 97) * 0.002, "lat": 29.98 + (n % 89) * 0.002,
                            "address": "定海 解放路"},
               "structured": {"injuries": False, "vehicles_movable": True,
                              "estimated_loss_cny": 2000}}
        event = commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)
        out.append({"id": first_id + n, "time": when, "type": event.type, "actor": actor.name,
                    "workstation": "bench", "payload": event.payload,
                    "idempotency_key": event.idempotency_key, "prev_hash": "0" * 64,
                    "hash": "0" * 64})
    return out


def add_snapshot(connection: Connection, events: list[dict], last_id: int,
                 created: datetime) -> None:
    """The snapshot the store would have written at `last_id`: the roster with `events`
    (rows, in order) applied."""
    state = CenterState(roster_factory()())
    for row in events:
        state.apply(tracks.to_event(tracks.LogRow(**row)))
    state.last_event_id = last_id
    connection.execute(SnapshotRow.__table__.insert().values(
        last_event_id=last_id, created=created, document=to_document(state)))


def scenario_file(folder: Path) -> Path:
    """The demo scenario with the bench's 300 units, for the command's --scenario."""
    doc = json.loads(DEMO_SCENARIO.read_text(encoding="utf-8"))
    post = doc["units"][0]["post"]
    doc["units"] = [unit_spec(n, post) for n in range(UNITS)]
    path = folder / "bench-scenario.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def export(url: str, out: Path, day: date = DAY) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `jingbao export-map` process."""
    start = time.perf_counter()
    child = subprocess.Popen([JINGBAO, "export-map", "--day", day.isoformat(), "--db", url,
                              "--out", str(out), "--tiles", "none", "--scenario",
                              str(scenario_file(out.parent))], stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"export-map failed with status {status}")
    return elapsed, usage.ru_maxrss / 1024


def restart(url: str) -> float:
    start = time.perf_counter()
    store = EventStore.open(url, roster_factory())
    elapsed = time.perf_counter() - start
    store.engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3600, help="seconds of the day at 1 Hz")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", default="postgresql")
    args = parser.parse_args()
    with database(args.db) as url, tempfile.TemporaryDirectory() as folder:
        begun = time.perf_counter()
        day_fixes = generate(url, args.seconds)
        print(f"{args.db}: generated {day_fixes:,} fixes of the day and {day_fixes // 10:,} "
              f"the evening before in {time.perf_counter() - begun:.0f} s")
        runs = [export(url, Path(folder) / f"day{n}.html") for n in range(args.repeats)]
        empty_runs = [export(url, Path(folder) / "empty.html", DAY - timedelta(days=2))
                      for _ in range(args.repeats)]
        empty = [r[0] for r in empty_runs]
        size = (Path(folder) / "day0.html").stat().st_size / 1e6
        seconds = [r[0] for r in runs]
        print(f"export-map --day: {spread(seconds, 's', 2)}; peak RSS "
              f"{spread([r[1] for r in runs], 'MB')}; page {size:.1f} MB")
        print(f"  the same command on a day without data (start-up, scenario, page): "
              f"{spread(empty, 's', 2)}, peak RSS {spread([r[1] for r in empty_runs], 'MB')}")
        per_million = (median(seconds) - median(empty)) / (day_fixes / 1e6)
        rss = (median(r[1] for r in runs) - median(r[1] for r in empty_runs)) / (
            day_fixes / 1e6)
        print(f"  beyond that, {per_million:.2f} s and {rss:.0f} MB per million fixes of the "
              f"day; linear → {median(empty) + per_million * FULL_DAY / 1e6:.0f} s and "
              f"{median(r[1] for r in empty_runs) + rss * FULL_DAY / 1e6:.0f} MB for a "
              f"300-unit 1 Hz day ({FULL_DAY / 1e6:.1f} M fixes)")
        print(f"restart (EventStore.open, {SNAPSHOT_EVERY:,} fixes after the snapshot): "
              f"{spread([restart(url) for _ in range(args.repeats)], 's', 2)}")


if __name__ == "__main__":
    main()
