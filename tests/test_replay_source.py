"""The replay read from a real database (SQLite and PostgreSQL): the hand-built morning of
tests/test_replay.py written through the store, with an earlier case before the range, reads
back as the same picture, from rows or from the day's packs. The earlier case (09:30, referred
to the police at 09:31) takes number 1001, so the morning's case is 1002 here. The morning's
day (25 Nov 2026, China time) holds 14 fixes: G01's eleven (10:00–10:10), G02's two of the
morning and one at 11:00:01, after the range."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest

from db import replay_source
from db.models import TrackDayRow
from db.schema import make_engine
from db.store import EventStore
from dispatch import events as ev
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus as S
from dispatch.state import UnitStatus
from tests.conftest import make_units
from tests.test_replay import END, START, at, morning_events, morning_fixes


def as_written(event: Event) -> Event:
    """In UTC as the engine writes it (SQLite keeps no zone), without the store's id, and
    with the morning's case renumbered."""
    payload = {**event.payload, "case": "1002"} if "case" in event.payload else event.payload
    return dataclasses.replace(event, payload=payload, id=None, time=event.time.astimezone(UTC))


def write_morning(url: str) -> None:
    store = EventStore.open(url, make_units)
    earlier = {"alert_id": "A-0", "received_at": at(9, 30).isoformat(),
               "location": {"lon": 122.2, "lat": 30.0, "address": "新城"},
               "description": "单车事故", "caller_phone": "13900000000"}
    store.append([as_written(Event(ev.ALERT_RECEIVED, "dispatcher:test", "ws", earlier,
                                   at(9, 30))),
                  Event(ev.INCIDENT_REFERRED, "dispatcher:test", "ws",
                        {"case": "1001", "to": "referred_police"}, at(9, 31).astimezone(UTC))])
    fixes = [Event(ev.UNIT_POSITION, "radio:gw", "ws", {
        "unit": unit, "lon": lon, "lat": lat, "speed_kmh": 12.0, "course": 90.0,
        "radio_status": 0, "fix_time": when.isoformat()}, when.astimezone(UTC))
        for unit, run in morning_fixes().items() for when, lon, lat in run]
    fixes.append(Event(ev.UNIT_POSITION, "radio:gw", "ws", {  # after the range: not read
        "unit": "G02", "lon": 122.5, "lat": 30.5, "speed_kmh": 0.0, "course": 0.0,
        "radio_status": 0, "fix_time": END.isoformat()}, END + timedelta(seconds=1)))
    merged = sorted([*map(as_written, morning_events()), *fixes], key=lambda e: e.time)
    store.append(merged)
    store.close()


def test_the_morning_reads_back_as_written(db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    seen: list[tuple[int, int]] = []
    replay = replay_source.load_range(store.engine, make_units, START, END,
                                      progress=lambda done, total: seen.append((done, total)))
    store.close()
    # SQLite tells how far into the range its scan is (the last fix is at 10:10), PostgreSQL
    # how many units' runs have come (G01's and G02's)
    assert seen[-1] == ((600, 3600) if db_url.startswith("sqlite") else (2, 2))
    assert replay.cases() == ["1001", "1002"]
    first = replay.frame(START)
    assert first.state.incidents["1001"].status == S.REFERRED_POLICE  # folded before start
    frame = replay.frame(at(10, 3, 30))
    assert frame.position("G01") == pytest.approx((122.103, 30.020))
    assert frame.state.incidents["1002"].status == S.EN_ROUTE
    assert frame.clocks()["1002"].elapsed_s == 210.0
    late = replay.frame(at(10, 59))
    assert late.position("G02") == pytest.approx((122.131, 30.011))
    assert late.state.units["G01"].status == UnitStatus.AVAILABLE
    assert len(replay.tracks) == 13


def test_a_cancelled_load_returns_nothing(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    write_morning(url)
    store = EventStore.open(url, make_units)
    with pytest.raises(replay_source.Cancelled):
        replay_source.load_range(store.engine, make_units, START, END,
                                 cancelled=lambda: True)
    store.close()


DAY = date(2026, 11, 25)


def packs(url: str) -> dict[str, int]:
    """The packed days' fixes by unit, read straight from the table."""
    engine = make_engine(url)
    table = TrackDayRow.__table__
    with engine.connect() as connection:
        found = {f"{row.day} {row.unit}": row.fixes
                 for row in connection.execute(table.select())}
    engine.dispose()
    return found


def late_fix(unit: str, when: datetime, lon: float, lat: float) -> Event:
    """A fix of an earlier moment written now, as a radio bridge's resend would be."""
    return Event(ev.UNIT_POSITION, "radio:gw", "ws", {
        "unit": unit, "lon": lon, "lat": lat, "speed_kmh": 0.0, "course": 0.0,
        "radio_status": 0, "fix_time": when.isoformat()}, when.astimezone(UTC))


def test_a_day_that_is_over_is_packed_by_its_first_load_and_read_from_the_packs(
        db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    first = replay_source.load_day(store.engine, make_units, DAY)
    assert packs(db_url) == {"2026-11-25 G01": 11, "2026-11-25 G02": 3}
    seen: list[tuple[int, int]] = []
    again = replay_source.load_day(store.engine, make_units, DAY,
                                   progress=lambda done, total: seen.append((done, total)))
    assert seen == [(14, 14)]  # the packs, in one step
    assert len(again.tracks) == 14
    np.testing.assert_array_equal(again.tracks.t, first.tracks.t)
    assert again.frame(at(10, 3, 30)).position("G01") == pytest.approx((122.103, 30.020))
    assert again.frame(at(11, 30)).position("G02") == pytest.approx((122.5, 30.5))
    seen.clear()
    morning = replay_source.load_range(store.engine, make_units, START, END,
                                       progress=lambda done, total: seen.append((done, total)))
    store.close()
    assert seen == [(14, 14)]  # a part of a packed day is cut from its packs
    assert len(morning.tracks) == 13  # without G02's fix at 11:00:01
    assert morning.frame(at(10, 59)).position("G02") == pytest.approx((122.131, 30.011))


def test_a_fix_written_into_a_packed_day_later_makes_it_read_and_packed_again(db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    replay_source.load_day(store.engine, make_units, DAY)
    store.append([late_fix("G02", at(10, 2), 122.2, 30.1)])  # between G02's 10:00 and 10:05
    fresh = replay_source.load_day(store.engine, make_units, DAY)
    store.close()
    assert packs(db_url) == {"2026-11-25 G01": 11, "2026-11-25 G02": 4}
    assert len(fresh.tracks) == 15
    assert fresh.frame(at(10, 3)).position("G02") == pytest.approx((122.2, 30.1))
    assert fresh.frame(at(10, 6)).position("G02") == pytest.approx((122.131, 30.011))


def test_packs_of_a_day_whose_fixes_are_gone_are_dropped(db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    replay_source.load_day(store.engine, make_units, DAY)
    with store.engine.begin() as connection:  # as an archive of the day would
        connection.execute(replay_source.tracks.POSITIONS.delete())
    emptied = replay_source.load_day(store.engine, make_units, DAY)
    store.close()
    assert len(emptied.tracks) == 0
    assert packs(db_url) == {}


def test_a_range_over_midnight_joins_a_packed_day_to_the_rows_of_the_day_before(
        db_url) -> None:
    store = EventStore.open(db_url, make_units)
    before, after = at(0, 30) - timedelta(hours=1), at(0, 30)  # 23:30 on the 24th, 00:30
    store.append([late_fix("G01", before, 122.1, 30.0), late_fix("G01", after, 122.2, 30.0)])
    replay_source.load_day(store.engine, make_units, DAY)
    assert packs(db_url) == {"2026-11-25 G01": 1}
    night = replay_source.load_range(store.engine, make_units, at(0, 0) - timedelta(hours=1),
                                     at(1, 0))
    store.close()
    assert len(night.tracks) == 2
    assert night.frame(at(0, 0) - timedelta(minutes=15)).position("G01") == pytest.approx(
        (122.1, 30.0))
    assert night.frame(at(0, 45)).position("G01") == pytest.approx((122.2, 30.0))


def test_today_is_packed_and_its_later_fixes_are_read_after_the_packs(db_url) -> None:
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    today = replay_source.tracks.local_day(now)
    store.append([late_fix("G01", now, 122.1, 30.0)])
    assert len(replay_source.load_day(store.engine, make_units, today).tracks) == 1
    store.append([late_fix("G01", now + timedelta(microseconds=2), 122.3, 30.0),
                  late_fix("G02", now + timedelta(microseconds=1), 122.2, 30.0)])
    later = replay_source.load_day(store.engine, make_units, today)
    store.close()
    assert packs(db_url) == {f"{today} G01": 1}  # two newer fixes: not worth packing again
    assert len(later.tracks) == 3
    assert later.tracks.lon.tolist() == [122.1, 122.3, 122.2]  # G01's two, then G02's


def test_today_is_packed_again_once_enough_fixes_came_after_its_packs(db_url,
                                                                       monkeypatch) -> None:
    monkeypatch.setattr(replay_source, "REPACK_AFTER", 2)
    store = EventStore.open(db_url, make_units)
    now = datetime.now(UTC)
    today = replay_source.tracks.local_day(now)
    store.append([late_fix("G01", now, 122.1, 30.0)])
    replay_source.load_day(store.engine, make_units, today)
    store.append([late_fix("G01", now + timedelta(microseconds=2), 122.3, 30.0),
                  late_fix("G02", now + timedelta(microseconds=1), 122.2, 30.0)])
    replay_source.load_day(store.engine, make_units, today)
    store.close()
    assert packs(db_url) == {f"{today} G01": 2, f"{today} G02": 1}


def test_a_late_fix_is_found_after_a_packed_day_that_later_days_followed(db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    replay_source.load_day(store.engine, make_units, DAY)
    next_day = at(10, 0) + timedelta(days=1)
    store.append([late_fix("P01", next_day + timedelta(seconds=s), 122.3, 30.1)
                  for s in range(20)])  # more rows after the packs than the day holds (14)
    store.append([late_fix("P01", at(10, 30), 122.2, 30.1)])
    fresh = replay_source.load_day(store.engine, make_units, DAY)
    store.close()
    assert len(fresh.tracks) == 15
    assert fresh.frame(at(10, 31)).position("P01") == pytest.approx((122.2, 30.1))
