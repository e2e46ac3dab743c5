"""The track store on real databases: fixes leave the events table but keep their place in the
log (ids, hash chain, replay), resends are stored once, old logs are moved by the migration,
PostgreSQL partitions by day, and reads of a day touch only that day."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import func, select, text

from db import audit, days, tracks
from db.models import EventRow, PositionRow
from db.schema import MIGRATIONS, make_engine
from db.store import EventStore, verify_chain
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.events import Event
from dispatch.service_hours import CHINA_TZ
from resources import scenario as scenarios
from tests.conftest import make_units
from tests.dbfixtures import _pg_database
from tests.test_day_map import drawn_tracks
from tests.test_dispatch_core import SLIP

DAY = date(2026, 11, 25)
JINGBAO = str(Path(sys.executable).with_name("jingbao"))


@pytest.fixture
def postgresql_url() -> Iterator[str]:
    yield from _pg_database()


def fix(unit: str, k: int, when: datetime, key: str | None = None) -> Event:
    """A fix as the engine writes it (hub/engine.py `_flush_positions`)."""
    return Event(ev.UNIT_POSITION, "radio:gw", "ws", {
        "unit": unit, "lon": 122.1 + k / 1e4, "lat": 30.02, "speed_kmh": 12.0, "course": 90.0,
        "radio_status": 0, "fix_time": when.isoformat()}, when, idempotency_key=key)


def counts(store: EventStore) -> tuple[int, int]:
    with store.engine.connect() as connection:
        return (connection.scalar(select(func.count()).select_from(EventRow)),
                connection.scalar(select(func.count()).select_from(PositionRow)))


def test_fixes_live_in_the_track_store_and_keep_their_place_in_the_log(db_url, actor) -> None:
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    alert = commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor)
    odd = actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122, "lat": 30.0})  # ints
    store.append([fix("G01", 0, now), alert, fix("G01", 1, now), odd, fix("G02", 2, now)])
    store.append([actor.event(ev.CLOCK_ALARM, {"case": "1001", "level": "warn",
                                               "elapsed_s": 400}), fix("G01", 3, now)])
    assert counts(store) == (2, 5)  # the alert and the alarm; five fixes
    picture = {u.unit_id: (u.lon, u.lat, u.fix_time) for u in store.state.units.values()}
    store.close()

    reopened = EventStore.open(db_url, make_units)
    log = reopened.events()
    assert [e.id for e in log] == list(range(1, 8))  # one numbering, no gap
    assert [e.type for e in log][:3] == [ev.UNIT_POSITION, ev.ALERT_RECEIVED, ev.UNIT_POSITION]
    assert log[3].payload == {"unit": "G02", "lon": 122, "lat": 30.0}  # kept as it came
    assert {u.unit_id: (u.lon, u.lat, u.fix_time)
            for u in reopened.state.units.values()} == picture
    verdict = verify_chain(reopened.engine)
    assert (verdict.checked, verdict.head_id, verdict.problems) == (7, 7, [])
    assert reopened.chain_head == (7, verdict.head_hash)
    reopened.close()


def test_a_resent_fix_is_stored_once(db_url) -> None:
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    first = [fix("G01", k, now, f"radio:b:1:1:{k}") for k in range(3)]
    assert len(store.append(first)) == 3
    again = [fix("G01", k, now + timedelta(seconds=5), f"radio:b:1:1:{k}") for k in range(4)]
    twice = [fix("G02", 9, now, "radio:b:1:2:0")] * 2
    stored = store.append(again + twice)
    assert [e.idempotency_key for e in stored] == ["radio:b:1:1:3", "radio:b:1:2:0"]
    assert [e.id for e in stored] == [4, 5] and counts(store) == (0, 5)
    store.close()


def test_an_altered_fix_is_named_by_audit(db_url) -> None:
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    store.append([fix("G01", k, now) for k in range(4)])
    store.close()
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE positions SET lon = lon + 0.01 WHERE id = 3"))
    verdict = verify_chain(engine)
    engine.dispose()
    assert [(p.event_id, p.what.split(":")[0]) for p in verdict.problems] == [(3, "altered")]


def _log_before_the_track_store(url: str) -> list[Event]:
    """A chained log as the last version wrote it: fixes (with and without speed) among
    alerts, all in the events table; returns what it wrote."""
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
    actor = commands.Actor("dispatcher:test", "ws-test")
    day = datetime(2026, 11, 25, 9, tzinfo=CHINA_TZ)
    written = []
    for n in range(7):
        when = (day + timedelta(hours=n * 4)).astimezone(UTC)  # two China days; the
        # hub writes UTC (SQLite keeps a time's wall clock, not its offset)
        if n % 3 == 0:
            doc = {**SLIP, "alert_id": f"M-{n}", "received_at": when.isoformat()}
            event = commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)
            event = Event(event.type, event.actor, event.workstation, event.payload, when,
                          idempotency_key=event.idempotency_key)
        elif n % 3 == 1:
            event = fix("G01", n, when, f"radio:b:0:0:{n}")
        else:
            event = Event(ev.UNIT_POSITION, "radio:gw", "ws",
                          {"unit": "G02", "lon": 122.2 + n / 100, "lat": 30.0}, when)
        written.append(event.with_id(n + 1))
    previous = audit.GENESIS
    with engine.begin() as connection:
        for event in written:
            digest = audit.link(previous, audit.canonical(
                event.time, event.type, event.actor, event.workstation, event.payload,
                event.idempotency_key))
            connection.execute(EventRow.__table__.insert().values(
                id=event.id, time=event.time, type=event.type, actor=event.actor,
                workstation=event.workstation, payload=event.payload,
                idempotency_key=event.idempotency_key, prev_hash=previous, hash=digest))
            previous = digest
    engine.dispose()
    return written


def test_the_migration_moves_fixes_and_the_chain_still_verifies(db_url) -> None:
    written = _log_before_the_track_store(db_url)
    store = EventStore.open(db_url, make_units)  # migrates to the newest revision
    fixes = [e for e in written if e.type == ev.UNIT_POSITION]
    assert counts(store) == (len(written) - len(fixes), len(fixes)) == (3, 4)
    log = store.events()
    assert [(e.id, e.type, e.payload, e.idempotency_key) for e in log] == [
        (e.id, e.type, e.payload, e.idempotency_key) for e in written]
    assert [e.time for e in log] == [e.time for e in written]
    verdict = verify_chain(store.engine)
    assert (verdict.checked, verdict.problems) == (7, [])
    assert store.state.units["G02"].lon == 122.2 + 5 / 100  # the last fix of G02
    # a key moved with its fix still refuses the resend (within db/tracks.py RESEND_WINDOW)
    resent = fix("G01", 1, written[1].time + timedelta(hours=1), "radio:b:0:0:1")
    assert store.append([resent]) == []
    store.close()


def test_postgresql_keeps_one_partition_per_china_day(postgresql_url) -> None:
    store = EventStore.open(postgresql_url, make_units)
    late = datetime(2026, 11, 25, 23, 59, tzinfo=CHINA_TZ)  # 15:59 UTC
    store.append([fix("G01", k, late + timedelta(minutes=k)) for k in range(3)])
    with store.engine.connect() as connection:
        placed = dict(connection.execute(text(
            "SELECT tableoid::regclass::text, count(*) FROM positions GROUP BY 1")).all())
    assert placed == {"positions_20261125": 1, "positions_20261126": 2}
    store.close()


def test_a_day_is_read_from_the_snapshot_before_it(db_url, actor) -> None:
    store = EventStore.open(db_url, make_units)
    for n in range(3):
        doc = {**SLIP, "alert_id": f"S-{n}"}
        store.append([commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)])
    store.write_snapshot()
    at_snapshot = store.state.last_event_id
    store.append([fix("G01", 0, datetime.now(UTC)),
                  actor.event(ev.INCIDENT_REFERRED, {"case": "1002", "to": "referred_police"})])
    today = tracks.local_day(datetime.now(UTC))

    state, events = days.day_log(store.engine, make_units, today + timedelta(days=1))
    assert state.last_event_id == at_snapshot and len(state.incidents) == 3
    assert [e.type for e in events] == [ev.INCIDENT_REFERRED]  # fixes come from the tracks
    state, events = days.day_log(store.engine, make_units, today)  # no snapshot before
    assert state.last_event_id == 0 and len(events) == 4
    store.close()


def test_day_tracks_hold_the_day_only_one_fix_per_step_in_order(db_url) -> None:
    store = EventStore.open(db_url, make_units)
    start = datetime(2026, 11, 25, 0, 0, 0, tzinfo=CHINA_TZ)
    batch = [fix(unit, k, start + timedelta(seconds=k)) for k in range(60) for unit in
             ("G01", "G02")]
    before = [fix("P01", 500, start - timedelta(seconds=1))]  # the evening before
    store.append(before + batch)
    assert (tracks.OVERVIEW_M, tracks.OVERVIEW_S) == (20.0, 300.0)
    def points(day: date) -> dict[str, list[tuple[float, float]]]:
        return {unit: list(zip(lons, lats, strict=True))
                for unit, (lons, lats) in days.day_tracks(store.engine, day).items()}

    # a step of 1e-4° east at 30.02°N is 9.63 m: every third fix is 28.9 m from the last kept
    expected = [(122.1 + k / 1e4, 30.02) for k in range(0, 60, 3)]
    assert points(DAY) == {"G01": expected, "G02": expected}
    assert points(DAY - timedelta(days=1)) == {"P01": [(122.1 + 500 / 1e4, 30.02)]}
    store.close()


def test_snapshots_keep_the_first_of_the_day_and_the_last_three(tmp_path, actor) -> None:
    store = EventStore.open(f"sqlite:///{tmp_path / 's.sqlite3'}", make_units)
    for n in range(6):
        doc = {**SLIP, "alert_id": f"N-{n}"}
        store.append([commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)])
        store.write_snapshot()
    with store.engine.connect() as connection:
        kept = connection.execute(text(
            "SELECT last_event_id FROM snapshots ORDER BY id")).scalars().all()
    assert kept == [1, 4, 5, 6]
    store.close()


def test_export_map_draws_the_day_from_the_database(tmp_path, actor) -> None:
    """`jingbao export-map --day` as a user runs it: the day's incidents and tracks only."""
    url = f"sqlite:///{tmp_path / 'e.sqlite3'}"
    store = EventStore.open(url, scenarios.load().roster)
    for n, (day, hour) in enumerate(((24, 23), (25, 9), (25, 14))):
        when = datetime(2026, 11, day, hour, tzinfo=CHINA_TZ).astimezone(UTC)
        doc = {**SLIP, "alert_id": f"E-{n}", "received_at": when.isoformat()}
        slip = commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)
        store.append([dataclasses.replace(slip, time=when)])
    morning = datetime(2026, 11, 25, 10, tzinfo=CHINA_TZ)
    store.append([fix("G01", k, morning + timedelta(seconds=k)) for k in range(30)]
                 + [fix("G02", 100 + k, morning - timedelta(hours=12)) for k in range(3)])
    store.close()
    out = tmp_path / "day.html"

    def export(day: date) -> str:
        result = subprocess.run([JINGBAO, "export-map", "--day", day.isoformat(), "--db", url,
                                 "--out", str(out), "--tiles", "none"], capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "0 incidents on 2026-11-23" in export(DAY - timedelta(days=2))  # nothing that day
    assert "2 incidents on 2026-11-25" in export(DAY)
    drawn = drawn_tracks(out.read_text(encoding="utf-8"))
    assert list(drawn) == ["G01"]  # not G02, whose fixes were the evening before
    assert [(round(x, 6), y) for x, y in drawn["G01"]] == [  # 9.63 m a step: every third
        (round(122.1 + k / 1e4, 6), 30.02) for k in range(0, 30, 3)]


def test_a_large_batch_of_events_reads_back_as_written(db_url, actor) -> None:
    """Past bulk.COPY_FROM rows PostgreSQL takes events and fixes by COPY: same log back."""
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    batch = [commands.receive_alert(parse_alert_slip({**SLIP, "alert_id": f"L-{n}"},
                                                     ZHOUSHAN), actor) for n in range(25)]
    batch += [fix("G01", k, now + timedelta(seconds=k)) for k in range(25)]
    store.append(batch)
    store.close()
    reopened = EventStore.open(db_url, make_units)
    assert [(e.type, e.payload, e.idempotency_key) for e in reopened.events()] == [
        (e.type, e.payload, e.idempotency_key) for e in batch]
    assert verify_chain(reopened.engine).problems == []
    reopened.close()


def test_every_fix_lies_within_the_bound_of_the_overview_line() -> None:
    """A guide stands at its post (1 m of jitter) for ten minutes, then rides 10 s east and
    10 s north: the standing keeps a fix every OVERVIEW_S, the ride one per 20 m, and no fix
    of the 621 is more than 20 m from the line through the kept ones."""
    start = datetime(2026, 11, 25, 8, tzinfo=UTC)
    path = [(122.1 + (1e-5 if s % 2 else 0.0), 30.02) for s in range(600)]
    path += [(122.1 + k / 1e4, 30.02) for k in range(11)]  # seconds 600-610, 9.63 m a step
    path += [(122.101, 30.02 + k / 1e4) for k in range(1, 11)]  # 611-620, 11.12 m a step
    rows = [{"unit": "G01", "time": start + timedelta(seconds=s), "lon": lon, "lat": lat,
             "overview": False} for s, (lon, lat) in enumerate(path)]
    overview = tracks.Overview()
    overview.last.update(overview.mark(rows[:300]))
    overview.last.update(overview.mark(rows[300:]))  # the next batch goes on from the last
    kept = [s for s, row in enumerate(rows) if row["overview"]]
    # east: 0 m, 28.9 m, 57.8 m, 86.7 m; the corner is 9.6 m on; north of it, 24.2 m (14.7 m
    # a second earlier), then every second step (22.2 m)
    assert kept == [0, 300, 600, 603, 606, 609, 612, 614, 616, 618, 620]
    line = [path[s] for s in kept]
    assert max(_metres_to_line(point, line) for point in path) < tracks.OVERVIEW_M


def _metres_to_line(point: tuple[float, float], line: list[tuple[float, float]]) -> float:
    """Distance from a point to a polyline, on a local flat projection at 30.02°N."""
    scale = (111_195.0 * math.cos(math.radians(30.02)), 111_195.0)
    px, py = (point[0] * scale[0], point[1] * scale[1])
    best = math.inf
    for (ax, ay), (bx, by) in zip(line, line[1:], strict=False):
        ax, ay, bx, by = ax * scale[0], ay * scale[1], bx * scale[0], by * scale[1]
        span = (bx - ax) ** 2 + (by - ay) ** 2
        t = 0.0 if span == 0 else max(0.0, min(1.0, ((px - ax) * (bx - ax)
                                                     + (py - ay) * (by - ay)) / span))
        best = min(best, math.hypot(px - ax - t * (bx - ax), py - ay - t * (by - ay)))
    return best
