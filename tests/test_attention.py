"""A breach stays on screen until the desk acknowledges it; the alarms' volume is the
workstation's own. A real engine whose 8-minute clock is shortened to about a second."""

from __future__ import annotations

import asyncio
import dataclasses

from resources import scenario as scenarios
from tests.test_faults import send, slip
from tests.test_quit import action


def test_a_breach_stays_until_acknowledged(qtbot, running_engine, open_console) -> None:
    demo = scenarios.load()
    scenario = dataclasses.replace(demo, program={
        **demo.program, "clock": {"warn_min": 0.01, "breach_min": 0.02}})
    engine = running_engine(scenario)
    window = open_console(scenario, engine)
    assert not window.breach_banner.isVisibleTo(window)
    asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
    qtbot.waitUntil(lambda: window.breach_banner.isVisibleTo(window), timeout=10000)
    assert "1001" in window.breach_banner.text()
    qtbot.wait(1500)  # the case is still late: the banner stays, and says it once
    assert window.breach_banner.text().count("1001") == 1
    action(window, "Ctrl+B").trigger()
    assert not window.breach_banner.isVisibleTo(window)


def test_the_alarm_volume_is_kept_for_the_workstation(qtbot, running_engine,
                                                      open_console) -> None:
    scenario = scenarios.load()
    engine = running_engine(scenario)
    first = open_console(scenario, engine)
    first.volume.setValue(35)
    assert first.sounds.volume == 0.35
    assert first.sounds.path("new_alert").name == "new_alert-35.wav"
    second = open_console(scenario, engine)
    assert second.volume.value() == 35 and second.sounds.volume == 0.35


def test_new_alerts_can_be_selected_as_they_come(qtbot, running_engine, open_console) -> None:
    """Ctrl+G: each new alert becomes the selected case (the map brings it into view); the
    choice is kept for the workstation; off, the selection stays where the dispatcher put it."""
    scenario = scenarios.load()
    engine = running_engine(scenario)
    window = open_console(scenario, engine)
    asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
    qtbot.waitUntil(lambda: "1001" in window.state.incidents, timeout=5000)
    assert window.desk.selected is None  # off by default
    action(window, "Ctrl+G").trigger()
    asyncio.run(send(f"{engine.url}/feed", [slip(2)]))
    qtbot.waitUntil(lambda: window.desk.selected == "1002", timeout=5000)
    assert open_console(scenario, engine).go_to_new_alerts  # kept
