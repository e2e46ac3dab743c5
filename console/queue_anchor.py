"""The queue row under the dispatcher's pointer stays under it while rows come and go.

New alerts sort in above the cases already triaged, so every insert pushed the rows below it
down by one: a click aimed at one case landed on the next. Two things keep it still:
- while the pointer moves over the queue (the dispatcher is aiming), the queue's rows wait, for
  at most HOLD_S after the pointer last moved and never more than MAX_HOLD_S at a stretch (a
  pointer wandering over the queue must not hide new alerts); the sound still announces them;
- when rows change anyway (a pointer resting there), the view scrolls by as many rows as the
  pointed case moved, where the queue is long enough to scroll.
With the pointer elsewhere the queue behaves as before.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QPoint
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QAbstractItemView, QTableView

HOLD_S = 2.0  # long enough to aim and click, short enough that a resting pointer hides nothing
MAX_HOLD_S = 3.0  # then the rows come in, however the pointer moves


class PointerAnchor:
    def __init__(self, view: QTableView,
                 pointer: Callable[[], QPoint] | None = None) -> None:
        self.view = view
        self.pointer = pointer or (lambda: view.viewport().mapFromGlobal(QCursor.pos()))
        self._held: tuple[str, int] | None = None  # (case, row) under the pointer
        self._last: QPoint | None = None  # where the pointer was at the last frame
        self._moved = 0.0  # when it last moved, on the monotonic clock
        self._since: float | None = None  # when the rows began to wait
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)  # rows of px
        model = view.model()
        for before in (model.rowsAboutToBeInserted, model.rowsAboutToBeRemoved,
                       model.rowsAboutToBeMoved):
            before.connect(self._hold)
        for after in (model.rowsInserted, model.rowsRemoved, model.rowsMoved):
            after.connect(self._keep)

    def holding(self) -> bool:
        """True while the queue's rows should wait: the pointer is over them and moved within
        HOLD_S. Asked once per frame."""
        at = self.pointer()
        now = time.monotonic()
        if not self.view.viewport().rect().contains(at):
            self._last = self._since = None
            return False
        if at != self._last:
            self._last, self._moved = at, now
        if now - self._moved >= HOLD_S or (self._since is not None
                                           and now - self._since >= MAX_HOLD_S):
            self._since = None  # released: the rows come in, a new stretch may begin
            return False
        if self._since is None:
            self._since = now
        return True

    def _hold(self, *_args) -> None:
        at = self.pointer()
        inside = self.view.viewport().rect().contains(at)
        row = self.view.rowAt(at.y()) if inside else -1
        rows = self.view.model().rows
        self._held = (rows[row].case, row) if 0 <= row < len(rows) else None

    def _keep(self, *_args) -> None:
        if self._held is None:
            return
        case, row = self._held
        self._held = None
        now = next((n for n, incident in enumerate(self.view.model().rows)
                    if incident.case == case), None)
        if now is None or now == row:
            return
        bar = self.view.verticalScrollBar()
        bar.setValue(bar.value() + (now - row) * self.view.verticalHeader().defaultSectionSize())
