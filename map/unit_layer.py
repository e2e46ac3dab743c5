"""The units on the live map, one layer: a symbol per unit (its status colour, a heading arrow
while it moves, faded when its fix is old, a star in an emergency), the board's selection
ringed, ten minutes of trails, and names when few units are in view.

A frame with units that only moved writes their new places into the scatter in place; a
change of status, heading or fading rebuilds their styles (tests/test_map_counts.py counts
both). Trails keep a point every TRAIL_STEP_S and are drawn one pixel wide: 300 units' ten
minutes of every fix, stroked 2 px wide, cost about 150 ms of the UI thread a frame.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QBrush, QPainterPath, QTransform

from dispatch.state import STALE_AFTER_S, Unit
from map.clusters import fan_out
from map.styles import UNIT_COLOURS, brush, cache_render

MAX_LABELS = 60  # names shown only when no more units than this are in view
TRAIL_S = 10 * 60.0  # how far back a unit's trail reaches
TRAIL_STEP_S = 5.0  # a trail keeps a point every this many seconds, plus where the unit is
TRAIL_POINTS = int(TRAIL_S / TRAIL_STEP_S) + 1


def _arrow(course: float) -> QPainterPath:
    """A heading arrow pointing along `course` (degrees from north, clockwise)."""
    path = QPainterPath()
    path.moveTo(0, -0.5)
    path.lineTo(0.35, 0.4)
    path.lineTo(0, 0.2)
    path.lineTo(-0.35, 0.4)
    path.closeSubpath()
    return QTransform().rotate(course).map(path)


HEADINGS = [_arrow(45.0 * n) for n in range(8)]  # eight arrows: symbols are rendered once each
KIND_SYMBOLS = {"guide": "d", "police_moto": "t1", "survey_car": "s"}


def _unit_symbol(unit: Unit):
    """Emergency star; a heading arrow while moving; otherwise the unit's kind."""
    if unit.emergency:
        return "star"
    if unit.speed_kmh > 3.0 and unit.kind == "guide":
        return HEADINGS[int(((unit.course + 22.5) % 360) // 45)]
    return KIND_SYMBOLS.get(unit.kind, "d")


def _unit_brush(unit: Unit, now: datetime) -> QBrush:
    """Status colour; red for an emergency; faded when the position is stale."""
    stale = unit.fix_time is None or (now - unit.fix_time).total_seconds() > STALE_AFTER_S
    return brush("#ff0000" if unit.emergency else UNIT_COLOURS[unit.status], stale)


def _move_points(item: pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray) -> None:
    """The same points in the same styles at new places. setData would rebuild every point's
    style and look each up again in the symbol atlas (most of a frame's update with 300 units
    moving); here the positions are written in place and the item told what setData tells it
    afterwards: its bounds changed and its picture is stale."""
    item.data["x"], item.data["y"] = x, y
    item.prepareGeometryChange()
    item.informViewBoundsChanged()
    item.bounds = [None, None]
    item.invalidate()


class UnitLayer:
    """The units' plot items and what they remember between frames."""

    def __init__(self, plot: pg.PlotWidget, tip: Callable) -> None:
        self.plot = plot
        self.units = pg.ScatterPlotItem(size=13, symbol="d", pen=pg.mkPen("#111", width=1),
                                        hoverable=True, tip=tip)
        self.selected: str | None = None  # the board's selection, ringed on the map
        self.selection = pg.ScatterPlotItem(size=28, symbol="s", brush=None,
                                            pen=pg.mkPen("#000", width=2.5))
        # one pixel wide: Qt draws thin lines directly, a wider pen is stroked as a polygon
        # (300 ten-minute trails took 180 ms a frame at 2 px, 12 ms at 1 px)
        self.trails = pg.PlotDataItem(pen=pg.mkPen(30, 90, 160, 200, width=1))
        cache_render(self.trails.curve)  # redrawn once a second; blitted in between
        self.labels: dict[str, pg.TextItem] = {}
        self._labelled: set[str] = set()  # units whose label is shown now
        self._looks: list[tuple] = []  # each drawn unit's id and style, in order
        self._trails: dict[str, deque] = {}
        self.trails_built = 0.0  # monotonic time the trails were last rebuilt

    def show(self, units: list[Unit], ux: np.ndarray, uy: np.ndarray, now: datetime,
             labels: bool) -> tuple[np.ndarray, np.ndarray]:
        """Draw `units` at (ux, uy) in the map's datum; returns where their symbols went
        (units at one spot are fanned out so none hides another)."""
        self._draw_trails(units, ux, uy, now)
        ux, uy = fan_out(ux, uy, *self.plot.getViewBox().viewPixelSize())
        looks = [(u.unit_id, _unit_brush(u, now), u.emergency, _unit_symbol(u)) for u in units]
        if looks == self._looks:
            _move_points(self.units, ux, uy)
        else:
            self._looks = looks
            self.units.setData(x=ux, y=uy, data=[u.unit_id for u in units],
                               brush=[b for _id, b, _e, _s in looks],
                               size=[22 if u.emergency else 14 for u in units],
                               symbol=[symbol for _id, _b, _e, symbol in looks])
        ringed = [n for n, u in enumerate(units) if u.unit_id == self.selected]
        self.selection.setData(x=ux[ringed], y=uy[ringed])
        self._label(units, ux, uy, labels)
        return ux, uy

    def _draw_trails(self, units: list[Unit], ux: np.ndarray, uy: np.ndarray,
                     now: datetime) -> None:
        """Each unit's path over the last TRAIL_S seconds, all in one NaN-separated line,
        rebuilt at most once a second (fixes come at 1 Hz; frames much faster). A point is
        kept every TRAIL_STEP_S (and the line ends where the unit is now), not every fix: a
        line of every fix of 300 units is 180,000 points to draw at every frame."""
        if time.monotonic() - self.trails_built < 1.0:
            return
        self.trails_built = time.monotonic()
        cutoff = now.timestamp() - TRAIL_S
        xs: list[float] = []
        ys: list[float] = []
        for unit, x, y in zip(units, ux.tolist(), uy.tolist(), strict=True):
            trail = self._trails.setdefault(unit.unit_id, deque(maxlen=TRAIL_POINTS))
            stamp = unit.fix_time.timestamp() if unit.fix_time else now.timestamp()
            if not trail or (stamp - trail[-1][0] >= TRAIL_STEP_S and trail[-1][1:] != (x, y)):
                trail.append((stamp, x, y))
            while trail and trail[0][0] < cutoff:
                trail.popleft()
            moved = bool(trail) and trail[-1][1:] != (x, y)
            if len(trail) > 1 or moved:
                xs.extend(p[1] for p in trail)
                ys.extend(p[2] for p in trail)
                xs.extend((x, math.nan) if moved else (math.nan,))
                ys.extend((y, math.nan) if moved else (math.nan,))
        self.trails.setData(np.array(xs), np.array(ys), connect="finite")

    def _label(self, units: list[Unit], ux: np.ndarray, uy: np.ndarray, wanted: bool) -> None:
        """Names only when few units are in view: 300 labels at island scale are noise, and
        each costs a text render per frame."""
        (west, east), (south, north) = self.plot.viewRange()
        inside = (ux >= west) & (ux <= east) & (uy >= south) & (uy <= north)
        if not wanted or int(np.count_nonzero(inside)) > MAX_LABELS:
            for unit_id in self._labelled:  # hide what was shown, touch nothing else
                self.labels[unit_id].setVisible(False)
            self._labelled.clear()
            return
        for unit, x, y, visible in zip(units, ux.tolist(), uy.tolist(), inside.tolist(),
                                       strict=True):
            label = self.labels.get(unit.unit_id)
            if label is None:
                label = pg.TextItem(unit.unit_id, color="#123", anchor=(-0.15, 0.5))
                self.plot.addItem(label)
                self.labels[unit.unit_id] = label
            label.setVisible(visible)
            if visible:
                label.setPos(x, y)
                self._labelled.add(unit.unit_id)
            else:
                self._labelled.discard(unit.unit_id)
