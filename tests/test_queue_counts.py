"""Alert → queue row costs the same at any queue length: counted, not timed.

Times on a shared 2-core machine vary twofold from run to run; counts do not. A real window
follows a real engine; its replica is filled with 100, then 1,000 open incidents through the
window's own ordered channel (the signal the hub client emits), and one more alert is then
counted on its way to the painted row: model resets, rows `data()` was asked about (a header
that resizes to contents asks about every row), `data()` calls, and repaints of the queue.
"""

from __future__ import annotations

import itertools
import socket
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from console.models import MAX_CLOSED_ROWS, QueueModel
from db.store import EventStore
from dispatch import events as ev
from dispatch.events import Event
from hub.engine import Engine
from hub.simulated_feed import SlipFactory
from resources import scenario as scenarios
from tests.recorder import Recorder


class PaintCounter(QObject):
    """Counts paint events of the widget it filters (the queue's viewport)."""

    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # Qt override
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
        return False


@pytest.fixture
def window(qtbot, open_console, tmp_path):
    scenario = scenarios.load()
    store = EventStore.open(f"sqlite:///{tmp_path}/counts.sqlite3", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start(feed_port=0)
    window = open_console(scenario, engine)
    window.resize(1600, 1000)
    qtbot.waitExposed(window)
    yield window
    engine.stop()


@pytest.fixture
def data_calls(monkeypatch) -> Counter:
    """(row, role) → calls of QueueModel.data since the counter was last cleared."""
    calls: Counter = Counter()
    original = QueueModel.data

    def counting(self, index, role=0):
        calls[(index.row(), role)] += 1
        return original(self, index, role)

    monkeypatch.setattr(QueueModel, "data", counting)
    return calls


class Feed:
    """Alerts (and their triage) as the hub sends them: events with ids, in order."""

    def __init__(self, window) -> None:
        self.window = window
        self.ids = itertools.count(window.state.last_event_id + 1)
        self.slips = SlipFactory(scenarios.load(), seed=3)
        self.start = datetime.now(UTC) - timedelta(minutes=5)

    def event(self, kind: str, payload: dict) -> Event:
        return Event(kind, "110", "feed", payload, datetime.now(UTC), next(self.ids))

    def backlog(self, n: int) -> None:
        """n open incidents, triaged (so a new alert goes to the top), in one batch."""
        first = len(self.window.state.incidents)
        batch = [self.event(ev.ALERT_RECEIVED, self.slips.make()) for _ in range(n)]
        batch += [self.event(ev.INCIDENT_TRIAGED, {"case": str(1001 + first + k),
                                                   "outcome": "triaged", "reasons": []})
                  for k in range(n)]
        self.window.signals.events_appended.emit(batch)

    def alert(self) -> None:
        self.window.signals.events_appended.emit([self.event(ev.ALERT_RECEIVED,
                                                             self.slips.make())])


def settle(qtbot, window, rows: int) -> None:
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == rows, timeout=10000)
    for _ in range(3):  # the queued refresh, then the paint it scheduled
        QApplication.processEvents()


def one_alert(qtbot, window, feed: Feed, data_calls: Counter, painter: PaintCounter,
              resets: list[int]) -> dict[str, int]:
    rows = window.queue_model.rowCount()
    data_calls.clear()
    painter.paints = 0
    resets.clear()
    feed.alert()
    settle(qtbot, window, rows + 1)
    return {"rows asked": len({row for row, _ in data_calls}),
            "data calls": sum(data_calls.values()), "paints": painter.paints,
            "resets": len(resets)}


def test_an_alert_costs_the_same_with_100_or_1000_incidents_open(qtbot, data_calls,
                                                                  window) -> None:
    """data_calls first: the count must wrap `data` before the window's model exists."""
    feed = Feed(window)
    painter = PaintCounter()
    window.queue.viewport().installEventFilter(painter)
    resets: list[int] = []
    window.queue_model.modelReset.connect(lambda: resets.append(1))
    counts = {}
    for backlog in (100, 900):  # 100 open, then 1,003
        feed.backlog(backlog)
        settle(qtbot, window, len(window.state.incidents))
        counts[backlog] = [
            one_alert(qtbot, window, feed, data_calls, painter, resets) for _ in range(3)]
    visible = (window.queue.viewport().height()
               // window.queue.verticalHeader().defaultSectionSize())
    for n, samples in counts.items():
        for c in samples:
            assert c["data calls"] > 0 and c["paints"] > 0, (n, c)  # the row was painted
            assert c["resets"] == 0, (n, c)  # rows inserted, never a reset
            assert c["rows asked"] <= visible + 2, (n, c)  # only painted rows, none measured
            assert c["paints"] <= 3, (n, c)
    worst = {n: max(c["data calls"] for c in samples) for n, samples in counts.items()}
    assert worst[900] <= worst[100] * 1.25 + 20, (counts, worst)  # no growth with the queue


def test_a_days_finished_cases_page_out_of_the_queue(qtbot, window) -> None:
    """Open cases all stay; of the finished, with the filter on (Ctrl+H), MAX_CLOSED_ROWS stay
    (the latest received)."""
    window.queue_model.show_ended(True)
    feed = Feed(window)
    feed.backlog(MAX_CLOSED_ROWS + 60)
    settle(qtbot, window, MAX_CLOSED_ROWS + 60)
    finished = [str(1001 + k) for k in range(MAX_CLOSED_ROWS + 50)]
    window.signals.events_appended.emit([feed.event(ev.INCIDENT_REFERRED, {
        "case": case, "to": "referred_police"}) for case in finished])
    settle(qtbot, window, 10 + MAX_CLOSED_ROWS)
    model = window.queue_model
    assert [i.status for i in model.rows[:10]] == ["triaged"] * 10
    shown = [model.row_of(case) for case in finished]
    assert shown.count(-1) == 50 and all(row >= 10 for row in shown if row != -1)
    assert len(window.state.incidents) == MAX_CLOSED_ROWS + 60  # the replica keeps them

