"""The hash-chained log on both databases: `jingbao audit verify` names the row an outsider
altered, deleted, inserted or moved with plain SQL, and passes an untouched log."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from db.schema import make_engine
from db.store import EventStore
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from tests.conftest import make_units
from tests.test_dispatch_core import SLIP

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


def verify(url: str) -> subprocess.CompletedProcess:
    return subprocess.run([JINGBAO, "audit", "verify", "--db", url], capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def logged(db_url, actor) -> str:
    """Six chained events in the events table: two alerts, a duplicate resend (not stored),
    four polls (fixes live in the track store; tests/test_track_store.py tampers with them)."""
    store = EventStore.open(db_url, make_units)
    for n in range(2):
        slip = commands.receive_alert(parse_alert_slip({**SLIP, "alert_id": f"H-{n}"},
                                                       ZHOUSHAN), actor)
        store.append([slip, slip])
    store.append([actor.event(ev.POSITION_POLLED, {"unit": "G01", "port": f"p{k}"})
                  for k in range(4)])
    store.close()
    return db_url


def ids(url: str) -> list[int]:
    """The rows' ids in order (PostgreSQL's sequence skips the ids of refused duplicates)."""
    engine = make_engine(url)
    with engine.connect() as connection:
        found = list(connection.execute(text("SELECT id FROM events ORDER BY id")).scalars())
    engine.dispose()
    return found


def sql(url: str, *statements: str) -> None:
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def test_an_untouched_log_verifies(logged) -> None:
    result = verify(logged)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 events checked, 0 problem(s)" in result.stdout
    assert f"head: event {ids(logged)[-1]} " in result.stdout


def test_an_altered_payload_is_named(logged) -> None:
    third = ids(logged)[2]
    sql(logged, f"UPDATE events SET actor = 'someone else' WHERE id = {third}")
    result = verify(logged)
    assert result.returncode == 1
    assert f"event {third}: altered" in result.stdout


def test_a_deleted_row_is_named_by_its_successor(logged) -> None:
    found = ids(logged)
    sql(logged, f"DELETE FROM events WHERE id = {found[3]}")
    result = verify(logged)
    assert result.returncode == 1
    assert f"event {found[4]}: does not follow event {found[2]}" in result.stdout


def test_an_inserted_row_is_named(logged) -> None:
    last = ids(logged)[-1]
    sql(logged, "INSERT INTO events (id, time, type, actor, workstation, payload, prev_hash, "
                "hash) SELECT 100000, time, type, actor, workstation, payload, prev_hash, hash "
                f"FROM events WHERE id = {last}")
    result = verify(logged)
    assert result.returncode == 1
    assert f"event 100000: does not follow event {last}" in result.stdout


def test_swapped_rows_are_named(logged) -> None:
    found = ids(logged)
    a, b = found[3], found[4]
    sql(logged, f"UPDATE events SET id = 1000000 WHERE id = {a}",
        f"UPDATE events SET id = {a} WHERE id = {b}",
        f"UPDATE events SET id = {b} WHERE id = 1000000")
    result = verify(logged)
    assert result.returncode == 1
    assert f"event {a}: does not follow event {found[2]}" in result.stdout


def test_a_log_written_before_the_chain_is_chained_by_the_migration(db_url) -> None:
    from alembic import command
    from alembic.config import Config

    from db.schema import MIGRATIONS

    engine = make_engine(db_url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0003")
    with engine.begin() as connection:
        for n in range(3):
            connection.execute(text(
                "INSERT INTO events (time, type, actor, workstation, payload) VALUES "
                f"('2026-11-2{n} 01:00:00+00:00', 'unit_position', 'radio:gw', 'ws', "
                f"'{{\"unit\": \"G01\", \"lon\": 122.{n}, \"lat\": 30.0}}')"))
    engine.dispose()
    EventStore.open(db_url, make_units).close()  # migrates to the newest revision
    result = verify(db_url)
    assert result.returncode == 0 and "3 events checked, 0 problem(s)" in result.stdout
