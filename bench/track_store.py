"""Track store write rate (issue 12; goal ≥ 50,000 positions/s on PostgreSQL).

Two figures per database, each the median and spread of repeats over generated bursts of one
fix per unit (300 units, one second each):
- the track store alone: `db.tracks.write` of prepared rows, 10 bursts per transaction (COPY
  on PostgreSQL, executemany on SQLite) — what the table and its indexes take;
- through the engine's path, `EventStore.append` of one burst per transaction: hash chain,
  state fold, the units' projection and the commit — what the hub sustains.

    .venv/bin/python bench/track_store.py [--seconds 200] [--repeats 5] [--db postgresql sqlite]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from storebench import UNITS, database, fixes, roster_factory, spread

from db import audit, tracks
from db.schema import make_engine, upgrade
from db.store import EventStore

START = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)
PER_TRANSACTION = 10  # bursts


def prepared_rows(seconds: int, first_id: int = 1) -> list[list[dict]]:
    """Chained rows of `seconds` bursts, grouped by transaction; made before the clock runs."""
    groups, previous, next_id = [], audit.GENESIS, first_id
    for n in range(0, seconds, PER_TRANSACTION):
        group = []
        for second in range(n, min(n + PER_TRANSACTION, seconds)):
            for event in fixes(second, START):
                digest = audit.link(previous, audit.canonical(
                    event.time, event.type, event.actor, event.workstation, event.payload,
                    None))
                group.append(tracks.to_row(event, next_id, previous, digest))
                previous, next_id = digest, next_id + 1
        groups.append(group)
    return groups


def table_rate(url: str, seconds: int) -> float:
    engine = make_engine(url)
    upgrade(engine)
    tracks.Partitions(engine).ensure([START])
    groups = prepared_rows(seconds)
    start = time.perf_counter()
    for group in groups:
        with engine.begin() as connection:
            tracks.write(connection, group)
    elapsed = time.perf_counter() - start
    engine.dispose()
    return seconds * UNITS / elapsed


def store_rate(url: str, seconds: int) -> float:
    store = EventStore.open(url, roster_factory())
    bursts = [fixes(second, datetime.now(UTC)) for second in range(seconds)]
    start = time.perf_counter()
    for burst in bursts:
        store.append(burst)
    elapsed = time.perf_counter() - start
    store.close()
    return seconds * UNITS / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db", nargs="+", default=["postgresql", "sqlite"])
    args = parser.parse_args()
    for kind in args.db:
        table, store = [], []
        for _ in range(args.repeats):
            with database(kind) as url:
                table.append(table_rate(url, args.seconds))
            with database(kind) as url:
                store.append(store_rate(url, args.seconds // 4))
        print(f"{kind}: track store alone, {PER_TRANSACTION * UNITS:,} fixes per transaction: "
              f"{spread(table, 'positions/s')}")
        print(f"{kind}: through EventStore.append, {UNITS} per transaction: "
              f"{spread(store, 'positions/s')}")


if __name__ == "__main__":
    main()
