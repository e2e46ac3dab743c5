"""What does not move on the live map: land, service zones with their names, roads and duty
posts, each registered under its layer name so the Layers menu can hide it. Drawn once; only
the roads are redrawn when the routing graph (an OSM import) replaces the scenario's lines.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

from dispatch.config import ROAD_CLASSES
from map.roads import RoadGraph
from map.styles import cache_render
from resources.scenario import Line, Scenario

DAY_LAND = "#f4f1e8"
# the main road classes drawn wider and warmer over the grey of all roads (colours after the
# basemap's), so a map without a tile pack still shows arterials and main streets
MAIN_ROAD_PENS: dict[str, tuple[str, float]] = {
    "secondary": ("#d9c55a", 3.0), "primary": ("#e0a85c", 3.5), "trunk": ("#de8a6e", 4.0)}
Display = Callable[[object, object], tuple[np.ndarray, np.ndarray]]


def _polygon_item(ring: Line, pen: QPen, brush: QBrush) -> QGraphicsPathItem:
    path = QPainterPath()
    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
    path.closeSubpath()
    item = QGraphicsPathItem(path)
    item.setPen(pen)
    item.setBrush(brush)
    return item


def _nan_joined(lines: list[Line]) -> tuple[np.ndarray, np.ndarray]:
    """All polylines as one array pair, NaN between them: one item draws every road."""
    xs: list[float] = []
    ys: list[float] = []
    for line in lines:
        for x, y in line:
            xs.append(x)
            ys.append(y)
        xs.append(math.nan)
        ys.append(math.nan)
    return np.array(xs), np.array(ys)


class GroundLayers:
    def __init__(self, scenario: Scenario, display: Display,
                 add: Callable[[str, object], None], draw_land: bool) -> None:
        """`display` moves WGS-84 into the basemap's datum; `add(layer, item)` puts an item on
        the plot under a layer name. Land is drawn only without a basemap, which has its own."""
        self.display = display
        if scenario.coastline and draw_land:
            add("land", _polygon_item(scenario.coastline, QPen(QColor("#9aa"), 0),
                                      QBrush(QColor(DAY_LAND))))
        for name, (_kind, ring) in scenario.zones.items():
            shown = self._ring(ring)
            pen = QPen(QColor("#2a7"), 0)
            pen.setStyle(Qt.PenStyle.DashLine)
            zone = _polygon_item(shown, pen, QBrush(QColor(40, 170, 120, 28)))
            cache_render(zone)
            add("zones", zone)
            label = pg.TextItem(name, color="#176", anchor=(0, 1))
            label.setPos(*shown[0])
            add("zones", label)
        xs, ys = display(*_nan_joined([road.line for road in scenario.roads]))
        self.roads = pg.PlotDataItem(xs, ys, connect="finite", pen=pg.mkPen("#bbb", width=2))
        cache_render(self.roads.curve)
        add("roads", self.roads)
        self.main_roads: dict[str, pg.PlotDataItem] = {}
        for road_class, (colour, width) in MAIN_ROAD_PENS.items():  # the highest on top
            xs, ys = display(*_nan_joined([road.line for road in scenario.roads
                                           if road.road_class == road_class]))
            self.main_roads[road_class] = pg.PlotDataItem(
                xs, ys, connect="finite", pen=pg.mkPen(colour, width=width))
            cache_render(self.main_roads[road_class].curve)
            add("roads", self.main_roads[road_class])
        posts = np.array(list(scenario.posts.values()))
        px, py = display(posts[:, 0], posts[:, 1])
        add("posts", pg.ScatterPlotItem(px, py, size=9, symbol="s", brush="#555", pen=None))

    def _ring(self, ring: Line) -> Line:
        xs, ys = self.display([p[0] for p in ring], [p[1] for p in ring])
        return list(zip(xs.tolist(), ys.tolist(), strict=True))

    def show_road_graph(self, graph: RoadGraph) -> None:
        """The roads layer from the routing graph (an OSM import): exactly the roads the ETAs
        ride on, one segment per edge pair, NaN-separated in one item, the main classes again
        over them."""
        a, b = graph.edge_from.astype(np.int64), graph.edge_to.astype(np.int64)  # a·n overflows
        keep = a < b  # a two-way street is two directed edges: draw it once
        one_way = ~np.isin(a * graph.node_count + b, b * graph.node_count + a)
        drawn = keep | one_way
        a, b, classes = a[drawn], b[drawn], graph.edge_class[drawn]
        self.roads.setData(*self._segments(graph, a, b), connect="finite")
        for road_class, item in self.main_roads.items():
            main = classes == ROAD_CLASSES.index(road_class)
            item.setData(*self._segments(graph, a[main], b[main]), connect="finite")

    def _segments(self, graph: RoadGraph, a: np.ndarray,
                  b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Edges a→b as NaN-separated segments in the display datum."""
        xs = np.column_stack([graph.lon[a], graph.lon[b], np.full(len(a), np.nan)]).ravel()
        ys = np.column_stack([graph.lat[a], graph.lat[b], np.full(len(a), np.nan)]).ravel()
        return self.display(xs, ys)
