"""The shift lead's review tools from the console's menu: today's replay and the KPI dashboard
start as programs of their own on the console's database (real processes, a real SQLite file
written by a real hub); a workstation that was not given the database says how to give it."""

from __future__ import annotations

import json
import os
import subprocess
import time
from datetime import datetime

from PySide6.QtWidgets import QMessageBox

from console.review_tools import ReviewTools
from dispatch.service_hours import CHINA_TZ
from resources import scenario as scenarios
from tests.test_faults import slip
from tests.test_quit import action, answer_next_question


def console_with_review(running_engine, open_console, alert: bool = False):
    """A window on a real engine whose Review menu knows the engine's database."""
    scenario = scenarios.load()
    engine = running_engine(scenario)
    if alert:  # today has a case to show
        engine.submit(engine.accept_alert, json.loads(slip(1))).result(10)
    window = open_console(scenario, engine)
    database = engine.store.engine.url.render_as_string(hide_password=False)
    window.review = ReviewTools(database, scenarios.DEMO_SCENARIO, "en")
    return window, database


def test_the_menus_replay_opens_today_on_the_consoles_database(qtbot, running_engine,
                                                              open_console, tmp_path) -> None:
    window, database = console_with_review(running_engine, open_console, alert=True)
    action(window, "Ctrl+Shift+R").trigger()
    (started,) = window.review_programs
    try:
        assert started.args[started.args.index("--db") + 1] == database
        assert started.args[started.args.index("--day") + 1] == \
            datetime.now(CHINA_TZ).date().isoformat()
        time.sleep(3)
        assert started.poll() is None, "the replay ended at once: its command line is wrong"
    finally:
        started.terminate()
        started.wait(10)
    # the same command, asked for a picture instead of a window, shows today's case
    png = tmp_path / "replay.png"
    command = window.review.command("replay", datetime.now(CHINA_TZ))
    done = subprocess.run([*command, "--out", str(png)], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.stat().st_size > 10_000


def test_the_menus_dashboard_starts_on_the_consoles_database(qtbot, running_engine,
                                                            open_console) -> None:
    window, _database = console_with_review(running_engine, open_console)
    action(window, "Ctrl+Shift+K").trigger()
    (started,) = window.review_programs
    try:
        assert started.args[1:4] == ["-m", "console", "kpi"]
        time.sleep(3)
        assert started.poll() is None, "the dashboard ended at once: its command line is wrong"
    finally:
        started.terminate()
        started.wait(10)


def test_a_workstation_without_the_database_says_how_to_give_it(qtbot, running_engine,
                                                               open_console) -> None:
    scenario = scenarios.load()
    window = open_console(scenario, running_engine(scenario))
    window.review = ReviewTools(None, scenarios.DEMO_SCENARIO, "en")
    asked: list[str] = []
    answer_next_question(QMessageBox.StandardButton.Ok, asked)
    action(window, "Ctrl+Shift+R").trigger()
    assert "--db" in asked[0] and "config.toml" in asked[0]
    assert window.review_programs == []
