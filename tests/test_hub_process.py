"""The one-workstation console's hub in a child process: real processes, a real SQLite file,
the real console link and a real window.

The child serves the demo (simulated 110 and radio), the window follows it; the child's log
reaches this process's handlers; a second start on the same database is refused with the
database's name; the hub stops in order when asked and when the console's process is gone;
a hub that dies under the window closes the window with the hub's exit code.
"""

from __future__ import annotations

import logging
import os

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from console.app import open_console, watch_hub
from console.cli import build_parser
from console.user_config import fill_options, read_config
from hub.center import LeaseHeld
from hub.hub_process import embedded_center, start_hub_process
from tests.test_quit import answer_next_question


@pytest.fixture
def args(tmp_path):
    """`jingbao console --demo` on a database of the test's own, alerts every second."""
    parsed = build_parser(read_config(tmp_path / "none.toml")).parse_args(
        ["console", "--demo", "--db", f"sqlite:///{tmp_path / 'hub.sqlite3'}", "--feed-port",
         "0", "--first-alert-s", "0.2", "--alert-interval-s", "0.5", "1.0"])
    fill_options(parsed, read_config(tmp_path / "none.toml"))
    return parsed


def test_the_window_follows_a_hub_in_a_child_process(qtbot, args, caplog) -> None:
    caplog.set_level(logging.INFO)
    hub, client, window = open_console(args)
    try:
        qtbot.addWidget(window)
        assert hub.alive() and hub.process.pid != os.getpid()
        qtbot.waitUntil(lambda: len(window.state.incidents) >= 2, timeout=20_000)
        qtbot.waitUntil(lambda: any(u.lon is not None for u in window.state.units.values()),
                        timeout=20_000)  # the simulated radios, decoded in the child
        assert any(r.process == hub.process.pid and r.name.startswith("hub.")
                   for r in caplog.records), "the child's log did not reach this process"
    finally:
        client.stop()
        hub.stop()
    assert hub.exitcode == 0  # an orderly stop, not a kill
    with pytest.raises(LeaseHeld):  # the lease went with it: a new start holds it again...
        second = start_hub_process(embedded_center, args)
        try:
            start_hub_process(embedded_center, args)  # ...and a third is refused
        finally:
            second.stop()


def test_a_second_hub_on_one_database_is_refused_with_its_name(args) -> None:
    first = start_hub_process(embedded_center, args)
    try:
        with pytest.raises(LeaseHeld) as refused:
            start_hub_process(embedded_center, args)
        assert "hub.sqlite3" in refused.value.database
    finally:
        first.stop()


def test_the_hub_stops_when_the_consoles_process_is_gone(args) -> None:
    hub = start_hub_process(embedded_center, args)
    hub._conn.close()  # what the console's process dying does to the pipe
    hub.process.join(30)
    assert hub.exitcode == 0
    hub.stop()


def test_a_hub_dying_under_the_window_closes_it_with_the_hubs_exit_code(qtbot, args) -> None:
    hub, client, window = open_console(args)
    qtbot.addWidget(window)
    closed: list[int] = []
    asked: list[str] = []
    watching = watch_hub(QApplication.instance(), hub, closed.append)
    try:
        hub.process.kill()  # as a crash, or the lease lost to a standby (exit code 3)
        answer_next_question(QMessageBox.StandardButton.Ok, asked)
        qtbot.waitUntil(lambda: bool(closed), timeout=10_000)
        assert closed == [-9] and not watching.isActive()
        assert "-9" in asked[0]
    finally:
        client.stop()
        hub.stop()
