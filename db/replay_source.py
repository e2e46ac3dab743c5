"""A replay's data from the database: range reads, never the whole log.

The start state is the latest snapshot written before the range, brought up to the range's
start by the events after it; the range's own events follow (the events table holds only the
facts that change the state). Every unit's fixes of the range come from the track store as
arrays, day by day (China days):
- a day that has packs (db/replay_days.py) comes from them, 300 rows of arrays, a fraction of
  a second for 2.6 million fixes on either database, plus the day's fixes written after the
  packing (today's since the last load, read by id; a late resend into a past day), merged
  and packed again when they are many (REPACK_AFTER) or the day is over;
- a day without packs is read as rows, and packed when the whole day was wanted (the first
  opening of a day; `pack_day` lets the hub do it once a day is over): on PostgreSQL one
  sequential scan of the range hashed by unit, each unit's run coming back as three binary
  arrays numpy reads in place (a row per unit, not per fix); on SQLite one read of the range
  in time order, fetched in blocks (its per-row cost, about 3 µs here, makes a whole day
  about 15 s; per-unit index reads were twice that, rows scattered).
Progress is reported as blocks arrive and a cancel is honoured between blocks.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta

import numpy as np
from sqlalchemy import Engine, func, select, text

from db import replay_days, tracks
from db.models import EventRow
from db.replay_days import Runs
from db.store import Roster, latest_snapshot
from dispatch.events import utc_now
from dispatch.replay import Replay, Timeline, Tracks, epoch
from dispatch.state import CenterState

Progress = Callable[[int, int], None]  # (done, total; 0 when unknown); off the UI thread
BLOCK = 50_000  # rows per fetch on SQLite, between progress reports and cancel checks
# A day's packs are written again when this many fixes came after them (an hour of 300 units
# at 10 s): reading them as rows costs about 3 µs each on SQLite, writing the packs a second
REPACK_AFTER = 100_000
_SQLITE_STAMP = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy writes a DateTime into SQLite (UTC)
_SQLITE_SCAN = (
    "SELECT instr(:names, ',' || unit || ','), (julianday(time) - julianday(:start)) * 86400.0,"
    " lon, lat, id FROM positions {access} WHERE time >= :start AND time < :end AND id > :after")
# Through the time index: the range's rows only (a scan of the table read every day it holds;
# on one day the two cost the same, the rows being in time order); or, for the fixes after a
# pack's newest id, by rowid when fewer rows came after that id than the day holds (today's,
# or those of a day soon after it ended), since either way every row looked at is tested
_SQLITE_BY_TIME, _SQLITE_BY_ROWID = "INDEXED BY ix_positions_time", "NOT INDEXED"
# Every unit name the track store holds, one index seek each (a loose scan of the unit index)
_SQLITE_UNITS = text(
    "WITH RECURSIVE names(unit) AS (SELECT min(unit) FROM positions UNION ALL"
    " SELECT (SELECT min(unit) FROM positions WHERE unit > names.unit) FROM names"
    " WHERE names.unit IS NOT NULL) SELECT unit FROM names WHERE unit IS NOT NULL")
# Per unit, its fixes as arrays sent in PostgreSQL's binary array format (array_send), which
# numpy reads in place: 300 rows instead of millions. The arrays are in scan order (put in
# time order here when they are not); the aggregates see the rows in the same order, so they
# stay aligned.
_PG_RUNS = ("SELECT unit, max(id), array_send(array_agg(date_part('epoch', time) - %(origin)s)),"
            " array_send(array_agg(lon)), array_send(array_agg(lat)) FROM positions"
            " WHERE time >= %(start)s AND time < %(end)s AND id > %(after)s GROUP BY unit")
# A day's read touches every page of the day: one sequential scan hashed by unit, not 300
# index walks over pages each unit shares with all the others (measured on 5.2 million
# fixes: 45 s through the (unit, time) index, 8.5 s scanned); and a long read, not a hang.
# The fixes after a pack's newest are few: the partition's primary key (id, time) finds them.
_PG_LONG_READ = ("SET LOCAL jit = off", "SET LOCAL work_mem = '512MB'",
                 "SET LOCAL statement_timeout = '300s'")
_PG_SCAN = ("SET LOCAL enable_indexscan = off", "SET LOCAL enable_bitmapscan = off",
            "SET LOCAL enable_sort = off")
_PG_ARRAY_HEADER = 20  # dimensions, flags, element type, length, lower bound
_PG_ELEMENT = np.dtype([("length", ">i4"), ("value", ">f8")])


class Cancelled(Exception):
    """The reader asked to stop; nothing half-loaded is returned."""


def load_day(engine: Engine, roster: Roster, day: date, progress: Progress | None = None,
             cancelled: Callable[[], bool] = lambda: False) -> Replay:
    """The China day `day` (00:00–24:00 Beijing time)."""
    return load_range(engine, roster, *tracks.day_bounds(day), progress, cancelled)


def load_range(engine: Engine, roster: Roster, start: datetime, end: datetime,
               progress: Progress | None = None, cancelled: Callable[[], bool] = lambda: False,
               ) -> Replay:
    """[start, end) ready to scrub: start state, events, tracks, keyframes."""
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    state, events = start_and_events(engine, roster, start, end)
    report = progress or (lambda _done, _total: None)
    # the fixes are read on a worker while the events fold here: the read mostly waits on
    # the database (the GIL released), the fold is Python (a third of a day's load)
    with ThreadPoolExecutor(1, thread_name_prefix="replay-fixes") as worker:
        reading = worker.submit(unit_runs, engine, list(state.units), start, end, report,
                                cancelled)
        timeline = Timeline(state, events, start, end)
        per_unit = reading.result()
    return Replay(timeline, Tracks(start, (end - start).total_seconds(), per_unit))


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
              progress: Progress, cancelled: Callable[[], bool] = lambda: False) -> Runs:
    """Each of `units`' fixes in [start, end) as (seconds since start, lon, lat) arrays in
    time order; a unit the roster does not know is left out."""
    parts: dict[str, list[tuple[np.ndarray, ...]]] = {unit: [] for unit in units}
    for day in _days(start, end):
        day_start, day_end = tracks.day_bounds(day)
        lo, hi = max(start, day_start), min(end, day_end)
        runs, origin = _day_runs(engine, day, lo, hi, progress, cancelled)
        first, last = epoch(lo) - epoch(origin), epoch(hi) - epoch(origin)
        shift = epoch(origin) - epoch(start)
        for unit in units:
            if unit in runs:
                t, lon, lat = runs[unit]
                a, b = np.searchsorted(t, [first, last], side="left").tolist()
                parts[unit].append((t[a:b] + shift if shift else t[a:b], lon[a:b], lat[a:b]))
    empty = (np.empty(0), np.empty(0), np.empty(0))
    return {unit: tuple(np.concatenate(c) for c in zip(*runs, strict=True)) if len(runs) > 1
            else (runs[0] if runs else empty) for unit, runs in parts.items()}


def pack_day(engine: Engine, day: date, progress: Progress = lambda _done, _total: None,
             cancelled: Callable[[], bool] = lambda: False) -> Runs:
    """Read a day's rows and keep them packed (db/replay_days.py); returns its runs (seconds
    since the day's start). For the first load of a day, or for the hub once a day is
    over."""
    day_start, day_end = tracks.day_bounds(day)
    runs, upto_id = read_rows(engine, day_start, day_end, progress, cancelled)
    if upto_id is not None:
        replay_days.write(engine, day, runs, upto_id)
    return runs


def _days(start: datetime, end: datetime) -> list[date]:
    """The China days [start, end) touches, in order."""
    first, last = tracks.local_day(start), tracks.local_day(end - timedelta(microseconds=1))
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _day_runs(engine: Engine, day: date, lo: datetime, hi: datetime, progress: Progress,
              cancelled: Callable[[], bool]) -> tuple[Runs, datetime]:
    """The runs covering [lo, hi) of `day` and the moment their seconds count from: the day's
    packs and the fixes written after them, or its rows (packed when the whole day is
    wanted)."""
    day_start, day_end = tracks.day_bounds(day)
    whole = (lo, hi) == (day_start, day_end)
    packed = replay_days.read(engine, day)
    if packed is None:
        if whole:
            return pack_day(engine, day, progress, cancelled), day_start
        return read_rows(engine, lo, hi, progress, cancelled)[0], lo
    runs, upto_id = packed
    fixes = sum(len(run[0]) for run in runs.values())
    newer, newest = read_rows(engine, day_start, day_end, lambda _done, _total: None,
                              cancelled, after_id=upto_id, day_fixes=fixes)
    if newer:
        runs = _merged(runs, newer)
        added = sum(len(run[0]) for run in newer.values())
        if whole and newest is not None and (day_end <= utc_now() or added >= REPACK_AFTER):
            replay_days.write(engine, day, runs, newest)
        fixes += added
    progress(fixes, fixes)
    return runs, day_start


def _merged(packed: Runs, newer: Runs) -> Runs:
    """The packs with the fixes written after them, each unit's run in time order."""
    merged = dict(packed)
    for unit, run in newer.items():
        merged[unit] = _in_time_order(*(np.concatenate(pair) for pair in zip(
            packed[unit], run, strict=True))) if unit in packed else run
    return merged


def read_rows(engine: Engine, start: datetime, end: datetime, progress: Progress,
              cancelled: Callable[[], bool] = lambda: False, *, after_id: int = 0,
              day_fixes: int = 0) -> tuple[Runs, int | None]:
    """Every unit's fixes in [start, end) with an id above `after_id` from the track store's
    rows, in time order (seconds since `start`), and the newest fix's id (None when there is
    none). `day_fixes`: about how many fixes the range holds (where SQLite looks for the
    fixes after an id)."""
    if engine.dialect.name == "sqlite":
        access = _SQLITE_BY_TIME
        if after_id:
            with engine.connect() as connection:
                last = connection.scalar(select(func.max(tracks.POSITIONS.c.id))) or 0
            access = _SQLITE_BY_ROWID if last - after_id < day_fixes else _SQLITE_BY_TIME
        runs, upto_id = _sqlite_rows(engine, start, end, progress, cancelled, after_id, access)
    else:
        runs, upto_id = _postgresql_rows(engine, start, end, progress, cancelled, after_id)
    return {unit: _in_time_order(*run) for unit, run in runs.items()}, upto_id


def _in_time_order(t: np.ndarray, lon: np.ndarray, lat: np.ndarray,
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Rows come in time or storage order (PostgreSQL's scan, the fixes after a pack); storage
    order is time order but for a fix written late."""
    if len(t) < 2 or bool(np.all(t[1:] >= t[:-1])):
        return t, lon, lat
    order = np.argsort(t, kind="stable")
    return t[order], lon[order], lat[order]


def _sqlite_rows(engine: Engine, start: datetime, end: datetime, progress: Progress,
                 cancelled: Callable[[], bool], after_id: int, access: str,
                 ) -> tuple[Runs, int | None]:
    """The range's rows through `access`, in blocks. Units come back as their offset in a
    comma-joined list of every unit name, mapped to their index here."""
    span = (end - start).total_seconds()
    blocks = []
    with engine.connect() as connection:
        units = list(connection.scalars(_SQLITE_UNITS))
        names = "," + ",".join(units) + ","
        cursor = connection.connection.driver_connection.execute(
            _SQLITE_SCAN.format(access=access), {
                "names": names, "start": start.strftime(_SQLITE_STAMP),
                "end": end.strftime(_SQLITE_STAMP), "after": after_id})
        while rows := cursor.fetchmany(BLOCK):
            if cancelled():
                raise Cancelled
            blocks.append(np.array(rows, dtype=np.float64))
            progress(int(min(blocks[-1][-1, 1], span)), int(span))
    if not blocks:
        return {}, None
    table = np.concatenate(blocks)
    offsets = np.array([names.index("," + u + ",") + 1 for u in units])
    unit = np.searchsorted(offsets, table[:, 0].astype(np.int64))  # offsets grow with index
    order = np.argsort(unit.astype(np.int32), kind="stable")  # time order kept within a unit
    table, unit = table[order], unit[order]
    bounds = np.searchsorted(unit, np.arange(len(units) + 1)).tolist()
    runs = {name: (table[a:b, 1], table[a:b, 2], table[a:b, 3])
            for name, a, b in zip(units, bounds[:-1], bounds[1:], strict=True) if b > a}
    return runs, int(table[:, 4].max())


def _postgresql_rows(engine: Engine, start: datetime, end: datetime, progress: Progress,
                     cancelled: Callable[[], bool], after_id: int) -> tuple[Runs, int | None]:
    """One query, one row per unit; the arrays are read by numpy in place."""
    runs: Runs = {}
    upto_id = None
    with engine.connect() as connection:
        for setting in _PG_LONG_READ + (() if after_id else _PG_SCAN):
            connection.exec_driver_sql(setting)
        raw = connection.connection.driver_connection
        with raw.cursor(binary=True) as cursor:
            cursor.execute(_PG_RUNS, {"origin": epoch(start), "start": start, "end": end,
                                      "after": after_id})
            total = cursor.rowcount
            for n, (unit, newest, *columns) in enumerate(cursor):
                if cancelled():
                    raise Cancelled
                runs[unit] = tuple(np.frombuffer(c, _PG_ELEMENT, offset=_PG_ARRAY_HEADER)[
                    "value"].astype(np.float64) for c in columns)
                upto_id = max(upto_id or 0, newest)
                progress(n + 1, total)
    return runs, upto_id
