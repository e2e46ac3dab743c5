"""The live map's colours and its brush cache, shared by its layers, the console's tables and
the replay window, so one status has one colour everywhere and each symbol renders once; and
the render cache of the items that do not change from frame to frame."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QBrush, QColor, QPixmapCache
from PySide6.QtWidgets import QGraphicsItem

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


# QPixmapCache holds the cached renders; Qt's default 10 MB is less than two renders of a
# 1600×1000 view (6.4 MB each) and the tiles', and a render evicted every frame costs more
# than none (bench/map_render.py --all-markers: at 10 MB, caching made a frame slower than
# not caching; at 48 MB, ~25 % faster; 160 MB was no faster and peaked 90 MB higher)
RENDER_CACHE_KB = 48 * 1024


def cache_render(item: QGraphicsItem) -> None:
    """Paint `item` once into a pixmap of the view and blit that in later frames, until the
    item changes (pyqtgraph's items call update() when they do) or the view zooms (a pan
    scrolls the pixmap and paints the strip it uncovers). For the layers that stay put while
    the units move: 5,000 incident markers and their clock rings are then one blit a frame,
    not 5,000 symbols and rings drawn again."""
    item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
    if QPixmapCache.cacheLimit() < RENDER_CACHE_KB:
        QPixmapCache.setCacheLimit(RENDER_CACHE_KB)
