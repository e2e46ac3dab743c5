"""The window paints a frame when something changed, when console/frame_pacing.py says: a
burst once it settles (SETTLE_MS without a change, at most SETTLE_MAX_MS), the frames that
paint the hub's events FRAMES_AHEAD in a row at most and one per FRAME_MS on average, an idle
window nothing. The pacer is driven by a fake clock here (no waiting, nothing to race); the
window's own tests count its refreshes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from console.frame_pacing import FRAME_MS, FRAMES_AHEAD, SETTLE_MAX_MS, SETTLE_MS, FramePacer
from resources import scenario as scenarios


class Clock:
    def __init__(self) -> None:
        self.ms = 0.0

    def __call__(self) -> float:
        return self.ms / 1000


class Window:
    """The window's frame timer, simulated: changes at given times, frames when it fires."""

    def __init__(self) -> None:
        self.clock = Clock()
        self.pacer = FramePacer(self.clock)
        self.deadline: float | None = None  # when the timer fires, in ms
        self.frames: list[float] = []

    def run_until(self, ms: float) -> None:
        while self.deadline is not None and self.deadline <= ms:
            self.clock.ms, self.deadline = self.deadline, None
            self.pacer.painted()
            self.frames.append(self.clock.ms)
        self.clock.ms = ms

    def change(self, ms: float, paced: bool = True) -> None:
        self.run_until(ms)
        delay = self.pacer.changed(self.deadline is not None, paced)
        if delay is not None:
            self.deadline = ms + delay


def test_a_change_after_a_quiet_spell_is_painted_once_its_burst_settles() -> None:
    window = Window()
    window.change(1000)
    window.run_until(2000)
    assert window.frames == [1000 + SETTLE_MS]


def test_a_burst_that_goes_on_is_waited_for_but_not_for_ever() -> None:
    window = Window()
    for ms in range(1000, 1200, 10):  # a batch every 10 ms for 200 ms
        window.change(ms)
    window.run_until(3000)
    # not the end of the burst: the last wait that still ends by SETTLE_MAX_MS
    assert 1000 + SETTLE_MAX_MS - 10 <= window.frames[0] <= 1000 + SETTLE_MAX_MS
    window = Window()
    for ms in (1000, 1010, 1020):
        window.change(ms)
    window.run_until(3000)
    assert window.frames == [1020 + SETTLE_MS]  # one frame, once it ended


def test_a_burst_in_two_parts_gets_two_frames_without_waiting_a_whole_frame() -> None:
    """The hub sent 49 reports, committed, then 251 (the gap longer than SETTLE_MS)."""
    window = Window()
    window.change(1016)
    window.change(1041)
    window.run_until(3000)
    assert window.frames == [1016 + SETTLE_MS, 1041 + SETTLE_MS]


def test_the_clocks_frame_does_not_hold_back_the_next_burst() -> None:
    window = Window()
    for second in range(1, 5):
        window.change(second * 1000, paced=False)  # the clock's frame
        window.change(second * 1000 + 20)  # the radios' burst right after it
        window.change(second * 1000 + 45)  # its second part
    window.run_until(6000)
    bursts = [f for f in window.frames if f % 1000 >= 20]
    assert all(f % 1000 <= 45 + SETTLE_MS for f in bursts) and len(bursts) == 8


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 3000), st.booleans()), max_size=200))
def test_frames_never_outrun_the_budget(changes) -> None:
    """Whatever the changes, the frames that paint the hub's events are at most FRAMES_AHEAD
    plus one per FRAME_MS in any stretch of time, and every change is painted within
    SETTLE_MAX_MS + FRAME_MS."""
    window = Window()
    paced_frames: list[float] = []
    for ms, paced in sorted(changes):
        before = len(window.frames)
        was_paced = window.pacer.paced
        window.run_until(ms)
        if len(window.frames) > before and was_paced:
            paced_frames.append(window.frames[-1])
        window.change(ms, paced)
        assert window.deadline is not None and window.deadline - ms <= SETTLE_MAX_MS + FRAME_MS
    for i, start in enumerate(paced_frames):
        for j in range(i, len(paced_frames)):
            span = paced_frames[j] - start
            assert j - i + 1 <= FRAMES_AHEAD + span / FRAME_MS + 1e-6


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


@pytest.mark.gui
def test_a_burst_of_changes_shares_frames(window, qtbot, monkeypatch) -> None:
    calls = counted_refreshes(window, monkeypatch)
    qtbot.wait(FRAME_MS + 20)
    start = window.pacer._clock()
    for _ in range(30):  # thirty batches of positions within about three frames
        window._mark_dirty(paced=True)
        qtbot.wait(10)
    qtbot.waitUntil(lambda: not window.frame.isActive(), timeout=2000)
    slots = (window.pacer._clock() - start) * 1000 / FRAME_MS
    assert 1 <= len(calls) <= FRAMES_AHEAD + slots  # not one per batch
    assert len(calls) < 10


@pytest.mark.gui
def test_nothing_changed_paints_nothing(window, qtbot, monkeypatch) -> None:
    calls = counted_refreshes(window, monkeypatch)
    qtbot.wait(5 * FRAME_MS)
    assert calls == [] and not window.frame.isActive()
