"""The replay window over the hand-built morning (tests/test_replay.py): the slider, the
keys, milestones, follow and playback put the markers where the morning's script says.
(No translator is installed here: the texts are the English sources.)"""

from __future__ import annotations

import threading

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from console.replay_window import ReplayWindow, at_time
from db.replay_source import Cancelled
from dispatch.replay import Replay
from dispatch.state import CenterState
from resources import scenario as scenarios
from tests.conftest import make_units
from tests.test_replay import END, START, as_tracks, morning_events, morning_fixes

pytestmark = pytest.mark.gui


def morning() -> Replay:
    return Replay.fold(CenterState(make_units()), morning_events(), as_tracks(morning_fixes()),
                  START, END)


@pytest.fixture
def window(qtbot) -> ReplayWindow:
    shown = ReplayWindow(scenarios.load(), morning())
    qtbot.addWidget(shown)
    shown.resize(1200, 800)
    shown.show()
    return shown


def markers(window: ReplayWindow) -> dict[str, tuple[float, float]]:
    x, y = window.units.getData()
    return {str(unit): (float(a), float(b))
            for unit, a, b in zip(window.units.data["data"], x, y, strict=True)}


def test_the_slider_puts_the_units_where_they_were(window) -> None:
    window.slider.setValue(3 * 60 + 30)  # 10:03:30
    shown = markers(window)
    assert shown["G01"] == pytest.approx((122.103, 30.020))
    assert shown["G02"] == pytest.approx((122.130, 30.010))
    assert shown["P01"] == pytest.approx((122.1032, 30.0162))
    assert window.time_label.text() == "11-25 10:03:30"
    assert [window.case_list.item(n).text() for n in range(window.case_list.count())] == [
        "1001  En route  3:30"]
    trail_x, _ = window.trails.getData()
    np.testing.assert_allclose(trail_x[:4], [122.100, 122.101, 122.102, 122.103])
    window.slider.setValue(9 * 60)  # 10:09: the guide has been on scene since 10:06
    assert markers(window)["G01"] == pytest.approx((122.109, 30.020))
    assert window.case_list.item(0).text() == "1001  On scene  6:00 (stopped)"


def test_keys_step_event_by_event_and_milestones_jump(window, qtbot) -> None:
    window.slider.setValue(60)  # 10:01:00, the dispatch
    QTest.keyClick(window, Qt.Key.Key_Right)
    assert window.time_label.text() == "11-25 10:01:20"  # the acknowledgement
    QTest.keyClick(window, Qt.Key.Key_Left)
    QTest.keyClick(window, Qt.Key.Key_Left)
    assert window.time_label.text() == "11-25 10:00:30"  # the triage
    window.case_list.setCurrentRow(0)
    assert window.milestone_list.count() == 7
    arrival = window.milestone_list.item(5)
    assert arrival.text() == "10:06:00  On scene"
    qtbot.mouseClick(window.milestone_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.milestone_list.visualItemRect(arrival).center())
    assert window.time_label.text() == "11-25 10:06:00"
    assert markers(window)["G01"] == pytest.approx((122.106, 30.020))


def test_follow_keeps_the_unit_in_view(window) -> None:
    window.map.plot.setRange(xRange=(122.25, 122.30), yRange=(29.94, 29.97), padding=0)
    window.follow("G02")
    (west, east), (south, north) = window.map.plot.viewRange()
    assert west < 122.130 < east and south < 30.010 < north
    assert window.follow_box.currentData() == "G02"


def test_play_runs_the_clock_at_the_chosen_rate(window, qtbot) -> None:
    QTest.keyClick(window, Qt.Key.Key_Up)  # 60× → 120×
    assert window.speed.currentText() == "120×"
    QTest.keyClick(window, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: window.playback.time >= START.replace(minute=1), timeout=5000)
    QTest.keyClick(window, Qt.Key.Key_Space)
    assert not window.timer.isActive() and window.play_button.text() == "Play"


def test_the_window_loads_off_the_ui_thread_and_can_cancel(qtbot) -> None:
    shown = ReplayWindow(scenarios.load())
    qtbot.addWidget(shown)
    on_worker = []

    def loader(progress, cancelled) -> Replay:
        on_worker.append(threading.current_thread() is not threading.main_thread())
        progress(1, 1)
        return morning()

    shown.opening_at = "10:05"
    shown.load(loader)
    qtbot.waitUntil(lambda: shown.replay is not None, timeout=5000)
    assert on_worker == [True]
    assert shown.time_label.text() == "11-25 10:05:00"
    assert at_time(shown.replay, "10:30:15") == START.replace(minute=30, second=15)

    release = threading.Event()

    def slow(progress, cancelled) -> Replay:
        release.wait(5)
        if cancelled():
            raise Cancelled
        return morning()

    shown.load(slow)
    assert shown.cancel_button.isVisibleTo(shown)
    qtbot.mouseClick(shown.cancel_button, Qt.MouseButton.LeftButton)
    release.set()
    qtbot.waitUntil(lambda: shown.statusBar().currentMessage() == "Loading cancelled", timeout=5000)
