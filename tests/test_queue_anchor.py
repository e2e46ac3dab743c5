"""The case under the pointer stays under it when a new alert sorts in above it (a click meant
for one case used to land on the next): the rows wait while the pointer aims, then a long queue
scrolls to keep the case in place; with the pointer away, new rows come in at once."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from PySide6.QtCore import QPoint
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QTableView

from console.queue_anchor import HOLD_S, PointerAnchor
from dispatch.commands import Actor
from resources import scenario as scenarios
from tests.test_faults import send, slip


def test_the_pointed_case_stays_under_the_pointer(qtbot, running_engine, open_console) -> None:
    scenario = scenarios.load()
    engine = running_engine(scenario)
    window = open_console(scenario, engine)
    queue = window.queue
    asyncio.run(send(f"{engine.url}/feed", [slip(n) for n in range(1, 6)]))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 5, timeout=5000)
    desk = Actor("dispatcher:test", "ws")
    for case in ("1001", "1002", "1003"):  # triaged cases sort below the new alerts
        engine.submit(engine.triage, case, desk).result(5)
    qtbot.waitUntil(lambda: window.state.incidents["1003"].status != "received",
                    timeout=5000)
    window.refresh()
    height = queue.verticalHeader().defaultSectionSize()
    at = QPoint(20, 2 * height + height // 2)  # the third row
    window.queue_anchor.pointer = lambda: at
    pointed = queue.indexAt(at).data()
    assert pointed == "1001"
    window.refresh()  # the pointer arrived: the rows wait from now
    asyncio.run(send(f"{engine.url}/feed", [slip(6), slip(7)]))
    qtbot.waitUntil(lambda: len(window.state.incidents) == 7, timeout=5000)
    window.refresh()
    assert window.queue_model.rowCount() == 5 and queue.indexAt(at).data() == pointed
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 7, timeout=HOLD_S * 1000 + 2000)
    window.queue_anchor.pointer = lambda: QPoint(-50, -50)  # the pointer went elsewhere
    asyncio.run(send(f"{engine.url}/feed", [slip(8)]))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 8, timeout=2000)


class _Rows:
    def __init__(self, model: QStandardItemModel) -> None:
        self.model = model

    def __len__(self) -> int:
        return self.model.rowCount()

    def __getitem__(self, row: int) -> SimpleNamespace:
        return SimpleNamespace(case=self.model.item(row).text())

    def __iter__(self):
        return (self[row] for row in range(len(self)))


def test_a_long_queue_scrolls_to_keep_the_pointed_case(qtbot) -> None:
    """Rows that change while the pointer rests (past HOLD_S) move the view, not the case."""
    model = QStandardItemModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(300, 200)
    model.rows = _Rows(model)  # what the queue model offers: its rows, each with a case
    for n in range(100):
        model.appendRow(QStandardItem(str(n)))
    view.show()
    height = view.verticalHeader().defaultSectionSize()
    at = QPoint(10, 3 * height + height // 2)
    anchor = PointerAnchor(view, pointer=lambda: at)
    assert view.indexAt(at).data() == "3"
    for n in range(2):  # two new cases sort in at the top
        model.insertRow(0, QStandardItem(f"new{n}"))
    assert view.indexAt(at).data() == "3" and anchor.view.verticalScrollBar().value() == 2 * height


def test_a_pointer_wandering_over_the_queue_does_not_hold_it_for_ever(qtbot, monkeypatch) -> None:
    """Moving all the time, the pointer holds the rows for MAX_HOLD_S, then lets them in."""
    from console import queue_anchor

    model = QStandardItemModel()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    model.rows = _Rows(model)
    view.resize(300, 200)
    view.show()
    clock = [100.0]
    monkeypatch.setattr(queue_anchor.time, "monotonic", lambda: clock[0])
    where = [QPoint(10, 10)]
    anchor = PointerAnchor(view, pointer=lambda: where[0])
    held = []
    for step in range(8):  # a new place every half second, for four seconds
        clock[0] = 100.0 + step * 0.5
        where[0] = QPoint(10 + step, 10)
        held.append(anchor.holding())
    assert held == [True] * 6 + [False, True]  # released at 3 s, then a new stretch
