"""Restart of a center with a week of data (issue 12; goal ≤ 3 s): `EventStore.open`, from the
URL to the state ready to serve, on PostgreSQL and SQLite.

A week is seven China days, each with the 300 units' fixes at 1 Hz for --seconds of the day
(the patrols and overview marks of bench/export_day.py) and --alerts alerts, each an incident
of its own that stays open, so the snapshot carries a week of them; the last snapshot stands
20,000 rows before the end (the store writes one every 20,000 events: the most a restart
replays). The hub is opened once untimed after each fill (it writes its projections, as a hub
that ran would have), then timed --repeats times, after the first day and after the seventh:
what grows with the data stored shows as the difference. A full 1 Hz week is 181 million
fixes (about 60 GB on PostgreSQL); what a restart reads does not depend on them (the newest
snapshot and the rows after it, by index), which the two stages check rather than assume.

    .venv/bin/python bench/startup.py [--db postgresql sqlite] [--seconds 3600]
                                      [--alerts 200] [--repeats 5]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, date, datetime, timedelta

from export_day import CHUNK_S, add_snapshot, alert_rows, rows
from sqlalchemy import Engine, func, select
from storebench import UNITS, database, roster_factory, spread

from db import tracks
from db.models import EventRow
from db.schema import make_engine, upgrade
from db.store import SNAPSHOT_EVERY, EventStore
from dispatch.service_hours import CHINA_TZ

FIRST_DAY = date(2026, 11, 19)


def fill_day(engine: Engine, day: date, first_id: int, seconds: int, alerts: int,
             overview: tracks.Overview) -> tuple[int, list[dict]]:
    """One day's fixes from 08:00 and its alerts through the day; returns the next id and
    the alerts' rows."""
    day_start = datetime.combine(day, datetime.min.time(), CHINA_TZ).astimezone(UTC)
    morning = day_start + timedelta(seconds=min(8 * 3600, 86_400 - seconds))
    tracks.Partitions(engine).ensure([day_start])
    next_id = first_id
    for s in range(0, seconds, CHUNK_S):
        batch = rows(next_id, morning, s, min(CHUNK_S, seconds - s), overview)
        with engine.begin() as connection:
            tracks.write(connection, batch)
        next_id += len(batch)
    every = timedelta(seconds=86_400 // alerts)
    events = alert_rows(next_id, day_start, alerts, every)
    with engine.begin() as connection:
        connection.execute(EventRow.__table__.insert(), events)
    return next_id + alerts, events


def snapshot_before_end(engine: Engine, events: list[dict], last_id: int, day: date) -> None:
    """The store's latest snapshot, SNAPSHOT_EVERY rows before the log's end."""
    at = last_id - SNAPSHOT_EVERY
    created = datetime.combine(day, datetime.max.time(), CHINA_TZ)
    with engine.begin() as connection:
        add_snapshot(connection, [e for e in events if e["id"] <= at], at, created)


def restarts(url: str, repeats: int) -> list[float]:
    EventStore.open(url, roster_factory()).engine.dispose()  # projections, as a hub left them
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        store = EventStore.open(url, roster_factory())
        out.append(time.perf_counter() - start)
        store.engine.dispose()
    return out


def stored(engine: Engine) -> str:
    with engine.connect() as connection:
        fixes = connection.scalar(select(func.count()).select_from(tracks.POSITIONS))
        events = connection.scalar(select(func.count()).select_from(EventRow))
    return f"{fixes:,} fixes and {events:,} events stored"


def week(kind: str, args: argparse.Namespace) -> None:
    with database(kind) as url:
        engine = make_engine(url)
        upgrade(engine)
        next_id, overview, events = 1, tracks.Overview(), []
        begun = time.perf_counter()
        for n in range(7):
            day = FIRST_DAY + timedelta(days=n)
            next_id, alerts = fill_day(engine, day, next_id, args.seconds, args.alerts,
                                       overview)
            events += alerts
            if n in (0, 6):
                snapshot_before_end(engine, events, next_id - 1, day)
                filled = time.perf_counter() - begun
                print(f"{kind}, {n + 1} day(s): {stored(engine)} (filled in {filled:.0f} s); "
                      f"restart {spread(restarts(url, args.repeats), 's', 2)}")
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", nargs="+", default=["postgresql", "sqlite"])
    parser.add_argument("--seconds", type=int, default=3600,
                        help=f"seconds of each day at 1 Hz ({UNITS} units)")
    parser.add_argument("--alerts", type=int, default=200, help="alerts a day")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    for kind in args.db:
        week(kind, args)


if __name__ == "__main__":
    main()
