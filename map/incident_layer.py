"""Incidents on the live map: markers coloured by status, 8-minute clock rings, and counted
bubbles when there are too many to tell apart.

Below CLUSTER_ABOVE open incidents every incident is drawn as itself: a dispatcher with a few
dozen cases wants each colour and ring. Above it (a busy holiday, a day replayed) incidents
cluster on a map-anchored grid; a bubble takes the colour of its most urgent member, and a
click on it zooms in. Work is done when incidents or the zoom level change, not per frame,
and so is painting: the items' renders are cached (map/styles.py's cache_render), so a frame
where only units moved blits them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFont, QPainterPath, QTransform

from dispatch.clocks import DEFAULT_CLOCK, ClockPolicy
from dispatch.events import utc_now
from dispatch.lifecycle import IncidentStatus
from dispatch.state import Incident
from map.clock_rings import ARCS, clock_starts, ring_steps, step_pen
from map.clusters import cell_size, grid_clusters
from map.styles import cache_render

CLUSTER_ABOVE = 200
# most urgent first: a bubble shows the colour of the first of these among its members
URGENCY = (IncidentStatus.RECEIVED, IncidentStatus.ESCALATED, IncidentStatus.TRIAGED,
           IncidentStatus.DISPATCHED, IncidentStatus.ACKNOWLEDGED, IncidentStatus.EN_ROUTE,
           IncidentStatus.ON_SCENE)
_COUNT_SYMBOLS: dict[str, QPainterPath] = {}


def count_symbol(count: int) -> QPainterPath:
    """The count as a symbol path centred on the spot, one per distinct text (cached, so
    pyqtgraph renders each once)."""
    text = str(count) if count < 1000 else f"{count // 1000}k"
    if text not in _COUNT_SYMBOLS:
        font = QFont()
        font.setPixelSize(100)
        font.setBold(True)
        path = QPainterPath()
        path.addText(0, 0, font, text)
        box = path.boundingRect()
        scale = 1.0 / max(box.width(), box.height())
        _COUNT_SYMBOLS[text] = QTransform().scale(scale, scale).translate(
            -box.center().x(), -box.center().y()).map(path)
    return _COUNT_SYMBOLS[text]


class AnyButtonScatter(pg.ScatterPlotItem):
    """pyqtgraph's scatter answers the left button only, so a right-click on an incident never
    reached its menu; this one reports left and right clicks (the handler reads which)."""

    def mouseClickEvent(self, ev) -> None:  # pyqtgraph override
        if ev.button() in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            points = self.pointsAt(ev.pos())
            if len(points):
                ev.accept()
                self.sigClicked.emit(self, points, ev)
                return
        ev.ignore()


class IncidentLayer:
    """Owns the incident items of one plot; `display` converts WGS-84 to the plot's datum."""

    def __init__(self, plot: pg.PlotWidget, brush: Callable[[str], object],
                 colours: dict, display: Callable, tip: Callable,
                 clock: ClockPolicy = DEFAULT_CLOCK) -> None:
        self.plot, self._brush, self._colours, self._display = plot, brush, colours, display
        self.clock = clock
        self.markers = AnyButtonScatter(size=16, symbol="o", pen=pg.mkPen("#222", width=1.5),
                                        hoverable=True, tip=tip)
        self.bubbles = pg.ScatterPlotItem(symbol="o", pen=pg.mkPen("#fff", width=2))
        self.counts = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush("#fff"))
        self.rings = [pg.ScatterPlotItem(size=26, brush=None, symbol=ARCS[k],
                                         pen=step_pen(k, clock))
                      for k in range(len(ARCS))]
        self.bubbles.sigClicked.connect(self._zoom_into)
        plot.sigRangeChanged.connect(lambda *_: self.show(None))  # a new zoom level reclusters
        self.items = [*self.rings, self.bubbles, self.counts, self.markers]
        for item in self.items:  # a frame where only units moved blits these
            cache_render(item)
        self.open: list[Incident] = []
        self.shown: list[Incident] = []  # drawn as themselves (not inside a bubble)
        self._x = self._y = np.array([])
        self._cell: float | None = None
        self._starts = np.array([])
        self._steps = np.array([], dtype=int)
        self._rings_built = 0.0
        self._drawn: dict[int, tuple] = {}  # id of an item → what it was last given

    def show(self, open_incidents: Sequence[Incident] | None) -> None:
        """New incidents (a list) or just another frame (None): redraw only what changed."""
        changed = open_incidents is not None
        if changed:
            self.open = list(open_incidents)
            self._x, self._y = self._display([i.lon for i in self.open],
                                             [i.lat for i in self.open])
        cell = (cell_size(self.plot.getViewBox().viewPixelSize()[0])
                if len(self.open) > CLUSTER_ABOVE else None)
        if changed or cell != self._cell:
            self._cell = cell
            self._draw_markers()
            self._draw_rings(force=True)
        else:
            self._draw_rings(force=False)

    def _draw_markers(self) -> None:
        if self._cell is None:
            single = np.ones(len(self.open), dtype=bool)
            multi = np.array([], dtype=int)
            clusters = None
        else:
            clusters = grid_clusters(self._x, self._y, self._cell)
            single = clusters.singletons()
            multi = np.flatnonzero(clusters.counts > 1)
        self.shown = [i for i, alone in zip(self.open, single.tolist(), strict=True) if alone]
        x, y = self._x[single], self._y[single]
        colours = [self._colours.get(i.status, "#999") for i in self.shown]
        cases = [i.case for i in self.shown]
        if self._changed(self.markers, x, y, cases, colours):
            self.markers.setData(x=x, y=y, data=cases,
                                 brush=[self._brush(c) for c in colours])
        if clusters is None or not len(multi):
            if self._changed(self.bubbles):
                self.bubbles.setData(x=[], y=[])
                self.counts.setData(x=[], y=[])
            return
        rank = {s: n for n, s in enumerate(URGENCY)}
        urgency = np.array([rank.get(i.status, len(URGENCY)) for i in self.open])
        most = np.full(len(clusters.counts), len(URGENCY))
        np.minimum.at(most, clusters.members, urgency)
        counts = clusters.counts[multi]
        colours = [self._colours.get(URGENCY[k], "#999") if k < len(URGENCY) else "#999"
                   for k in most[multi].tolist()]
        x, y = clusters.x[multi], clusters.y[multi]
        if not self._changed(self.bubbles, x, y, counts, colours):
            return
        self.bubbles.setData(x=x, y=y, size=20 + 7 * np.log10(counts),
                             brush=[self._brush(c) for c in colours], data=counts.tolist())
        self.counts.setData(x=x, y=y,
                            size=[5.5 * min(len(str(c)), 4) for c in counts.tolist()],
                            symbol=[count_symbol(c) for c in counts.tolist()])

    def _changed(self, item: pg.ScatterPlotItem, *drawn) -> bool:
        """Whether `item` would show something else than it does: an alert changes one
        marker or one bubble, and setData on an unchanged item costs as much as on a changed
        one (every point's style is looked up again) and repaints it."""
        before = self._drawn.get(id(item))
        same = before is not None and len(before) == len(drawn) and all(
            np.array_equal(a, b) if isinstance(a, np.ndarray) else a == b
            for a, b in zip(before, drawn, strict=True))
        self._drawn[id(item)] = drawn
        return not same

    def _draw_rings(self, force: bool) -> None:
        """Rings move in half-minute steps: checked once a second, redrawn when a step or the
        shown incidents changed."""
        if not force and time.monotonic() - self._rings_built < 1.0:
            return
        self._rings_built = time.monotonic()
        now = utc_now()
        if force:
            self._starts = clock_starts(self.shown, now, self.clock)
        running, steps = ring_steps(self._starts, now, self.clock)
        if not force and np.array_equal(steps, self._steps):
            return
        self._steps = steps
        x, y = self._display([self.shown[n].lon for n in running],
                             [self.shown[n].lat for n in running])
        for step, item in enumerate(self.rings):
            at_step = steps == step
            if self._changed(item, x[at_step], y[at_step]):
                item.setData(x=x[at_step], y=y[at_step])

    def _zoom_into(self, _item, points, _event=None) -> None:
        """A click on a bubble zooms in four times around it."""
        if not len(points):
            return
        centre: QPointF = points[0].pos()
        (west, east), (south, north) = self.plot.viewRange()
        half_w, half_h = (east - west) / 8, (north - south) / 8
        self.plot.setRange(xRange=(centre.x() - half_w, centre.x() + half_w),
                           yRange=(centre.y() - half_h, centre.y() + half_h), padding=0)

