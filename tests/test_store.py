"""The event log on real databases: append, idempotent alerts, replay, projections, rollback."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from db.models import IncidentRow, UnitRow
from db.schema import make_engine, writing
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


def test_a_write_that_reads_first_waits_for_another_writer_instead_of_failing(tmp_path) -> None:
    """An append reads (its idempotency keys) before it writes. Another connection's commit
    landing between the two (a console's login writing its session) made SQLite refuse the
    append at once with "database is locked", and the hub told 110 to resend the alert."""
    engine = make_engine(f"sqlite:///{tmp_path / 'l.sqlite3'}")
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE log (who TEXT)")
    other_wrote = threading.Event()

    def other_writer() -> None:
        with writing(engine).begin() as connection:
            connection.exec_driver_sql("INSERT INTO log VALUES ('login')")
        other_wrote.set()

    with writing(engine).begin() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM log").scalar() == 0
        other = threading.Thread(target=other_writer)
        other.start()
        assert not other_wrote.wait(0.3)  # held back by this transaction's write lock
        connection.exec_driver_sql("INSERT INTO log VALUES ('alert')")
    other.join(10)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT who FROM log").scalars().all() == [
            "alert", "login"]
    engine.dispose()


def _picture(state) -> dict:
    """What a dispatcher sees of a state: comparable between a snapshot and a full replay."""
    return {
        "incidents": {c: (str(i.status), i.unit_id, [str(s) for _, s in i.history],
                          sorted(i.alarms), i.reasons) for c, i in state.incidents.items()},
        "units": {u.unit_id: (str(u.status), u.lon, u.lat, u.incident, u.jobs, u.fence_hits)
                  for u in state.units.values()},
    }


def test_restart_from_a_snapshot_equals_a_full_replay(db_url, actor) -> None:
    store = EventStore.open(db_url, make_units)
    for n in range(3):
        doc = {**SLIP, "alert_id": f"S-{n}"}
        store.append([commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)])
    store.append([actor.event(ev.INCIDENT_REFERRED, {"case": "1002", "to": "referred_police"})])
    store.write_snapshot()
    store.append([actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.3, "lat": 30.0}),
                  actor.event(ev.CLOCK_ALARM, {"case": "1001", "level": "warn",
                                               "elapsed_s": 400})])
    expected = _picture(store.state)
    store.close()

    reopened = EventStore.open(db_url, make_units)
    assert reopened.replayed_from > 0  # started from the snapshot, not from event 1
    assert _picture(reopened.state) == expected
    full = EventStore(reopened.engine, make_units)
    full.state = type(full.state)(make_units())
    for event in full.events():
        full.state.apply(event)
    assert _picture(full.state) == expected
    reopened.close()


def test_snapshot_of_another_roster_is_not_used(tmp_path, actor) -> None:
    url = f"sqlite:///{tmp_path / 'r.sqlite3'}"
    store = EventStore.open(url, make_units)
    store.append([commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor)])
    store.close()  # writes a snapshot
    fewer = EventStore.open(url, lambda: make_units()[:2])
    assert fewer.replayed_from == 0 and set(fewer.state.units) == {"G01", "G02"}
    assert fewer.state.incidents["1001"].alert_id == "A-1"
    fewer.close()


def test_event_ids_have_no_gaps_after_duplicates_and_failed_batches(db_url, actor) -> None:
    """Consoles follow the log by event id and take a gap for a lost event (PostgreSQL's
    sequence would skip the ids of refused duplicates and rolled-back batches)."""
    store = EventStore.open(db_url, make_units)
    alert = commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor)
    store.append([alert])
    store.append([alert])  # a resend: refused as a duplicate
    with pytest.raises(IllegalTransition):
        store.append([actor.event(ev.INCIDENT_CLOSED, {"case": "1001"})])
    store.append([actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.2, "lat": 30.0})])
    store.close()
    assert [e.id for e in EventStore.open(db_url, make_units).events()] == [1, 2]
