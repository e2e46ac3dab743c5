"""The live map: a pyqtgraph view of the region, zones, roads, incidents and units.

Fed, not owning: `show` takes the current state and updates existing items with numpy arrays
(setData), so a refresh costs a few array copies, not a rebuild of the scene. Static layers
(coast, roads as one NaN-separated polyline, zones, posts) are drawn once.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF, QTransform
from PySide6.QtWidgets import (
    QGraphicsPathItem,
    QGraphicsRectItem,
    QLabel,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from dispatch import geodesy
from dispatch.events import utc_now
from dispatch.lifecycle import TERMINAL, IncidentStatus
from dispatch.state import STALE_AFTER_S, CenterState, Unit, UnitStatus
from map.clusters import fan_out
from map.hot_spots import HotSpots
from map.incident_layer import IncidentLayer
from map.projection import gcj02_to_wgs84, wgs84_to_gcj02
from map.roads import RoadGraph
from map.tile_layer import TileLayer
from map.tiles import GCJ02, TileSource
from map.unit_drag import UnitDragViewBox
from resources.scenario import Line, Scenario

STATUS_COLOURS = {
    IncidentStatus.RECEIVED: "#d62728",
    IncidentStatus.TRIAGED: "#ff7f0e",
    IncidentStatus.DISPATCHED: "#e6b800",
    IncidentStatus.ACKNOWLEDGED: "#e6b800",
    IncidentStatus.EN_ROUTE: "#1f77b4",
    IncidentStatus.ON_SCENE: "#2ca02c",
    IncidentStatus.ESCALATED: "#9400d3",
}
MAX_LABELS = 60
DAY_SEA, NIGHT_SEA = "#cfe3f3", "#0d1822"
DAY_LAND, NIGHT_LAND = "#f4f1e8", "#2a2e35"
DAY_LEGEND = "background:rgba(255,255,255,200);padding:3px;font-size:11px;"
NIGHT_LEGEND = "background:rgba(30,30,34,220);color:#ddd;padding:3px;font-size:11px;"
TRAIL_S = 10 * 60.0  # how far back a unit's trail reaches
TRAIL_STEP_S = 5.0  # a trail keeps a point every this many seconds, plus where the unit is
TRAIL_POINTS = int(TRAIL_S / TRAIL_STEP_S) + 1
HISTORY_RELOAD_S = 60.0  # the hidden hot-spot layer follows the day at most this often
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


def _brush(colour: str, faded: bool = False) -> QBrush:
    """One QBrush object per colour: pyqtgraph's symbol atlas recognises reused brushes, so a
    frame re-renders no symbol it has drawn before (new brushes cost a render per point)."""
    key = (colour, faded)
    if key not in _BRUSHES:
        qcolour = QColor(colour)
        if faded:
            qcolour.setAlpha(70)
        _BRUSHES[key] = pg.mkBrush(qcolour)
    return _BRUSHES[key]


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
    return _brush("#ff0000" if unit.emergency else UNIT_COLOURS[unit.status], stale)


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


def _first_view(scenario: Scenario, display: Callable) -> dict[str, tuple[float, float]]:
    """Where the map opens: around the scenario's service zones (where the work is), or its
    whole region when it has none; every scenario opens on its own ground."""
    rings = [ring for _kind, ring in scenario.zones.values()]
    if rings:
        lons, lats = display([p[0] for ring in rings for p in ring],
                             [p[1] for ring in rings for p in ring])
    else:
        r = scenario.region
        lons, lats = display([r.min_lon, r.max_lon], [r.min_lat, r.max_lat])
    return {"xRange": (float(lons.min()), float(lons.max())),
            "yRange": (float(lats.min()), float(lats.max()))}


class MapView(QWidget):
    """Emits `incident_clicked(case)` when the dispatcher clicks an incident marker."""

    incident_clicked = Signal(str)
    incident_menu = Signal(str, QPoint)  # right-click on an incident: case, screen position
    unit_dropped = Signal(str, str)  # a unit dragged onto an incident: unit id, case
    unit_clicked = Signal(str)
    measured = Signal(float)  # metres between two Shift+clicks

    def __init__(self, scenario: Scenario, tiles: TileSource | None = None,
                 parent: QWidget | None = None, *,
                 status_text: Callable[[str], str] = str, live: bool = True) -> None:
        """`status_text` names a status in the user's language (the console's translation);
        `live` False: a map that only shows (the replay), whose legend offers no drag."""
        super().__init__(parent)
        # a status in the user's language, for the legend and hover texts
        self.status_text = status_text
        # overlays are WGS-84; on a GCJ-02 basemap they are drawn where its tiles put them
        self.gcj02 = tiles is not None and tiles.datum == GCJ02
        self.drag = UnitDragViewBox()
        self.plot = pg.PlotWidget(background=DAY_SEA, viewBox=self.drag)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        for axis in ("left", "bottom"):
            self.plot.getAxis(axis).setTextPen("#555")
        mid_lat = (scenario.region.min_lat + scenario.region.max_lat) / 2
        self.plot.setAspectLocked(True, ratio=1 / math.cos(math.radians(mid_lat)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.layers: dict[str, list] = {}  # layer name → its plot items
        self.hidden: set[str] = set()
        self.following: str | None = None
        self.tiles = TileLayer(self.plot, tiles) if tiles is not None else None
        self._draw_static(scenario, draw_land=tiles is None)
        self._incident_signature: tuple[int, int, int] | None = None
        self._state: CenterState | None = None  # the last state shown: hover texts read it
        tip = self._tip
        self.incident_layer = IncidentLayer(self.plot, _brush, STATUS_COLOURS, self.display, tip,
                                            scenario.clock_policy())
        self.incidents = self.incident_layer.markers
        self.incidents.sigClicked.connect(self._on_incident_clicked)
        self.selection = pg.ScatterPlotItem(size=30, symbol="o", brush=None,
                                            pen=pg.mkPen("#000", width=2.5))
        self.units = pg.ScatterPlotItem(size=13, symbol="d", pen=pg.mkPen("#111", width=1),
                                        hoverable=True, tip=tip)
        self.units.sigClicked.connect(
            lambda _item, points, _ev=None: len(points) and self.unit_clicked.emit(
                str(points[0].data())))
        self.selected_unit: str | None = None  # the board's selection, ringed on the map
        self.unit_selection = pg.ScatterPlotItem(size=28, symbol="s", brush=None,
                                                 pen=pg.mkPen("#000", width=2.5))
        self._unit_looks: list[tuple] = []  # each drawn unit's id and style, in order
        # one pixel wide: Qt draws thin lines directly, a wider pen is stroked as a polygon
        # (300 ten-minute trails took 180 ms a frame at 2 px, 12 ms at 1 px)
        self.trails = pg.PlotDataItem(pen=pg.mkPen(30, 90, 160, 200, width=1))
        self._trails: dict[str, deque] = {}
        self._trails_built = 0.0
        self.hot_spots = HotSpots(self.plot, scenario.region, self.display)
        self._history_count = -1
        self._history_loaded = -math.inf  # monotonic time of the last reload
        for item in self.hot_spots.items:
            item.setZValue(-50)  # over the basemap, under everything live
            self._add("history", item)
        for item in self.incident_layer.items:
            self._add("incidents", item)
        for layer, item in (("incidents", self.selection),
                            ("trails", self.trails), ("units", self.units),
                            ("units", self.unit_selection)):
            self._add(layer, item)
        self.unit_labels: dict[str, pg.TextItem] = {}
        self._labelled: set[str] = set()  # units whose label is shown now
        if scenario.demo:
            self.banner = QLabel(self.tr("DEMO DATA · synthetic roads"), self)
            self.banner.setObjectName("demoBanner")
            self.banner.setStyleSheet(
                "background:#b00020;color:white;font-weight:bold;padding:3px 8px;")
            self.banner.adjustSize()
            self.banner.move(8, 8)
        if tiles is not None:
            self.attribution = QLabel(tiles.attribution or tiles.name, self)
            self.attribution.setObjectName("attribution")
            self.attribution.setStyleSheet("background:rgba(255,255,255,180);padding:1px 4px;")
        self._build_layer_menu(tiles is not None)
        self._measure_from: tuple[float, float] | None = None
        self.plot.scene().sigMouseClicked.connect(self._on_scene_click)
        self.drag.unit_at = lambda pos: self._marker_at(self.units, pos)
        self.drag.incident_at = lambda pos: self._marker_at(self.incidents, pos)
        self.drag.dropped = self.unit_dropped.emit
        mid_lat = (scenario.region.min_lat + scenario.region.max_lat) / 2
        km = 1000 / (geodesy.EARTH_RADIUS_M * math.radians(1) * math.cos(math.radians(mid_lat)))
        scale = pg.ScaleBar(km, suffix="", brush="#333", pen="#333")  # 1 km in degrees of lon
        scale.setParentItem(self.plot.getViewBox())
        scale.anchor((1, 1), (1, 1), offset=(-70, -40))
        scale.text.setText("1 km")
        scale.text.setColor("#333")
        self.legend = QLabel(self._legend_html(live), self)
        self.legend.setObjectName("legend")
        self.legend.setStyleSheet(DAY_LEGEND)
        r = scenario.region
        # over the basemap, under everything drawn on it; shown at night (`set_night`)
        self.night_veil = QGraphicsRectItem(QRectF(r.min_lon - 1, r.min_lat - 1,
                                                   r.max_lon - r.min_lon + 2,
                                                   r.max_lat - r.min_lat + 2))
        self.night_veil.setBrush(QBrush(QColor(0, 0, 10, 150)))
        self.night_veil.setPen(QPen(Qt.PenStyle.NoPen))
        self.night_veil.setZValue(-50)
        self.night_veil.setVisible(False)
        self.plot.addItem(self.night_veil)
        self.night = False
        self.plot.setRange(**_first_view(scenario, self.display), padding=0.03)
        self.plot.setLimits(xMin=r.min_lon, xMax=r.max_lon, yMin=r.min_lat, yMax=r.max_lat)

    def display(self, lon, lat) -> tuple[np.ndarray, np.ndarray]:
        """WGS-84 → the basemap's datum (arrays in, arrays out)."""
        lon, lat = np.asarray(lon, dtype=float), np.asarray(lat, dtype=float)
        return wgs84_to_gcj02(lon, lat) if self.gcj02 else (lon, lat)

    def _ring(self, ring: Line) -> Line:
        xs, ys = self.display([p[0] for p in ring], [p[1] for p in ring])
        return list(zip(xs.tolist(), ys.tolist(), strict=True))

    def _build_layer_menu(self, with_tiles: bool) -> None:
        self.layer_button = QToolButton(self, text=self.tr("Layers"))
        self.layer_button.setObjectName("layersButton")
        self.layer_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.layer_button)
        names = [("tiles", self.tr("Basemap"))] if with_tiles else [("land", self.tr("Land"))]
        names += [("history", self.tr("History hot spots")),
                  ("zones", self.tr("Service zones")), ("roads", self.tr("Roads")),
                  ("posts", self.tr("Duty posts")), ("incidents", self.tr("Incidents")),
                  ("units", self.tr("Units")), ("trails", self.tr("Trails")),
                  ("labels", self.tr("Unit names"))]
        self.layer_actions = {}
        for layer, text in names:
            action = menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(True)
            action.toggled.connect(lambda on, name=layer: self.set_layer_visible(name, on))
            self.layer_actions[layer] = action
        self.layer_button.setMenu(menu)
        if with_tiles:  # the basemap draws the roads already
            self.layer_actions["roads"].setChecked(False)
        self.layer_actions["history"].setChecked(False)  # on demand: it is the past

    def resizeEvent(self, event) -> None:  # Qt override: overlays keep to their corners
        super().resizeEvent(event)
        self.layer_button.adjustSize()
        self.layer_button.move(self.width() - self.layer_button.width() - 8, 8)
        self.legend.adjustSize()
        self.legend.move(60, self.height() - self.legend.height() - 30)
        if self.tiles is not None:
            self.attribution.adjustSize()
            self.attribution.move(self.width() - self.attribution.width() - 4,
                                  self.height() - self.attribution.height() - 4)

    def _legend_html(self, live: bool) -> str:
        """Symbols explained: incident and unit colours by status, the clock rings."""
        def swatch(colour: str, shape: str) -> str:
            return f"<span style='color:{colour}'>{shape}</span>"

        said = self.status_text
        incidents = " ".join(swatch(STATUS_COLOURS[IncidentStatus(k)], "●") + said(k) for k in (
            "received", "triaged", "dispatched", "en_route", "on_scene"))
        units = " ".join(swatch(UNIT_COLOURS[UnitStatus(k)], "◆") + said(k) for k in (
            "available", "dispatched", "en_route", "on_scene"))
        rings = (swatch("#2ca02c", "◔") + self.tr("running") + " "
                 + swatch("#ff9900", "◕") + self.tr("6-minute warning") + " "
                 + swatch("#e00000", "○") + self.tr("breach"))
        drag = " · " + self.tr("drag a unit onto a case to dispatch") if live else ""
        return "<br>".join([
            self.tr("Cases") + " " + incidents,
            self.tr("Units") + " " + units + " " + self.tr("faded = old fix") + " "
            + swatch("#ff0000", "★") + self.tr("emergency"),
            self.tr("Rings: 8-minute clock") + " " + rings + drag])

    def set_night(self, night: bool) -> None:
        """The night shift's map: dark sea and land, the basemap dimmed under a dark veil, so
        incidents and units keep their colours and stand out in a darkened room."""
        self.night = night
        self.plot.setBackground(NIGHT_SEA if night else DAY_SEA)
        for land in self.layers.get("land", []):
            land.setBrush(QBrush(QColor(NIGHT_LAND if night else DAY_LAND)))
        self.night_veil.setVisible(night)
        self.legend.setStyleSheet(NIGHT_LEGEND if night else DAY_LEGEND)

    def _add(self, layer: str, item) -> None:
        self.layers.setdefault(layer, []).append(item)
        self.plot.addItem(item)

    def _draw_static(self, scenario: Scenario, draw_land: bool) -> None:
        if scenario.coastline and draw_land:
            land = _polygon_item(scenario.coastline, QPen(QColor("#9aa"), 0),
                                 QBrush(QColor(DAY_LAND)))
            self._add("land", land)
        for _kind, ring in ((k, self._ring(r)) for k, r in scenario.zones.values()):
            pen = QPen(QColor("#2a7"), 0)
            pen.setStyle(Qt.PenStyle.DashLine)
            self._add("zones", _polygon_item(ring, pen, QBrush(QColor(40, 170, 120, 28))))
        for name, (_kind, ring) in scenario.zones.items():
            label = pg.TextItem(name, color="#176", anchor=(0, 1))
            label.setPos(*self._ring(ring)[0])
            self._add("zones", label)
        xs, ys = self.display(*_nan_joined([line for _, line in scenario.roads]))
        self.roads = pg.PlotDataItem(xs, ys, connect="finite", pen=pg.mkPen("#bbb", width=2))
        self._add("roads", self.roads)
        posts = np.array(list(scenario.posts.values()))
        px, py = self.display(posts[:, 0], posts[:, 1])
        self._add("posts", pg.ScatterPlotItem(px, py, size=9, symbol="s", brush="#555",
                                              pen=None))

    def show_road_graph(self, graph: RoadGraph) -> None:
        """The roads layer from the routing graph (an OSM import): exactly the roads the ETAs
        ride on, one segment per edge pair, NaN-separated in one item."""
        a, b = graph.edge_from.astype(np.int64), graph.edge_to.astype(np.int64)  # a·n overflows
        keep = a < b  # a two-way street is two directed edges: draw it once
        one_way = ~np.isin(a * graph.node_count + b, b * graph.node_count + a)
        a, b = a[keep | one_way], b[keep | one_way]
        xs = np.column_stack([graph.lon[a], graph.lon[b], np.full(len(a), np.nan)]).ravel()
        ys = np.column_stack([graph.lat[a], graph.lat[b], np.full(len(a), np.nan)]).ravel()
        self.roads.setData(*self.display(xs, ys), connect="finite")

    def _tip(self, x: float, y: float, data: object) -> str:
        """The hover text of a case or unit, made when hovered: building 1,000 texts at
        every change of the incidents cost more than the markers themselves."""
        state, key = self._state, str(data)
        if state is None:
            return ""
        said = self.status_text
        if (i := state.incidents.get(key)) is not None:
            return f"{i.case} {i.address}\n{i.description[:40]}\n{said(i.status)} {i.unit_id or ''}"
        if (u := state.units.get(key)) is not None:
            return f"{u.unit_id} {u.name}\n{said(u.status)} {u.incident or ''}"
        return ""

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide a layer (land, zones, roads, posts, incidents, units, labels, tiles)."""
        if visible:
            self.hidden.discard(layer)
        else:
            self.hidden.add(layer)
        if layer == "tiles" and self.tiles is not None:
            self.tiles.set_visible(visible)
        if layer == "history":  # it picks points or density itself
            if visible and self._state is not None:
                self._show_history(self._state)  # current when shown
            self.hot_spots.set_visible(visible)
            return
        for item in self.layers.get(layer, []):
            item.setVisible(visible)
        for label in self.unit_labels.values():
            label.setVisible(label.isVisible() and "labels" not in self.hidden)

    def zoom_to(self, lons: list[float], lats: list[float]) -> None:
        """Fit the view to these points (all open incidents, a unit), with a margin; points
        without a position yet are left out."""
        known = [(x, y) for x, y in zip(lons, lats, strict=True)
                 if x is not None and y is not None]
        if not known:
            return
        lons, lats = zip(*known, strict=True)
        xs, ys = self.display(lons, lats)
        pad = 0.01
        self.plot.setRange(xRange=(xs.min() - pad, xs.max() + pad),
                           yRange=(ys.min() - pad, ys.max() + pad), padding=0.05)

    def show_point(self, lon: float | None, lat: float | None) -> None:
        """Bring a place into view at the current zoom: a dispatcher who looks up a case or a
        unit keeps the overview; a place already in view leaves the map where it is."""
        if lon is None or lat is None:
            return
        xs, ys = self.display([lon], [lat])
        x, y = float(xs[0]), float(ys[0])
        (west, east), (south, north) = self.plot.viewRange()
        if west < x < east and south < y < north:
            return
        half_w, half_h = (east - west) / 2, (north - south) / 2
        self.plot.setRange(xRange=(x - half_w, x + half_w), yRange=(y - half_h, y + half_h),
                           padding=0)

    def follow(self, unit_id: str | None) -> None:
        self.following = unit_id

    def save_png(self, path: str) -> bool:
        return self.grab().save(path)

    def show_state(self, state: CenterState, selected: str | None) -> None:
        self._state = state
        signature = (id(state), state.incident_version, len(state.incidents))
        if signature != self._incident_signature:  # incidents rarely change: skip if same
            self._incident_signature = signature
            open_incidents = [i for i in state.incidents.values() if i.status not in TERMINAL]
            self.incident_layer.show(open_incidents)
            self._show_history(state)
        else:
            self.incident_layer.show(None)
        chosen = state.incidents.get(selected or "")
        sx, sy = self.display([chosen.lon] if chosen else [], [chosen.lat] if chosen else [])
        self.selection.setData(x=sx, y=sy)
        units = [u for u in state.units.values() if u.lon is not None]
        now = utc_now()
        ux, uy = self.display([u.lon for u in units], [u.lat for u in units])
        self._draw_trails(units, ux, uy, now)
        ux, uy = fan_out(ux, uy, *self.plot.getViewBox().viewPixelSize())  # none hides another
        looks = [(u.unit_id, _unit_brush(u, now), u.emergency, _unit_symbol(u)) for u in units]
        if looks == self._unit_looks:
            _move_points(self.units, ux, uy)
        else:
            self._unit_looks = looks
            self.units.setData(x=ux, y=uy, data=[u.unit_id for u in units],
                               brush=[brush for _id, brush, _e, _s in looks],
                               size=[22 if u.emergency else 14 for u in units],
                               symbol=[symbol for _id, _b, _e, symbol in looks])
        ringed = [n for n, u in enumerate(units) if u.unit_id == self.selected_unit]
        self.unit_selection.setData(x=ux[ringed], y=uy[ringed])
        self._label_units(units, ux, uy)

    def _show_history(self, state: CenterState) -> None:
        """Finished incidents feed the hot-spot layer, reloaded when their number changes:
        at once while the layer is shown, at most once a HISTORY_RELOAD_S while it is hidden
        (its default), since the reload walks the whole day and incidents change all day."""
        hidden = "history" in self.hidden
        if hidden and time.monotonic() - self._history_loaded < HISTORY_RELOAD_S:
            return
        past = [i for i in state.incidents.values() if i.status in TERMINAL]
        if len(past) != self._history_count:
            self._history_count = len(past)
            self._history_loaded = time.monotonic()
            self.hot_spots.load(np.array([i.lon for i in past]), np.array([i.lat for i in past]))

    def _draw_trails(self, units: list[Unit], ux: np.ndarray, uy: np.ndarray,
                     now: datetime) -> None:
        """Each unit's path over the last TRAIL_S seconds, all in one NaN-separated line,
        rebuilt at most once a second (fixes come at 1 Hz; frames much faster). A point is
        kept every TRAIL_STEP_S (and the line ends where the unit is now), not every fix: a
        line of every fix of 300 units is 180,000 points to draw at every frame."""
        if time.monotonic() - self._trails_built < 1.0:
            return
        self._trails_built = time.monotonic()
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

    def _label_units(self, units: list[Unit], ux: np.ndarray, uy: np.ndarray) -> None:
        """Names only when few units are in view: 300 labels at island scale are noise, and
        each costs a text render per frame."""
        (west, east), (south, north) = self.plot.viewRange()
        inside = (ux >= west) & (ux <= east) & (uy >= south) & (uy <= north)
        show = int(np.count_nonzero(inside)) <= MAX_LABELS and "labels" not in self.hidden
        index = {u.unit_id: n for n, u in enumerate(units)}
        if self.following in index:
            n = index[self.following]
            half_w, half_h = (east - west) / 2, (north - south) / 2
            if not (west + half_w / 2 < ux[n] < east - half_w / 2
                    and south + half_h / 2 < uy[n] < north - half_h / 2):
                self.plot.setRange(xRange=(ux[n] - half_w, ux[n] + half_w),
                                   yRange=(uy[n] - half_h, uy[n] + half_h), padding=0)
        if not show:  # the usual island view: hide what was shown, touch nothing else
            for unit_id in self._labelled:
                self.unit_labels[unit_id].setVisible(False)
            self._labelled.clear()
            return
        for unit, x, y, visible in zip(units, ux.tolist(), uy.tolist(), inside.tolist(),
                                       strict=True):
            label = self.unit_labels.get(unit.unit_id)
            if label is None:
                label = pg.TextItem(unit.unit_id, color="#123", anchor=(-0.15, 0.5))
                self.plot.addItem(label)
                self.unit_labels[unit.unit_id] = label
            label.setVisible(visible)
            if visible:
                label.setPos(x, y)
                self._labelled.add(unit.unit_id)
            else:
                self._labelled.discard(unit.unit_id)

    @staticmethod
    def _marker_at(item: pg.ScatterPlotItem, scene_pos) -> str | None:
        """The id (unit or case) of the visible marker under a scene position, if any."""
        if not item.isVisible():
            return None
        points = item.pointsAt(item.mapFromScene(scene_pos))
        return str(points[0].data()) if len(points) else None

    def _on_incident_clicked(self, _item, points, event=None) -> None:
        if not len(points):
            return
        case = points[0].data()
        if event is not None and event.button() == Qt.MouseButton.RightButton:
            self.incident_menu.emit(case, event.screenPos().toPoint())
        else:
            self.incident_clicked.emit(case)

    def _on_scene_click(self, event) -> None:
        """Shift+click two places to measure the distance between them."""
        if not event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            return
        point = self.plot.getViewBox().mapSceneToView(event.scenePos())
        self.measure_click(point.x(), point.y())

    def measure_click(self, x: float, y: float) -> float | None:
        """First call sets the start, second returns the metres to it (in WGS-84 terms)."""
        lon, lat = self.to_wgs84(x, y)
        if self._measure_from is None:
            self._measure_from = (lon, lat)
            return None
        metres = geodesy.distance_m(*self._measure_from, lon, lat)
        self._measure_from = None
        self.measured.emit(metres)
        return metres

    def to_wgs84(self, x: float, y: float) -> tuple[float, float]:
        if not self.gcj02:
            return x, y
        lon, lat = gcj02_to_wgs84(x, y)
        return float(lon), float(lat)
