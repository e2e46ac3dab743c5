"""Packed track days: a China day's fixes kept as one row of arrays per unit.

The day replay must open a day of 300 units (2.6 million fixes at 10 s) in 2 s. Read as rows it
cannot, whatever the query: on PostgreSQL the day's sequential scan and aggregation alone took
3–5 s on this 2-core machine under load (a binary COPY parsed by numpy was slower still), on
SQLite the per-row cost made it 15 s. So the first whole-day load of a day packs what it read
(db/replay_source.py `pack_day`, which the hub may also call once a day is over) into
`track_days` (migration 0010): per unit, seconds since the day's start, longitudes and
latitudes as little-endian doubles, which numpy takes whole. Both databases hold them, so every
workstation of a center shares one packing.

A pack keeps the day's newest position id when packed (`upto_id`); a later load reads the
packs plus the day's fixes with a larger id (today's since the packing, or a late resend
written into a past day), which the loader merges and packs again when they are many. A pack
is used only while its newest fix is still there: a day archived away (or reloaded) drops its
packs and is read as rows again.
"""

from __future__ import annotations

import logging
from datetime import date

import numpy as np
from sqlalchemy import Connection, Engine, delete, exists, select
from sqlalchemy.exc import SQLAlchemyError

from db import tracks
from db.models import TrackDayRow
from db.schema import writing

log = logging.getLogger(__name__)

TRACK_DAYS = TrackDayRow.__table__
POSITIONS = tracks.POSITIONS
Runs = dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]  # unit → (t, lon, lat)
_DOUBLE = np.dtype("<f8")


def read(engine: Engine, day: date) -> tuple[Runs, int] | None:
    """The day's packed runs (seconds since the day's start, lon, lat; each in time order)
    and the newest position id they hold, or None when the day has none or they are stale
    (then they are deleted)."""
    with engine.connect() as connection:
        rows = _packs(connection, day)
        if not rows:
            return None
        upto_id = rows[0][1]
        fresh = _still_there(connection, day, upto_id)
    if not fresh:
        log.info("packed tracks of %s are stale (their fixes are gone): read again", day)
        discard(engine, day)
        return None
    return {unit: (np.frombuffer(seconds, _DOUBLE), np.frombuffer(lon, _DOUBLE),
                   np.frombuffer(lat, _DOUBLE))
            for unit, _upto, seconds, lon, lat in rows}, upto_id


def _packs(connection: Connection, day: date) -> list[tuple]:
    """(unit, upto_id, seconds, lon, lat) rows; on PostgreSQL in binary, as the hex text of
    60 MB of bytea took a quarter of a second to decode."""
    if connection.dialect.name != "postgresql":
        columns = (TRACK_DAYS.c[c] for c in ("unit", "upto_id", "seconds", "lon", "lat"))
        return [tuple(row) for row in connection.execute(
            select(*columns).where(TRACK_DAYS.c.day == day))]
    with connection.connection.driver_connection.cursor(binary=True) as cursor:
        cursor.execute("SELECT unit, upto_id, seconds, lon, lat FROM track_days WHERE day = %s",
                       (day,))
        return cursor.fetchall()


def _still_there(connection: Connection, day: date, upto_id: int) -> bool:
    """The day's newest fix when packed is still in the day (a primary-key look-up)."""
    start, end = tracks.day_bounds(day)
    return bool(connection.scalar(select(exists().where(
        POSITIONS.c.id == upto_id, POSITIONS.c.time >= start, POSITIONS.c.time < end))))


def write(engine: Engine, day: date, runs: Runs, upto_id: int) -> bool:
    """Replace the day's packs. False (and logged) when the database refused, e.g. a
    read-only copy or a writer holding SQLite's lock: the replay goes on without them."""
    rows = [{"day": day, "unit": unit, "fixes": len(t), "upto_id": upto_id,
             "seconds": _bytes(t), "lon": _bytes(lon), "lat": _bytes(lat)}
            for unit, (t, lon, lat) in runs.items() if len(t)]
    try:
        with writing(engine).begin() as connection:
            connection.execute(delete(TRACK_DAYS).where(TRACK_DAYS.c.day == day))
            if rows:
                connection.execute(TRACK_DAYS.insert(), rows)
    except SQLAlchemyError as exc:
        log.warning("could not keep the packed tracks of %s: %s", day, exc)
        return False
    return True


def discard(engine: Engine, day: date) -> None:
    with writing(engine).begin() as connection:
        connection.execute(delete(TRACK_DAYS).where(TRACK_DAYS.c.day == day))


def _bytes(values: np.ndarray) -> bytes:
    return np.ascontiguousarray(values, dtype=_DOUBLE).tobytes()
