"""The window paints a frame when something changed, at most one per FRAME_MS: the first change
after a quiet spell once its burst settles (SETTLE_MS without a change, at most SETTLE_MAX_MS;
a steady 100 ms timer made every radio report wait up to a frame before its unit moved), the
rest of a burst in the frame's slot."""

from __future__ import annotations

import time

import pytest

from console.main_window import FRAME_MS, SETTLE_MAX_MS, SETTLE_MS
from resources import scenario as scenarios

pytestmark = pytest.mark.gui


@pytest.fixture
def window(running_engine, open_console, qtbot):
    scenario = scenarios.load()
    window = open_console(scenario, running_engine(scenario))
    window.ticker.stop()  # the clock's second marks the window changed each second
    qtbot.waitUntil(lambda: not window.frame.isActive(), timeout=5000)
    return window


def counted_refreshes(window, monkeypatch) -> list[int]:
    calls: list[int] = []
    refresh = window.refresh

    def counting() -> None:
        calls.append(1)
        refresh()

    monkeypatch.setattr(window, "refresh", counting)
    window.frame.timeout.disconnect()
    window.frame.timeout.connect(window.refresh)
    return calls


def test_a_change_after_a_quiet_spell_is_painted_once_its_burst_settles(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.frame.isActive(), timeout=5000)
    window._last_frame = time.monotonic() - 1  # a second without a frame
    window._mark_dirty()
    assert window.frame.isActive() and window.frame.interval() == SETTLE_MS


def test_a_burst_that_goes_on_is_waited_for_but_not_for_ever(window, qtbot) -> None:
    window.frame.stop()
    window._last_frame = time.monotonic() - 1
    window._mark_dirty()
    first = window._settling_since
    window.frame.start(5)  # most of the settle gone by, then the burst's next batch
    window._settling_since = first - (SETTLE_MAX_MS - SETTLE_MS - 10) / 1000
    window._mark_dirty()
    assert window.frame.remainingTime() > 5  # waited for again
    window.frame.start(5)
    window._settling_since = first - SETTLE_MAX_MS / 1000  # settling for longer than allowed
    window._mark_dirty()
    assert window.frame.remainingTime() <= 5  # painted now, the rest in the next slot
    window.frame.stop()


def test_a_burst_of_changes_shares_frames(window, qtbot, monkeypatch) -> None:
    calls = counted_refreshes(window, monkeypatch)
    qtbot.wait(FRAME_MS + 20)
    window.refresh()
    window.frame.stop()  # whatever the hub's line scheduled while the test waited
    window._mark_dirty()  # right after a frame: waits for the next slot
    assert window.frame.interval() > FRAME_MS // 2
    start = time.monotonic()
    for _ in range(20):  # twenty batches of positions within about two frames
        window._mark_dirty()
        qtbot.wait(10)
    qtbot.waitUntil(lambda: not window.frame.isActive(), timeout=2000)
    slots = (time.monotonic() - start) * 1000 / FRAME_MS
    assert 2 <= len(calls) <= 2 + slots  # the direct call and one per slot, not one per batch
    assert len(calls) < 10


def test_nothing_changed_paints_nothing(window, qtbot, monkeypatch) -> None:
    calls = counted_refreshes(window, monkeypatch)
    qtbot.wait(5 * FRAME_MS)
    assert calls == [] and not window.frame.isActive()
