"""The live map's colours and its brush cache, shared by its layers, the console's tables and
the replay window, so one status has one colour everywhere and each symbol renders once."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor

from dispatch.lifecycle import IncidentStatus
from dispatch.state import UnitStatus

STATUS_COLOURS = {
    IncidentStatus.RECEIVED: "#d62728",
    IncidentStatus.TRIAGED: "#ff7f0e",
    IncidentStatus.DISPATCHED: "#e6b800",
    IncidentStatus.ACKNOWLEDGED: "#e6b800",
    IncidentStatus.EN_ROUTE: "#1f77b4",
    IncidentStatus.ON_SCENE: "#2ca02c",
    IncidentStatus.ESCALATED: "#9400d3",
}
UNIT_COLOURS = {
    UnitStatus.AVAILABLE: "#2ca02c",
    UnitStatus.DISPATCHED: "#e6b800",
    UnitStatus.EN_ROUTE: "#1f77b4",
    UnitStatus.ON_SCENE: "#8c564b",
    UnitStatus.BUSY: "#7f7f7f",
    UnitStatus.OFF_DUTY: "#c7c7c7",
    UnitStatus.ON_BREAK: "#9467bd",
}


_BRUSHES: dict[tuple[str, bool], QBrush] = {}


def brush(colour: str, faded: bool = False) -> QBrush:
    """One QBrush object per colour: pyqtgraph's symbol atlas recognises reused brushes, so a
    frame re-renders no symbol it has drawn before (new brushes cost a render per point)."""
    key = (colour, faded)
    if key not in _BRUSHES:
        qcolour = QColor(colour)
        if faded:
            qcolour.setAlpha(70)
        _BRUSHES[key] = pg.mkBrush(qcolour)
    return _BRUSHES[key]
