"""What the store benchmarks share: a 300-unit roster, generated fixes and facts, a throw-away
SQLite file or PostgreSQL database, and median-and-spread figures over repeats."""

from __future__ import annotations

import dataclasses
import statistics
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text  # noqa: E402

from dispatch import events as ev  # noqa: E402
from dispatch.events import Event  # noqa: E402
from dispatch.state import Unit  # noqa: E402
from resources import scenario as scenarios  # noqa: E402

UNITS = 300
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def unit_spec(n: int, post: str) -> dict:
    return {"unit_id": f"U{n:03d}", "name": f"U{n:03d}", "kind": "guide", "fleet": 100,
            "radio_id": str(3000 + n), "post": post}


def roster_factory(units: int = UNITS) -> Callable[[], list[Unit]]:
    demo = scenarios.load()
    specs = [unit_spec(n, next(iter(demo.posts))) for n in range(units)]
    return dataclasses.replace(demo, unit_specs=specs).roster


def fixes(second: int, start: datetime, units: int = UNITS) -> list[Event]:
    """One burst: every unit's fix of that second, as hub/engine.py `_flush_positions` makes."""
    when = start + timedelta(seconds=second)
    return [Event(ev.UNIT_POSITION, "radio:bench", "bench", {
        "unit": f"U{n:03d}", "lon": 122.1 + n * 1e-4 + second * 1e-6, "lat": 30.0 + n * 1e-5,
        "speed_kmh": 20.0, "course": 90.0, "radio_status": 0, "fix_time": when.isoformat()},
        when + timedelta(microseconds=n)) for n in range(units)]


@contextmanager
def database(kind: str) -> Iterator[str]:
    """A URL to an empty database of that kind, removed afterwards."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.sqlite3"
        return
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"jingbao_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def spread(values: list[float], unit: str, digits: int = 0) -> str:
    """Median, then min–max, of the repeats."""
    f = f"{{:,.{digits}f}}"
    return (f"median {f.format(statistics.median(values))} {unit} "
            f"(min {f.format(min(values))}, max {f.format(max(values))}, n={len(values)})")
