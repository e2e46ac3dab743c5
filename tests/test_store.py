"""The event log on real databases: append, idempotent alerts, replay, projections, rollback."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.models import IncidentRow, UnitRow
from db.store import EventStore
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.lifecycle import IllegalTransition
from tests.conftest import make_units
from tests.test_dispatch_core import SLIP


def test_append_replay_and_projection(db_url, actor) -> None:
    store = EventStore.open(db_url, make_units)
    alert = commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor)
    [stored] = store.append([alert])
    assert stored.id == 1
    assert store.append([alert]) == []  # resent alert: acknowledged upstream, not duplicated
    case = store.state.by_alert["A-1"]
    store.append([actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.2, "lat": 30.0})])
    store.close()

    reopened = EventStore.open(db_url, make_units)
    events = reopened.events()
    assert [e.type for e in events] == [ev.ALERT_RECEIVED, ev.UNIT_POSITION]
    assert events[0].actor == "dispatcher:test" and events[0].workstation == "ws-test"
    assert events[0].time.tzinfo is not None
    assert reopened.state.incidents[case].alert_id == "A-1"
    assert reopened.state.units["G01"].lon == 122.2
    with Session(reopened.engine) as session:
        assert session.scalars(select(IncidentRow.status)).all() == ["received"]
        assert session.get(UnitRow, "G01").lon == 122.2
    reopened.close()


def test_failed_batch_rolls_back_everything(db_url, actor) -> None:
    store = EventStore.open(db_url, make_units)
    alert = commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor)
    store.append([alert])
    case = store.state.by_alert["A-1"]
    bad = actor.event(ev.INCIDENT_CLOSED, {"case": case})  # received -> closed is illegal
    good = actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.3, "lat": 30.0})
    with pytest.raises(IllegalTransition):
        store.append([good, bad])
    assert [e.type for e in store.events()] == [ev.ALERT_RECEIVED]
    assert store.state.units["G02"].lon == make_units()[1].lon
    assert str(store.state.incidents[case].status) == "received"
    store.close()


def test_sqlite_runs_in_wal_mode(tmp_path) -> None:
    store = EventStore.open(f"sqlite:///{tmp_path / 'w.sqlite3'}", make_units)
    with store.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    store.close()
