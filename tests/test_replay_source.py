"""The replay read from a real database (SQLite and PostgreSQL): the hand-built morning of
tests/test_replay.py written through the store, with an earlier case before the range, reads
back as the same picture. The earlier case (09:30, referred to the police at 09:31) takes
number 1001, so the morning's case is 1002 here."""

from __future__ import annotations

import dataclasses
from datetime import UTC, timedelta

import numpy as np
import pytest

from db import replay_source
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
    # how many units' runs have come
    assert seen[-1] == ((600, 3600) if db_url.startswith("sqlite") else (3, 3))
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


def test_a_range_that_is_over_is_read_again_from_the_cache_until_the_day_changes(
        tmp_path, db_url) -> None:
    write_morning(db_url)
    store = EventStore.open(db_url, make_units)
    cache = tmp_path / "cache"
    first = replay_source.load_range(store.engine, make_units, START, END, cache=cache)
    assert len(list(cache.glob("replay-*.npz"))) == 1
    seen: list[tuple[int, int]] = []
    again = replay_source.load_range(store.engine, make_units, START, END, cache=cache,
                                     progress=lambda done, total: seen.append((done, total)))
    assert seen == [(13, 13)]  # the cached count, in one step
    assert again.frame(at(10, 3, 30)).position("G01") == pytest.approx((122.103, 30.020))
    np.testing.assert_array_equal(again.tracks.t, first.tracks.t)
    late = at(10, 30).astimezone(UTC)  # a resend the radio bridge delivered late
    store.append([Event(ev.UNIT_POSITION, "radio:gw", "ws", {
        "unit": "P01", "lon": 122.2, "lat": 30.1, "speed_kmh": 0.0, "course": 0.0,
        "radio_status": 0, "fix_time": late.isoformat()}, late)])
    fresh = replay_source.load_range(store.engine, make_units, START, END, cache=cache)
    store.close()
    assert len(fresh.tracks) == 14
    assert fresh.frame(at(10, 31)).position("P01") == pytest.approx((122.2, 30.1))
