"""Retention: old days leave the live database as files, and come back for review.

`jingbao archive --before DATE --out DIR` cuts the log at DATE (China time): every row, event
or fix, up to the last id before the first row of DATE. The cut is a prefix of the one
numbering, so what stays still chains: the live database keeps the cut's id and hash as its
anchor (`log_anchor`), `jingbao audit verify` starts from it, and the files chain from the
anchor before them. Order of work, so nothing is lost:
1. refuse unless a snapshot covers the cut (start-up never needs what was archived);
2. write the rows, in id order, one gzip'd CSV file per China day;
3. read the files back and check them: the row count, and the hash chain from the old anchor
   to the cut's hash, row by row;
4. only then delete the rows and move the anchor, in one transaction.
`load` puts the files into an empty database for review, where `jingbao audit verify` and
`jingbao export-map` work as on the live one.

The format, measured (`python bench/archive_format.py`: 300 units' patrols with real SHA-256
links, 180,000 fixes, 3 repeats, medians on a quiet machine, scaled to a 25.9-million-fix
day): Parquet (pyarrow, zstd) writes a day in 69 s and reads it back in 118 s, 2.03 GB;
gzip'd CSV of the positions table's columns at level 6 in 306 s and 97 s, 1.69 GB, at level 1
in 220 s and 98 s, 1.91 GB; the JSON lines written here at gzip's level 9 in 475 s and 155 s,
1.76 GB. Whatever the format, checking the chain of every row read back costs 8 µs a row,
3.6 minutes a day. Of the issue's two, compressed CSV is the one to keep: it reads back
faster than Parquet, is 6-17% smaller, and needs only the standard library, where Parquet's
faster write (about 4 minutes saved on a day archived once, offline) would bring pyarrow, a
native package of about 40 MB, into every install. A row is the log row's columns, its
payload as compact JSON text (the hash chain is checked on exactly that payload); archives
written before as JSON lines (`log-*.jsonl.gz`) still load.
"""

from __future__ import annotations

import csv
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, text

from db import audit, bulk, tracks
from db.models import EventRow, LogAnchorRow, SnapshotRow
from db.replay_days import TRACK_DAYS
from db.schema import writing
from dispatch import events as ev

EVENTS = EventRow.__table__
FIELDS = ("id", "time", "type", "actor", "workstation", "payload", "idempotency_key",
          "prev_hash", "hash")


class ArchiveRefused(RuntimeError):
    """Archiving now would lose something or leave the log unusable: nothing was changed."""


@dataclass(frozen=True)
class Archived:
    files: list[Path]
    rows: int
    cut_id: int


def anchor(connection: Connection) -> tuple[int, str]:
    """The id and hash of the last row archived: (0, genesis) while nothing was."""
    row = connection.execute(select(LogAnchorRow.last_id, LogAnchorRow.hash)).first()
    return (row.last_id, row.hash) if row else (0, audit.GENESIS)


def _cut(connection: Connection, before: date) -> int:
    """The last id before the first row of `before` (every row, if none is that late)."""
    cutoff = tracks.day_bounds(before)[0]
    firsts = [connection.scalar(select(func.min(t.c.id)).where(t.c.time >= cutoff))
              for t in (EVENTS, tracks.POSITIONS)]
    late = [f for f in firsts if f is not None]
    if late:
        return min(late) - 1
    last = tracks.last_row(connection)
    return last[0] if last else 0


def _cells(row: Any) -> list[str]:
    """A log row as CSV cells: no value is ever "" (keys and hashes are non-empty), so an
    empty cell stands for None."""
    values = {f: getattr(row, f) for f in FIELDS}
    values["time"] = tracks.to_event(row).time.isoformat()
    values["payload"] = json.dumps(values["payload"], ensure_ascii=False,
                                   separators=(",", ":"))
    return ["" if values[f] is None else str(values[f]) for f in FIELDS]


def _read(path: Path) -> Iterator[tracks.LogRow]:
    """An archive's rows: gzip'd CSV, or the JSON lines of archives written before."""
    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        if path.name.endswith(".jsonl.gz"):
            for line in file:
                doc = json.loads(line)
                yield tracks.LogRow(**{**doc, "time": datetime.fromisoformat(doc["time"])})
            return
        for cells in csv.reader(file):
            doc = dict(zip(FIELDS, cells, strict=True))
            yield tracks.LogRow(
                id=int(doc["id"]), time=datetime.fromisoformat(doc["time"]), type=doc["type"],
                actor=doc["actor"], workstation=doc["workstation"],
                payload=json.loads(doc["payload"]),
                idempotency_key=doc["idempotency_key"] or None,
                prev_hash=doc["prev_hash"] or None, hash=doc["hash"] or None)


def archive_files(folder: Path) -> list[Path]:
    """The archive files of a folder in id order (their names carry the first id), either
    format."""
    found = [*folder.glob("log-*.csv.gz"), *folder.glob("log-*.jsonl.gz")]
    return sorted(found, key=lambda f: int(f.name.split("-")[4]))


def _check(paths: list[Path], start: tuple[int, str], count: int, end: tuple[int, str]) -> None:
    """The files hold `count` rows chaining from `start` to `end`, or ArchiveRefused."""
    previous_id, previous = start
    seen = 0
    for path in paths:
        for row in _read(path):
            body = audit.canonical(row.time, row.type, row.actor, row.workstation, row.payload,
                                   row.idempotency_key)
            if row.prev_hash != previous or audit.link(previous, body) != row.hash:
                raise ArchiveRefused(f"{path.name}: event {row.id} read back does not chain "
                                     f"from event {previous_id}")
            previous_id, previous, seen = row.id, row.hash, seen + 1
    if (seen, previous_id, previous) != (count, *end):
        raise ArchiveRefused(f"read back {seen} rows ending at event {previous_id}, "
                             f"wrote {count} ending at event {end[0]}")


def _drop_whole_days(connection: Connection, before: date, cut_id: int) -> None:
    """PostgreSQL: a day's partition holding nothing after the cut is dropped whole, not
    emptied row by row (26 million deletes, and the bloat after them)."""
    names = connection.scalars(text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = 'positions'::regclass")).all()
    for name in names:
        if name < tracks.partition_name(before) and connection.scalar(text(
                f"SELECT NOT EXISTS (SELECT 1 FROM {name} WHERE id > :cut)"), {"cut": cut_id}):
            connection.execute(text(f"DROP TABLE {name}"))


def archive(engine: Engine, before: date, out: Path) -> Archived:
    if before > tracks.local_day(datetime.now(UTC)):
        raise ArchiveRefused(f"{before} is after today: the hub is still writing today")
    with engine.connect() as connection:
        start = anchor(connection)
        cut_id = _cut(connection, before)
        covered = connection.scalar(select(func.max(SnapshotRow.last_event_id)))
    if cut_id <= start[0]:
        return Archived([], 0, start[0])
    if covered is None or covered < cut_id:
        raise ArchiveRefused(f"no snapshot covers event {cut_id}: start the hub once (it "
                             "writes one at shutdown), then archive")
    out.mkdir(parents=True, exist_ok=True)
    files, count, end = [], 0, start
    rows = tracks.log_rows(engine, start[0], upto_id=cut_id)
    for day, group in groupby(rows, key=lambda r: tracks.local_day(r.time)):
        group = list(group)
        path = out / f"log-{day.isoformat()}-{group[0].id}-{group[-1].id}.csv.gz"
        with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=6) as file:
            csv.writer(file).writerows(_cells(r) for r in group)
        files.append(path)
        count, end = count + len(group), (group[-1].id, group[-1].hash)
    _check(files, start, count, end)
    with writing(engine).begin() as connection:
        if connection.dialect.name == "postgresql":
            _drop_whole_days(connection, before, cut_id)
        connection.execute(delete(EVENTS).where(EVENTS.c.id <= cut_id))
        connection.execute(delete(tracks.POSITIONS).where(tracks.POSITIONS.c.id <= cut_id))
        # the replay's packed days of what left (db/replay_days.py): whole days only
        connection.execute(delete(TRACK_DAYS).where(TRACK_DAYS.c.day < before))
        connection.execute(delete(LogAnchorRow))
        connection.execute(insert(LogAnchorRow).values(last_id=end[0], hash=end[1]))
    return Archived(files, count, cut_id)


def load(engine: Engine, paths: list[Path]) -> int:
    """Put archived files (in id order) into a database whose log is empty, for review; the
    anchor becomes the row before the first file's. Returns the rows loaded."""
    with engine.connect() as connection:
        if tracks.last_row(connection) is not None:
            raise ArchiveRefused("the database already holds a log: load into an empty one")
    first = next(_read(paths[0]))
    start = (first.id - 1, first.prev_hash)
    count = 0
    partitions, overview = tracks.Partitions(engine), tracks.Overview()
    for path in paths:
        rows = list(_read(path))
        partitions.ensure(r.time for r in rows if r.type == ev.UNIT_POSITION)
        with writing(engine).begin() as connection:
            fixes = [tracks.to_row(tracks.to_event(r), r.id, r.prev_hash, r.hash)
                     for r in rows if r.type == ev.UNIT_POSITION]
            overview.last.update(overview.mark(fixes))
            tracks.write(connection, fixes)
            bulk.insert_rows(connection, EVENTS, [
                r._asdict() for r in rows if r.type != ev.UNIT_POSITION])
        count += len(rows)
    _check(paths, start, count, (rows[-1].id, rows[-1].hash))
    with writing(engine).begin() as connection:
        connection.execute(delete(LogAnchorRow))
        connection.execute(insert(LogAnchorRow).values(last_id=start[0], hash=start[1]))
    return count
