"""The archive's file format, measured (issue 12: Parquet via pyarrow or compressed CSV, choose
by measurement; db/archive.py says which and why).

--seconds of a day of 300 units at 1 Hz (the patrols of bench/export_day.py, real SHA-256
links so the hashes weigh what they weigh; held in memory, about 600 bytes a fix, so a slice
of the day and its figures scaled to the 25.9 million fixes of a full one: every cost here is
per row) is written in each format in chunks as the archive streams it from the database,
then read back into rows and checked (count, each row's link to the one before, and a sum
over every value). Formats:
- `jsonl.gz`: what the archive writes, one JSON document per row (the payload as the chain
  hashed it) through gzip, at Python's default level (9, what it wrote at first) and at 1;
- `csv.gz`: the positions table's columns as text, stdlib csv through gzip at 6 and at 1;
- `parquet`: the same columns typed, pyarrow, zstd, one row group per chunk.
The chain's SHA-256 check of every row, which the archive does whatever the format, is timed
once apart. Timings are wall seconds on a machine shared with other jobs.

Needs pyarrow, which the project does not depend on: `.venv/bin/pip install pyarrow`.

    .venv/bin/python bench/archive_format.py [--seconds 7200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from statistics import median
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from export_day import DAY, place
from storebench import UNITS, spread

from db import audit
from dispatch import events as ev
from dispatch.service_hours import CHINA_TZ

FULL_DAY = UNITS * 86_400
CHUNK_S = 200  # seconds of fixes per chunk (60,000 rows)
COLUMNS = ("id", "time", "unit", "lon", "lat", "speed_kmh", "course", "radio_status",
           "fix_time", "actor", "workstation", "idempotency_key", "payload", "prev_hash", "hash")
SCHEMA = pa.schema([("id", pa.int64()), ("time", pa.timestamp("us", tz="UTC")),
                    ("unit", pa.string()), ("lon", pa.float64()), ("lat", pa.float64()),
                    ("speed_kmh", pa.float64()), ("course", pa.float64()),
                    ("radio_status", pa.int32()), ("fix_time", pa.string()),
                    ("actor", pa.string()), ("workstation", pa.string()),
                    ("idempotency_key", pa.string()), ("payload", pa.string()),
                    ("prev_hash", pa.string()), ("hash", pa.string())])
Row = tuple[Any, ...]


def chunks(seconds: int) -> Iterator[list[Row]]:
    """The day's fixes as rows of the positions table, chained."""
    start = datetime.combine(DAY, datetime.min.time(), CHINA_TZ).astimezone(UTC)
    previous, next_id = audit.GENESIS, 1
    for first in range(0, seconds, CHUNK_S):
        out = []
        for s in range(first, min(seconds, first + CHUNK_S)):
            for n in range(UNITS):
                when = start + timedelta(seconds=s, microseconds=n)
                lon, lat = place(n, s)
                moving = (s + 37 * n) % 1800 < 480
                course = float(90 * ((s + 37 * n) % 1800 // 60 % 4)) if moving else 0.0
                payload = {"unit": f"U{n:03d}", "lon": lon, "lat": lat,
                           "speed_kmh": 28.8 if moving else 0.0, "course": course,
                           "radio_status": 0, "fix_time": when.isoformat()}
                digest = audit.link(previous, audit.canonical(
                    when, ev.UNIT_POSITION, "radio:gw1", "hub", payload, None))
                out.append((next_id, when, *payload.values(), "radio:gw1", "hub", None, None,
                            previous, digest))
                previous, next_id = digest, next_id + 1
        yield out


def check(rows: Iterator[Row]) -> tuple[int, str, float]:
    """Count, last hash and a sum over the values, checking each link to the row before."""
    count, previous, total = 0, audit.GENESIS, 0.0
    for row in rows:
        if row[13] != previous:
            raise SystemExit(f"row {row[0]} does not follow its predecessor")
        count, previous = count + 1, row[14]
        total += row[0] + row[3] + row[4] + row[1].timestamp()
    return count, previous, total


# -- formats -------------------------------------------------------------------------------------
def jsonl_write(path: Path, source: Iterator[list[Row]], level: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=level) as file:
        for chunk in source:
            file.writelines(json.dumps({
                "id": r[0], "time": r[1].isoformat(), "type": ev.UNIT_POSITION, "actor": r[9],
                "workstation": r[10], "payload": dict(zip(COLUMNS[2:9], r[2:9], strict=True)),
                "idempotency_key": r[11], "prev_hash": r[13], "hash": r[14]},
                ensure_ascii=False, separators=(",", ":")) + "\n" for r in chunk)


def jsonl_read(path: Path) -> Iterator[Row]:
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            d = json.loads(line)
            p = d["payload"]
            yield (d["id"], datetime.fromisoformat(d["time"]), p["unit"], p["lon"], p["lat"],
                   p["speed_kmh"], p["course"], p["radio_status"], p["fix_time"], d["actor"],
                   d["workstation"], d["idempotency_key"], None, d["prev_hash"], d["hash"])


def csv_write(path: Path, source: Iterator[list[Row]], level: int) -> None:
    with gzip.open(path, "wt", encoding="utf-8", newline="", compresslevel=level) as file:
        writer = csv.writer(file)
        writer.writerow(COLUMNS)
        for chunk in source:
            writer.writerows((r[0], r[1].isoformat(), *r[2:5], r[5], r[6], r[7], r[8], r[9],
                              r[10], "" if r[11] is None else r[11], "", r[13], r[14])
                             for r in chunk)


def csv_read(path: Path) -> Iterator[Row]:
    def maybe(text: str) -> str | None:
        return text or None

    with gzip.open(path, "rt", encoding="utf-8", newline="") as file:
        reader = csv.reader(file)
        next(reader)
        for r in reader:
            yield (int(r[0]), datetime.fromisoformat(r[1]), r[2], float(r[3]), float(r[4]),
                   float(r[5]), float(r[6]), int(r[7]), maybe(r[8]), r[9], r[10], maybe(r[11]),
                   maybe(r[12]), r[13], r[14])


def parquet_write(path: Path, source: Iterator[list[Row]]) -> None:
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as writer:
        for chunk in source:
            columns = list(zip(*chunk, strict=True))
            writer.write_table(pa.table(
                [pa.array(c, type=f.type) for c, f in zip(columns, SCHEMA, strict=True)],
                schema=SCHEMA))


def parquet_read(path: Path) -> Iterator[Row]:
    for batch in pq.ParquetFile(path).iter_batches(batch_size=65_536):
        yield from zip(*(column.to_pylist() for column in batch.columns), strict=True)


FORMATS: dict[str, tuple[Callable[[Path, Iterator[list[Row]]], None],
                         Callable[[Path], Iterator[Row]]]] = {
    "jsonl.gz level 9": (partial(jsonl_write, level=9), jsonl_read),
    "jsonl.gz level 1": (partial(jsonl_write, level=1), jsonl_read),
    "csv.gz level 6": (partial(csv_write, level=6), csv_read),
    "csv.gz level 1": (partial(csv_write, level=1), csv_read),
    "parquet": (parquet_write, parquet_read)}


def chain_check(rows: list[Row]) -> float:
    """Seconds to recompute the SHA-256 links of these rows, as db/archive.py `_check` does."""
    start = time.perf_counter()
    for r in rows:
        payload = dict(zip(COLUMNS[2:9], r[2:9], strict=True))
        body = audit.canonical(r[1], ev.UNIT_POSITION, r[9], r[10], payload, r[11])
        if audit.link(r[13], body) != r[14]:
            raise SystemExit(f"row {r[0]}: the link does not verify")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=7200, help="of the day, 300 units")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    begun = time.perf_counter()
    data = list(chunks(args.seconds))
    rows = sum(len(c) for c in data)
    print(f"{rows:,} fixes generated and chained in {time.perf_counter() - begun:.0f} s",
          flush=True)
    expected = check(r for c in data for r in c)
    sample = data[0]
    per_row = chain_check(sample) / len(sample)
    print(f"the chain's SHA-256 check, any format: {per_row * 1e6:.1f} µs a row → "
          f"{per_row * FULL_DAY:.0f} s for a full day", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for name, (write, read) in FORMATS.items():
            path = Path(folder) / name.replace(" ", "-")
            writes, reads = [], []
            for _ in range(args.repeats):
                start = time.perf_counter()
                write(path, iter(data))
                writes.append(time.perf_counter() - start)
                start = time.perf_counter()
                if check(read(path)) != expected:
                    raise SystemExit(f"{name}: read back differs from what was written")
                reads.append(time.perf_counter() - start)
            size, day = path.stat().st_size, FULL_DAY / rows
            print(f"{name}: write {spread(writes, 's', 1)}; read back and check "
                  f"{spread(reads, 's', 1)}; {size / 1e6:,.0f} MB ({size / rows:.1f} bytes "
                  f"a fix); a full day: write {median(writes) * day:.0f} s, read "
                  f"{median(reads) * day:.0f} s, {size * day / 1e9:.2f} GB", flush=True)


if __name__ == "__main__":
    main()
