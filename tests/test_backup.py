"""A backup taken while the hub is writing restores to a center that starts as it was."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from db.store import EventStore, verify_chain
from hub.engine import Engine
from resources import scenario as scenarios
from tests.dbfixtures import PG_ADMIN_URL
from tests.recorder import Recorder
from tests.test_faults import send, slip

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


@pytest.fixture
def restored_pg_url():
    """An empty PostgreSQL database to restore into, dropped afterwards."""
    name = f"jingbao_restore_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_backup_while_writing_and_restore(db_url, tmp_path, request) -> None:
    demo = scenarios.load()
    engine = Engine(EventStore.open(db_url, demo.roster), demo, Recorder(), workstation="hub")
    engine.start()
    out = tmp_path / "center.backup"
    try:
        asyncio.run(send(f"{engine.url}/feed", [slip(n) for n in range(5)]))
        result = subprocess.run([JINGBAO, "backup", "--db", db_url, "--out", str(out)],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        asyncio.run(send(f"{engine.url}/feed", [slip(n) for n in range(5, 8)]))  # after it
    finally:
        engine.stop()
    if db_url.startswith("sqlite"):
        target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        shutil.copyfile(out, tmp_path / "restored.sqlite3")
    else:
        target = request.getfixturevalue("restored_pg_url")
        conninfo = make_url(target).set(drivername="postgresql").render_as_string(False)
        subprocess.run(["pg_restore", "--no-owner", f"--dbname={conninfo}", str(out)],
                       check=True, capture_output=True)
    restored = EventStore.open(target, demo.roster)
    try:
        assert sorted(i.alert_id for i in restored.state.incidents.values()) == [
            f"F-{n}" for n in range(5)]
        verdict = verify_chain(restored.engine)
        assert verdict.problems == [] and verdict.checked == 5
    finally:
        restored.close()
