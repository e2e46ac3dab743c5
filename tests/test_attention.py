"""A breach stays on screen until the desk acknowledges it; the alarms' volume is the
workstation's own. A real engine whose 8-minute clock is shortened to about a second."""

from __future__ import annotations

import asyncio
import dataclasses
import socket

from db.store import EventStore
from hub.engine import Engine
from resources import scenario as scenarios
from tests.recorder import Recorder
from tests.test_faults import send, slip
from tests.test_quit import action


def test_a_breach_stays_until_acknowledged(qtbot, open_console, tmp_path) -> None:
    demo = scenarios.load()
    scenario = dataclasses.replace(demo, program={
        **demo.program, "clock": {"warn_min": 0.01, "breach_min": 0.02}})
    engine = Engine(EventStore.open(f"sqlite:///{tmp_path / 'b.sqlite3'}", scenario.roster),
                    scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    window = open_console(scenario, engine)
    try:
        assert not window.breach_banner.isVisibleTo(window)
        asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
        qtbot.waitUntil(lambda: window.breach_banner.isVisibleTo(window), timeout=10000)
        assert "1001" in window.breach_banner.text()
        qtbot.wait(1500)  # the case is still late: the banner stays, and says it once
        assert window.breach_banner.text().count("1001") == 1
        action(window, "Ctrl+B").trigger()
        assert not window.breach_banner.isVisibleTo(window)
    finally:
        engine.stop()


def test_the_alarm_volume_is_kept_for_the_workstation(qtbot, open_console, tmp_path) -> None:
    scenario = scenarios.load()
    engine = Engine(EventStore.open(f"sqlite:///{tmp_path / 'v.sqlite3'}", scenario.roster),
                    scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    try:
        first = open_console(scenario, engine)
        first.volume.setValue(35)
        assert first.sounds.volume == 0.35
        assert first.sounds.path("new_alert").name == "new_alert-35.wav"
        second = open_console(scenario, engine)
        assert second.volume.value() == 35 and second.sounds.volume == 0.35
    finally:
        engine.stop()


def test_new_alerts_can_be_selected_as_they_come(qtbot, open_console, tmp_path) -> None:
    """Ctrl+G: each new alert becomes the selected case (the map brings it into view); the
    choice is kept for the workstation; off, the selection stays where the dispatcher put it."""
    scenario = scenarios.load()
    engine = Engine(EventStore.open(f"sqlite:///{tmp_path / 'g.sqlite3'}", scenario.roster),
                    scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    try:
        window = open_console(scenario, engine)
        asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
        qtbot.waitUntil(lambda: "1001" in window.state.incidents, timeout=5000)
        assert window.desk.selected is None  # off by default
        action(window, "Ctrl+G").trigger()
        asyncio.run(send(f"{engine.url}/feed", [slip(2)]))
        qtbot.waitUntil(lambda: window.desk.selected == "1002", timeout=5000)
        assert open_console(scenario, engine).go_to_new_alerts  # kept
    finally:
        engine.stop()
