"""A replay's data from the database: range reads, never the whole log.

The start state is the latest snapshot written before the range, brought up to the range's
start by the events after it; the range's own events follow (the events table holds only the
facts that change the state). Every unit's fixes of the range come from the track store as
arrays. A day of 300 units at 5 s is 5.2 million fixes, and the per-row cost decides:
- PostgreSQL: one sequential scan of the range hashed by unit, each unit's run coming back as
  three binary arrays numpy reads in place (300 rows, not 5 million), sorted in numpy;
- SQLite: one scan of the range in storage order, fetched in blocks (its per-row cost, about
  3 µs here, makes a day about 15–20 s; per-unit index reads were twice that, rows scattered);
- a range that is over cannot change (the hub writes only the present), so its arrays are kept
  in a cache file and the next opening reads them back in a fraction of a second, after one
  count of the range's fixes says the database still holds the same day (archived or
  reloaded days read again).
Progress is reported as blocks arrive and a cancel is honoured between blocks.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import Engine, func, select

from db import tracks
from db.models import EventRow, PositionRow
from db.store import Roster, latest_snapshot
from dispatch.events import utc_now
from dispatch.replay import Replay, Tracks, epoch
from dispatch.state import CenterState

Progress = Callable[[int, int], None]  # (done, total; 0 when unknown); off the UI thread
Runs = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
BLOCK = 50_000  # rows per fetch on SQLite, between progress reports and cancel checks
_SQLITE_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy writes a DateTime into SQLite (UTC)
_SQLITE_SCAN = (
    "SELECT instr(:names, ',' || unit || ','), (julianday(time) - julianday(:start)) * 86400.0,"
    " lon, lat FROM positions NOT INDEXED WHERE time >= :start AND time < :end")
# Per unit, its fixes as arrays sent in PostgreSQL's binary array format (array_send), which
# numpy reads in place: 300 rows instead of 5 million. The arrays are in scan order (sorted
# here); the three aggregates see the rows in the same order, so they stay aligned.
_PG_RUNS = ("SELECT u.n::int4 - 1, array_send(array_agg(date_part('epoch', p.time) - %(origin)s)),"
            " array_send(array_agg(p.lon)), array_send(array_agg(p.lat))"
            " FROM positions p JOIN unnest(%(units)s::text[]) WITH ORDINALITY AS u(name, n)"
            " ON p.unit = u.name WHERE p.time >= %(start)s AND p.time < %(end)s GROUP BY u.n")
# A day's read touches every page of the day: one sequential scan hashed by unit, not 300
# index walks over pages each unit shares with all the others (measured on 5.2 million
# fixes: 45 s through the (unit, time) index, 8.5 s scanned); and a long read, not a hang.
_PG_READ_SETTINGS = ("SET LOCAL enable_indexscan = off", "SET LOCAL enable_bitmapscan = off",
                     "SET LOCAL enable_sort = off", "SET LOCAL jit = off",
                     "SET LOCAL work_mem = '512MB'", "SET LOCAL statement_timeout = '300s'")
_PG_ARRAY_HEADER = 20  # dimensions, flags, element type, length, lower bound
_PG_ELEMENT = np.dtype([("length", ">i4"), ("value", ">f8")])


class Cancelled(Exception):
    """The reader asked to stop; nothing half-loaded is returned."""


def load_day(engine: Engine, roster: Roster, day: date, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False, cache: Path | None = None) -> Replay:
    """The China day `day` (00:00–24:00 Beijing time)."""
    return load_range(engine, roster, *tracks.day_bounds(day), progress, cancelled, cache)


def load_range(engine: Engine, roster: Roster, start: datetime, end: datetime,
               progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False,
               cache: Path | None = None) -> Replay:
    """[start, end) ready to scrub: start state, events, tracks, keyframes. With `cache` (a
    folder), a range that is over is kept there and read back from it next time."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    state, events = start_and_events(engine, roster, start, end)
    report = progress or (lambda _done, _total: None)
    per_unit = unit_runs(engine, list(state.units), start, end, report, cancelled, cache)
    return Replay(state, events, Tracks(start, (end - start).total_seconds(), per_unit),
                  start, end)
def start_and_events(engine: Engine, roster: Roster, start: datetime, end: datetime,
                     ) -> tuple[CenterState, list]:
    """The state at `start` (snapshot before it plus the events up to it) and the events in
    [start, end), in log order."""
    state = latest_snapshot(engine, roster, before=start) or CenterState(roster())
    table = EventRow.__table__
    query = select(table).where(table.c.id > state.last_event_id,
                                table.c.time < end).order_by(table.c.id)
    inside = []
    with engine.connect() as connection:
        for row in connection.execution_options(yield_per=5000).execute(query):
            event = tracks.to_event(row)
            if event.time < start and not inside:
                state.apply(event)
            else:
                inside.append(event)
    return state, inside


def unit_runs(engine: Engine, units: list[str], start: datetime, end: datetime,
              progress: Progress, cancelled: Callable[[], bool] = lambda: False,
              cache: Path | None = None) -> Runs:
    """Each unit's fixes in [start, end) as (seconds since start, lon, lat) arrays."""
    kept = _cache_file(cache, engine, units, start, end) if end <= utc_now() else None
    count = _count(engine, start, end) if kept is not None else -1
    if kept is not None and kept.exists():
        with np.load(kept) as stored:
            if int(stored["count"]) == count:
                progress(count, count)
                return _split(units, stored["unit"], stored["t"], stored["lon"], stored["lat"])
    read = _sqlite_scan if engine.dialect.name == "sqlite" else _postgresql_runs
    unit, t, lon, lat = read(engine, units, start, end, progress, cancelled)
    order = np.lexsort((t, unit))
    unit, t, lon, lat = unit[order], t[order], lon[order], lat[order]
    if kept is not None:
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = kept.with_suffix(".part.npz")
        np.savez(partial, count=count, unit=unit, t=t, lon=lon, lat=lat)
        partial.replace(kept)
    return _split(units, unit, t, lon, lat)


def _cache_file(cache: Path | None, engine: Engine, units: list[str], start: datetime,
                end: datetime) -> Path | None:
    """The range's file, named by the database (without its password), range and roster."""
    if cache is None:
        return None
    key = "|".join([engine.url.render_as_string(hide_password=True), start.isoformat(),
                    end.isoformat(), *units])
    return cache / f"replay-{hashlib.sha256(key.encode()).hexdigest()[:24]}.npz"


def _count(engine: Engine, start: datetime, end: datetime) -> int:
    table = PositionRow.__table__
    with engine.connect() as connection:
        return connection.scalar(select(func.count()).select_from(table).where(
            table.c.time >= start, table.c.time < end))


def _split(units: list[str], unit: np.ndarray, t: np.ndarray, lon: np.ndarray,
           lat: np.ndarray) -> Runs:
    """Rows sorted by unit then time, cut into each unit's run (views, no copies)."""
    bounds = np.searchsorted(unit, np.arange(len(units) + 1))
    return {name: (t[a:b], lon[a:b], lat[a:b])
            for name, a, b in zip(units, bounds[:-1].tolist(), bounds[1:].tolist(),
                                  strict=True)}


def _sqlite_scan(engine: Engine, units: list[str], start: datetime, end: datetime,
                 progress: Progress, cancelled: Callable[[], bool],
                 ) -> tuple[np.ndarray, ...]:
    """The range in storage order (time order, as fixes are appended), in blocks. Units come
    back as their offset in a comma-joined list, mapped to their index here."""
    names = "," + ",".join(units) + ","
    offsets = np.array([names.index("," + u + ",") + 1 for u in units])
    span = (end - start).total_seconds()
    blocks = []
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.execute(_SQLITE_SCAN, {
            "names": names, "start": start.strftime(_SQLITE_STAMP),
            "end": end.strftime(_SQLITE_STAMP)})
        while rows := cursor.fetchmany(BLOCK):
            if cancelled():
                raise Cancelled
            block = np.array(rows, dtype=np.float64)
            blocks.append(block[block[:, 0] > 0])  # a unit the roster does not know: left out
            progress(int(min(block[-1, 1], span)), int(span))
    table = np.concatenate(blocks) if blocks else np.empty((0, 4))
    order = np.argsort(offsets)
    unit = order[np.searchsorted(offsets[order], table[:, 0].astype(np.int64))]
    return unit, table[:, 1].copy(), table[:, 2].copy(), table[:, 3].copy()


def _postgresql_runs(engine: Engine, units: list[str], start: datetime, end: datetime,
                     progress: Progress, cancelled: Callable[[], bool],
                     ) -> tuple[np.ndarray, ...]:
    """One query, one row per unit; the arrays are read by numpy in place."""
    unit, t, lon, lat = [], [], [], []
    with engine.connect() as connection:
        for setting in _PG_READ_SETTINGS:
            connection.exec_driver_sql(setting)
        raw = connection.connection.driver_connection
        with raw.cursor(binary=True) as cursor:
            cursor.execute(_PG_RUNS, {"units": units, "origin": epoch(start), "start": start,
                                      "end": end})
            for n, (index, *columns) in enumerate(cursor):
                if cancelled():
                    raise Cancelled
                values = [np.frombuffer(c, _PG_ELEMENT, offset=_PG_ARRAY_HEADER)["value"]
                          for c in columns]
                unit.append(np.full(len(values[0]), index))
                for out, run in zip((t, lon, lat), values, strict=True):
                    out.append(run.astype(np.float64))
                progress(n + 1, len(units))
    progress(len(units), len(units))  # units without a fix send no row
    if not unit:
        return np.empty(0, dtype=np.int64), np.empty(0), np.empty(0), np.empty(0)
    return tuple(np.concatenate(parts) for parts in (unit, t, lon, lat))
