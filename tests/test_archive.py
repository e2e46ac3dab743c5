"""`jingbao archive` on real databases: old days go to files only after the files read back
and chain, the live log still verifies and starts from its snapshot, and the files load into
an empty database for review."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from db import replay_source
from db.replay_days import TRACK_DAYS
from db.schema import make_engine
from db.store import EventStore, verify_chain
from dispatch import commands
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.service_hours import CHINA_TZ
from tests.conftest import make_units
from tests.test_dispatch_core import SLIP
from tests.test_track_store import fix

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


def jingbao(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([JINGBAO, *args], capture_output=True, text=True, timeout=120)


def three_days(url: str, actor: commands.Actor) -> None:
    """An alert and 20 fixes on each of 23, 24 and 25 November (China time)."""
    store = EventStore.open(url, make_units)
    for day in (23, 24, 25):
        when = datetime(2026, 11, day, 10, tzinfo=CHINA_TZ).astimezone(UTC)
        doc = {**SLIP, "alert_id": f"R-{day}", "received_at": when.isoformat()}
        slip = commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)
        store.append([dataclasses.replace(slip, time=when)]
                     + [fix("G01", day * 100 + k, when + timedelta(seconds=k)) for k in range(20)])
    store.close()  # its snapshot covers every event


def test_old_days_leave_for_files_and_come_back_for_review(db_url, tmp_path, actor) -> None:
    three_days(db_url, actor)
    store = EventStore.open(db_url, make_units)
    log, picture = store.events(), (store.state.units["G01"].lon, len(store.state.incidents))
    store.close()
    engine = make_engine(db_url)
    for day in (23, 24, 25):  # the replay opened each day: packed (db/replay_days.py)
        replay_source.pack_day(engine, date(2026, 11, day))
    engine.dispose()

    result = jingbao("archive", "--before", "2026-11-25", "--out", str(tmp_path / "a"),
                     "--db", db_url)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "42 rows up to event 42 archived in 2 file(s)" in result.stdout
    assert sorted(f.name for f in (tmp_path / "a").iterdir()) == [
        "log-2026-11-23-1-21.csv.gz", "log-2026-11-24-22-42.csv.gz"]

    live = EventStore.open(db_url, make_units)
    assert [e.id for e in live.events()] == list(range(43, 64))
    if db_url.startswith("postgresql"):  # the archived days' partitions are dropped whole
        with live.engine.connect() as connection:
            assert connection.exec_driver_sql(
                "SELECT relname FROM pg_class WHERE relkind = 'r' AND relname LIKE 'positions_2%%'"
            ).scalars().all() == ["positions_20261125"]
    assert (live.state.units["G01"].lon, len(live.state.incidents)) == picture  # snapshot
    with live.engine.connect() as connection:  # the archived days' packs went with them
        assert connection.execute(select(TRACK_DAYS.c.day).distinct()).scalars().all() == [
            date(2026, 11, 25)]
    live.append([fix("G01", 1, datetime.now(UTC))])
    verdict = verify_chain(live.engine)
    assert (verdict.checked, verdict.problems) == (22, [])
    live.close()

    review = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    result = jingbao("archive", "--load", str(tmp_path / "a"), "--db", review)
    assert result.returncode == 0 and "42 rows loaded from 2 file(s)" in result.stdout
    engine = make_engine(review)
    verdict = verify_chain(engine)
    engine.dispose()
    assert (verdict.checked, verdict.head_id, verdict.problems) == (42, 42, [])
    back = EventStore(make_engine(review), make_units).events()
    assert [(e.id, e.type, e.payload, e.time) for e in back] == [
        (e.id, e.type, e.payload, e.time) for e in log[:42]]


def test_nothing_is_archived_without_a_snapshot_after_the_cut(tmp_path, actor) -> None:
    url = f"sqlite:///{tmp_path / 'n.sqlite3'}"
    three_days(url, actor)
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM snapshots")
    engine.dispose()
    result = jingbao("archive", "--before", "2026-11-25", "--out", str(tmp_path / "a"),
                     "--db", url)
    assert result.returncode == 1 and "nothing changed: no snapshot covers event 42" in (
        result.stdout)
    store = EventStore.open(url, make_units)
    assert len(store.events()) == 63
    store.close()


def test_an_archive_written_as_json_lines_still_loads(tmp_path, actor) -> None:
    """Archives written before the CSV format (one JSON object a line) load beside new ones,
    in id order, and their chain checks out."""
    import gzip
    import json

    from db import archive as archives

    url = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    three_days(url, actor)
    store = EventStore.open(url, make_units)
    store.close()
    folder = tmp_path / "a"
    assert jingbao("archive", "--before", "2026-11-25", "--out", str(folder),
                   "--db", url).returncode == 0
    older = folder / "log-2026-11-23-1-21.csv.gz"
    with gzip.open(folder / "log-2026-11-23-1-21.jsonl.gz", "wt", encoding="utf-8") as file:
        for row in archives._read(older):
            doc = {**row._asdict(), "time": row.time.isoformat()}
            file.write(json.dumps(doc, ensure_ascii=False) + "\n")
    older.unlink()
    review = f"sqlite:///{tmp_path / 'review.sqlite3'}"
    result = jingbao("archive", "--load", str(folder), "--db", review)
    assert result.returncode == 0 and "42 rows loaded from 2 file(s)" in result.stdout
    engine = make_engine(review)
    verdict = verify_chain(engine)
    engine.dispose()
    assert (verdict.checked, verdict.problems) == (42, [])
