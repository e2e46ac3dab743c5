"""The track store: position reports in a table made for them, not in the events table.

300 units reporting once a second are 26 million positions a day. As rows of the events table
they made every restart, every day map and every report read the whole day (issue 12). Here a
position keeps its id in the log's one numbering and its link in the one hash chain (consoles
follow the log by gap-free ids, replay must see fixes and arrivals in their order, and a track
is evidence in a dispute, so it stays tamper-evident), but it is stored by unit and time:
- PostgreSQL: `positions` is partitioned by China day (a day's map reads one partition;
  retention drops whole days); a partition is created before the first write into its day;
  batches go in with COPY.
- SQLite: one table, written with one executemany per batch in the caller's transaction.
The log as a whole is the two tables merged by id (`log_rows`).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from itertools import groupby
from math import cos, radians
from typing import Any, NamedTuple

import numpy as np
from sqlalchemy import Connection, Engine, bindparam, select, text

from db import bulk
from db.models import EventRow, PositionRow
from db.schema import writing
from dispatch import events as ev
from dispatch.events import Event
from dispatch.service_hours import CHINA_TZ

POSITIONS = PositionRow.__table__
# The payload the engine writes for a fix; the columns rebuild it exactly
STANDARD_FLOATS = ("lon", "lat", "speed_kmh", "course")
STANDARD_KEYS = frozenset((*STANDARD_FLOATS, "unit", "radio_status", "fix_time"))
KEY_CHUNK = 500  # keys per IN (…) lookup
# A bridge resends a batch the hub did not acknowledge when its link comes back; a fix whose
# key is older than this is not looked for (each day's partition is one more index to probe)
RESEND_WINDOW = timedelta(days=2)
# A day's map draws a unit's track through its overview fixes, which the store marks as it
# writes: a fix at least OVERVIEW_M from the unit's last overview fix, or OVERVIEW_S after it.
# Every fix then lies within OVERVIEW_M of the drawn line (it is that close to the overview fix
# before it, where the line's next segment starts): under a pixel at the zoom the day map opens
# at (12: 33 m a pixel at 30°N), five at its deepest basemap zoom (15). A unit standing at its
# post (GPS jitter is a few metres) adds a fix every OVERVIEW_S; one riding at 30 km/h every
# 2.4 s. At 1 Hz a day of 300 units is 26 million fixes, a page no browser opens; a time step
# alone (one fix per 15 s) cut corners by up to 100 m at 50 km/h and drew a standing unit 5,760
# times a day.
OVERVIEW_M = 20.0
OVERVIEW_S = 300.0
METRES_PER_DEGREE = 111_195.0  # of latitude; of longitude times cos(latitude)
VACUUM_EVERY = "autovacuum_vacuum_insert_scale_factor = 0.01"  # a day partition's (see below)


class LogRow(NamedTuple):
    """A row of the log as the hash chain sees it (db/audit.py), whichever table holds it."""

    id: int
    time: datetime
    type: str
    actor: str
    workstation: str
    payload: dict[str, Any]
    idempotency_key: str | None
    prev_hash: str | None
    hash: str | None


def is_standard(payload: dict[str, Any]) -> bool:
    """The columns alone give this payload back, down to its JSON (float stays float)."""
    return (payload.keys() == STANDARD_KEYS and type(payload["unit"]) is str
            and all(type(payload[k]) is float for k in STANDARD_FLOATS)
            and type(payload["radio_status"]) is int
            and (payload["fix_time"] is None or type(payload["fix_time"]) is str))


def to_row(event: Event, event_id: int, previous: str, digest: str) -> dict[str, Any]:
    p = event.payload
    standard = is_standard(p)
    return {"id": event_id, "time": _aware(event.time).astimezone(UTC), "unit": p["unit"],
            "lon": float(p["lon"]), "lat": float(p["lat"]),
            "speed_kmh": p.get("speed_kmh") if standard else None,
            "course": p.get("course") if standard else None,
            "radio_status": p.get("radio_status") if standard else None,
            "fix_time": p.get("fix_time") if standard else None,
            "actor": event.actor, "workstation": event.workstation,
            "idempotency_key": event.idempotency_key, "payload": None if standard else p,
            "prev_hash": previous, "hash": digest, "overview": False}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def log_row(row: Any) -> LogRow:
    """A positions row as the log row it was written from."""
    payload = row.payload if row.payload is not None else {
        "unit": row.unit, "lon": row.lon, "lat": row.lat, "speed_kmh": row.speed_kmh,
        "course": row.course, "radio_status": row.radio_status, "fix_time": row.fix_time}
    return LogRow(row.id, _aware(row.time), ev.UNIT_POSITION, row.actor, row.workstation,
                  payload, row.idempotency_key, row.prev_hash, row.hash)


def to_event(row: LogRow | Any) -> Event:
    return Event(row.type, row.actor, row.workstation, row.payload, _aware(row.time), row.id,
                 row.idempotency_key)


class Overview:
    """Each unit's last overview fix (time, lon, lat), to mark the next one while writing."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[datetime, float, float]] = {}

    def mark(self, rows: list[dict[str, Any]]) -> dict[str, tuple[datetime, float, float]]:
        """Set `overview` on the rows due one (`OVERVIEW_M`, `OVERVIEW_S`); returns the new
        last fixes, for the caller to keep once its transaction has committed (a failed batch
        leaves them as they were)."""
        taken: dict[str, tuple[datetime, float, float]] = {}
        step = timedelta(seconds=OVERVIEW_S)
        for row in rows:
            unit, moment, lon, lat = row["unit"], row["time"], row["lon"], row["lat"]
            last = taken.get(unit) or self.last.get(unit)
            if last is None or moment - last[0] >= step or _far(last[1], last[2], lon, lat):
                row["overview"], taken[unit] = True, (moment, lon, lat)
        return taken


def _far(lon0: float, lat0: float, lon: float, lat: float) -> bool:
    """At least OVERVIEW_M apart (equirectangular: exact to a millimetre over such spans)."""
    dx = (lon - lon0) * cos(radians(lat0))
    return (dx * dx + (lat - lat0) ** 2) * METRES_PER_DEGREE ** 2 >= OVERVIEW_M ** 2


# -- days and partitions ---------------------------------------------------------------------
def day_bounds(day: date) -> tuple[datetime, datetime]:
    """[start, end) of a China day, in UTC."""
    start = datetime.combine(day, time(), CHINA_TZ)
    return start.astimezone(UTC), (start + timedelta(days=1)).astimezone(UTC)


def local_day(moment: datetime) -> date:
    return _aware(moment).astimezone(CHINA_TZ).date()


def partition_name(day: date) -> str:
    return f"positions_{day:%Y%m%d}"


def create_partition(connection: Connection, day: date) -> None:
    """A day's partition. Autovacuum visits it after every 1% of a day's rows rather than 20%
    (PostgreSQL's default for inserts): vacuum is what marks pages all-visible, so a day map
    reads the covering overview index alone (index-only) instead of fetching each overview fix
    from its own heap page, and a finished day keeps at most its last 1% unmarked."""
    start, end = day_bounds(day)
    connection.execute(text(
        f"CREATE TABLE IF NOT EXISTS {partition_name(day)} PARTITION OF positions "
        f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}') "
        f"WITH ({VACUUM_EVERY})"))


class Partitions:
    """The days that have a partition, so a write creates only the missing ones. Created in
    their own short transaction before the write: a partition is harmless when empty, and a
    rolled-back write must not leave this cache believing in one that is not there."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.known: set[date] = set()

    def ensure(self, moments: Iterable[datetime]) -> None:
        if self.engine.dialect.name != "postgresql":
            return
        missing = {local_day(m) for m in moments} - self.known
        if not missing:
            return
        with writing(self.engine).begin() as connection:
            for day in sorted(missing):
                create_partition(connection, day)
        self.known |= missing


# -- writing ---------------------------------------------------------------------------------
def write(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """One batch: COPY on PostgreSQL, one executemany on SQLite, in the caller's transaction."""
    bulk.insert_rows(connection, POSITIONS, rows)


def known_keys(connection: Connection, events: list[Event]) -> set[str]:
    """Which of these events' idempotency keys the log already holds: a fix's among the fixes
    received since the oldest of them minus the resend window, another event's in the events
    table (one query each, only when needed: on a busy server every round trip counts). The
    hub is the log's only writer and looks under its write lock, so looking first and
    inserting after is safe; it spares a statement per keyed fix, and a unique index is
    impossible across PostgreSQL's day partitions anyway (a key's resend comes at another
    time)."""
    found: set[str] = set()
    fixes = [e for e in events if e.type == ev.UNIT_POSITION and e.idempotency_key]
    others = [e for e in events if e.type != ev.UNIT_POSITION and e.idempotency_key]
    lookups = []
    if fixes:
        since = min(_aware(e.time) for e in fixes).astimezone(UTC) - RESEND_WINDOW
        lookups.append((POSITIONS, POSITIONS.c.time >= since, fixes))
    if others:
        lookups.append((EventRow.__table__, True, others))
    for table, where, keyed in lookups:
        keys = [e.idempotency_key for e in keyed]
        statement = select(table.c.idempotency_key).where(
            where, table.c.idempotency_key.in_(bindparam("keys", expanding=True)))
        for n in range(0, len(keys), KEY_CHUNK):
            found.update(connection.scalars(statement, {"keys": keys[n:n + KEY_CHUNK]}))
    return found


# -- reading ---------------------------------------------------------------------------------
def log_rows(engine: Engine, after_id: int = 0, *, types: list[str] | None = None,
             upto_id: int | None = None) -> Iterator[LogRow | Any]:
    """The log after `after_id` (up to `upto_id`) in id order (only `types`, if given): both
    tables streamed and merged, never loaded whole."""
    events = EventRow.__table__
    query = select(events).where(events.c.id > after_id).order_by(events.c.id)
    if types is not None:
        query = query.where(events.c.type.in_(types))
    fixes = select(POSITIONS).where(POSITIONS.c.id > after_id).order_by(POSITIONS.c.id)
    if upto_id is not None:
        query = query.where(events.c.id <= upto_id)
        fixes = fixes.where(POSITIONS.c.id <= upto_id)
    with engine.connect() as a, engine.connect() as b:
        streams = [a.execution_options(yield_per=5000).execute(query)]
        if types is None or ev.UNIT_POSITION in types:
            streams.append(map(log_row, b.execution_options(yield_per=5000).execute(fixes)))
        yield from heapq.merge(*streams, key=lambda row: row.id)


def last_row(connection: Connection) -> tuple[int, str] | None:
    """The id and hash of the newest row of the log, in either table."""
    found = [connection.execute(select(t.c.id, t.c.hash).order_by(t.c.id.desc()).limit(1))
             .first() for t in (EventRow.__table__, POSITIONS)]
    rows = [tuple(r) for r in found if r is not None]
    return max(rows) if rows else None


def overview_tracks(engine: Engine, start: datetime, end: datetime,
                    ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Each unit's overview fixes received in [start, end), in time order, as arrays of
    longitudes and latitudes. On PostgreSQL, where days of millions of fixes live, one read of
    the covering partial index (migration 0009) in which the server packs each unit's fixes
    into one binary string of doubles that numpy takes whole: no Python object per fix
    (rows, or a binary COPY, which psycopg hands over one row at a time, spent seconds on a
    day's 2 million)."""
    bounds = (start.astimezone(UTC), end.astimezone(UTC))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            return _overview_packed(connection, bounds)
        return _overview_rows(connection, bounds)


def _overview_packed(connection: Connection, bounds: tuple[datetime, datetime],
                     ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    raw = connection.connection.driver_connection
    with raw.cursor(binary=True) as cursor:
        cursor.execute(
            "SELECT unit, string_agg(float8send(lon) || float8send(lat), ''::bytea"
            " ORDER BY time) FROM positions WHERE overview AND time >= %s AND time < %s"
            " GROUP BY unit", bounds)
        return {unit: _columns(np.frombuffer(packed, ">f8")) for unit, packed in cursor}


def _overview_rows(connection: Connection, bounds: tuple[datetime, datetime],
                   ) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """SQLite, streamed: one unit's rows at a time become its arrays."""
    query = (select(POSITIONS.c.unit, POSITIONS.c.lon, POSITIONS.c.lat)
             .where(POSITIONS.c.overview, POSITIONS.c.time >= bounds[0],
                    POSITIONS.c.time < bounds[1])
             .order_by(POSITIONS.c.unit, POSITIONS.c.time))
    rows = connection.execution_options(yield_per=20_000).execute(query)
    return {unit: _columns(np.array([(r.lon, r.lat) for r in group], float))
            for unit, group in groupby(rows, key=lambda r: r.unit)}


def _columns(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes from (lon, lat) pairs, flat or not, in native doubles."""
    pairs = pairs.reshape(-1, 2).astype(float)
    return pairs[:, 0], pairs[:, 1]
