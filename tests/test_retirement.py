"""Ended cases leave the live state after the scenario's hours (dispatch/retirement.py): the
hub, its consoles and a restarted hub keep memory flat while the log keeps every case.

Case numbers here are counted by hand: alerts are numbered from 1001 in order of receipt, and a
retired case keeps its number taken."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from db.models import IncidentRow
from db.store import EventStore
from dispatch import events as ev
from dispatch.commands import Actor
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus
from dispatch.retirement import REPLICA_MARGIN, retirable
from dispatch.snapshot import from_document, to_document
from dispatch.state import CenterState
from hub.engine import Engine
from resources import scenario as scenarios
from tests.conftest import make_units
from tests.recorder import Recorder
from tests.test_faults import send, slip

T0 = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
KEPT = timedelta(hours=12)


def _event(type_: str, payload: dict, minutes: float) -> Event:
    return Event(type_, "test", "ws", payload, T0 + timedelta(minutes=minutes))


def _day() -> CenterState:
    """Three alerts: 1001 referred to the police at 08:05, 1002 left open, 1003 a duplicate
    of 1002 at 08:10."""
    state = CenterState(make_units())
    for n in range(3):
        state.apply(_event(ev.ALERT_RECEIVED, {
            "alert_id": f"R-{n}", "received_at": T0.isoformat(),
            "location": {"lon": 122.1, "lat": 30.0}}, n))
    state.apply(_event(ev.INCIDENT_REFERRED, {"case": "1001", "to": "referred_police"}, 5))
    state.apply(_event(ev.INCIDENT_MERGED, {"case": "1003", "into": "1002"}, 10))
    return state


def test_only_cases_ended_long_enough_are_retirable() -> None:
    state = _day()
    assert retirable(state, T0 + timedelta(minutes=5) + KEPT - timedelta(seconds=1), KEPT) == []
    assert retirable(state, T0 + timedelta(minutes=5) + KEPT, KEPT) == ["1001"]
    assert retirable(state, T0 + timedelta(days=30), KEPT) == ["1001", "1003"]


def test_retiring_frees_memory_and_numbering_goes_on() -> None:
    state = _day()
    assert state.retire(["1001", "1002", "1003", "9999"]) == ["1001", "1003"]  # 1002 is open
    assert sorted(state.incidents) == ["1002"] and sorted(state.by_alert) == ["R-1"]
    assert state.incidents["1002"].merged == ["1003"]  # the open case still names its caller
    state.apply(_event(ev.ALERT_RECEIVED, {"alert_id": "R-3", "received_at": T0.isoformat(),
                                           "location": {"lon": 122.1, "lat": 30.0}}, 20))
    assert sorted(state.incidents) == ["1002", "1004"]


def test_a_late_acknowledgement_for_a_retired_case_changes_nothing() -> None:
    state = _day()
    state.retire(["1001"])
    state.apply(_event(ev.PAGE_ACKED, {"case": "1001", "unit": "G01", "seq": 1}, 30))
    state.apply(_event(ev.PAGE_FAILED, {"case": "1001", "unit": "G01"}, 31))
    assert "1001" not in state.incidents


def test_a_snapshot_carries_the_count_of_cases_opened() -> None:
    state = _day()
    state.retire(["1001"])
    again = from_document(to_document(state), make_units())
    assert again.cases_opened == 3 and sorted(again.incidents) == ["1002", "1003"]
    older = to_document(_day())
    del older["cases_opened"]  # written before retirement: every case ever opened is in it
    assert from_document(older, make_units()).cases_opened == 3


def test_a_hub_lets_ended_cases_go_and_a_restart_keeps_them_gone(tmp_path) -> None:
    """A real engine on a SQLite file over the real feed: the referred case leaves memory
    (its projection row and its events stay), numbering goes on, and after a restart the
    projection check accepts the row the state no longer holds instead of rebuilding."""
    scenario = scenarios.load()
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    engine = Engine(EventStore.open(url, scenario.roster), scenario, Recorder(),
                    workstation=socket.gethostname())
    engine.start()
    try:
        asyncio.run(send(f"{engine.url}/feed", [slip(1), slip(2)]))
        actor = Actor("dispatcher:test", "ws")
        engine.submit(engine.refer, "1001", IncidentStatus.REFERRED_POLICE, actor).result(5)
        engine.ended_kept = timedelta(hours=1)
        engine.submit(engine.retire_ended).result(5)
        assert sorted(engine.store.state.incidents) == ["1001", "1002"]  # ended just now
        engine.ended_kept = timedelta(0)
        engine.submit(engine.retire_ended).result(5)
        assert sorted(engine.store.state.incidents) == ["1002"]
        asyncio.run(send(f"{engine.url}/feed", [slip(3)]))
        assert sorted(engine.store.state.incidents) == ["1002", "1003"]
    finally:
        engine.stop()
    store = EventStore.open(url, scenario.roster)
    try:
        assert sorted(store.state.incidents) == ["1002", "1003"]
        assert store.check_projections() is False
        with store.engine.connect() as connection:
            rows = dict(connection.execute(select(IncidentRow.case, IncidentRow.status)).all())
        assert rows == {"1001": "referred_police", "1002": "received", "1003": "received"}
        assert sum(e.type == ev.ALERT_RECEIVED for e in store.events()) == 3
    finally:
        store.close()


def test_a_console_lets_go_after_the_hub(qtbot, running_engine, open_console) -> None:
    """A console's replica keeps an ended case REPLICA_MARGIN longer than the hub, then its
    queue drops the row: a real window following a real engine."""
    scenario = scenarios.load()
    engine = running_engine(scenario)
    window = open_console(scenario, engine)
    asyncio.run(send(f"{engine.url}/feed", [slip(1), slip(2)]))
    engine.submit(engine.refer, "1001", IncidentStatus.REFERRED_POLICE,
                  Actor("dispatcher:test", "ws")).result(5)
    qtbot.waitUntil(lambda: window.state.incidents.get("1001") is not None and
                    window.state.incidents["1001"].status == IncidentStatus.REFERRED_POLICE,
                    timeout=5000)
    ended = window.state.incidents["1001"].history[-1][0]
    kept = scenario.ended_kept()
    assert retirable(window.state, ended + kept, kept + REPLICA_MARGIN) == []
    window.state.incidents["1001"].history[-1] = (
        ended - kept - REPLICA_MARGIN, IncidentStatus.REFERRED_POLICE)
    window._ticks = 0
    window._tick()
    window.refresh()
    assert sorted(window.state.incidents) == ["1002"]
    cases = {window.queue_model.index(r, 0).data() for r in
             range(window.queue_model.rowCount())}
    assert "1001" not in cases and "1002" in cases
