"""Drag a unit onto an incident to assign it: the map's view box pans as usual, except when a
left-drag starts on a unit marker; then a dashed line follows the pointer and the drop on an
incident marker is reported. Dropping anywhere else does nothing (a pan was not meant).
"""

from __future__ import annotations

from collections.abc import Callable

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt

Hit = Callable[[QPointF], str | None]  # scene position → unit id / case under it, or None


class UnitDragViewBox(pg.ViewBox):
    """`unit_at` and `incident_at` are set by the map once its markers exist; `dropped` is
    called with (unit id, case)."""

    def __init__(self) -> None:
        super().__init__()
        self.unit_at: Hit = lambda _pos: None
        self.incident_at: Hit = lambda _pos: None
        self.dropped: Callable[[str, str], None] = lambda _unit, _case: None
        self._dragging: str | None = None
        self._line = pg.PlotCurveItem(pen=pg.mkPen("#d00", width=2, style=Qt.PenStyle.DashLine))
        self._line.setZValue(1000)
        self._line.setVisible(False)
        self.addItem(self._line, ignoreBounds=True)

    def mouseDragEvent(self, ev, axis=None) -> None:  # pyqtgraph override
        if ev.button() != Qt.MouseButton.LeftButton:
            super().mouseDragEvent(ev, axis)
            return
        if ev.isStart():
            self._dragging = self.unit_at(ev.buttonDownScenePos())
        if self._dragging is None:
            super().mouseDragEvent(ev, axis)
            return
        ev.accept()
        start = self.mapSceneToView(ev.buttonDownScenePos())
        here = self.mapSceneToView(ev.scenePos())
        self._line.setData([start.x(), here.x()], [start.y(), here.y()])
        self._line.setVisible(True)
        if ev.isFinish():
            unit, self._dragging = self._dragging, None
            self._line.setVisible(False)
            case = self.incident_at(ev.scenePos())
            if case is not None:
                self.dropped(unit, case)
