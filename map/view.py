"""The live map: a pyqtgraph view of the region, zones, roads, incidents and units.

Fed, not owning: `show` takes the current state and updates existing items with numpy arrays
(setData), so a refresh costs a few array copies, not a rebuild of the scene. Static layers
(coast, roads as one NaN-separated polyline, zones, posts) are drawn once.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPoint, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import (
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
from dispatch.state import CenterState, Unit, UnitStatus
from map.ground_layers import DAY_LAND, GroundLayers
from map.hot_spots import HotSpots
from map.incident_layer import IncidentLayer
from map.projection import gcj02_to_wgs84, wgs84_to_gcj02
from map.roads import RoadGraph
from map.styles import STATUS_COLOURS, UNIT_COLOURS, brush
from map.tile_layer import TileLayer
from map.tiles import GCJ02, TileSource
from map.unit_drag import UnitDragViewBox
from map.unit_layer import UnitLayer
from resources.scenario import Scenario

DAY_SEA, NIGHT_SEA = "#cfe3f3", "#0d1822"
NIGHT_LAND = "#2a2e35"
DAY_LEGEND = "background:rgba(255,255,255,200);padding:3px;font-size:11px;"
NIGHT_LEGEND = "background:rgba(30,30,34,220);color:#ddd;padding:3px;font-size:11px;"
HISTORY_RELOAD_S = 60.0  # the hidden hot-spot layer follows the day at most this often


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
        # pyqtgraph's ratio is pixels per x unit over pixels per y unit: a degree of longitude
        # is cos(latitude) of a degree of latitude on the ground, so it gets that many pixels
        self.plot.setAspectLocked(True, ratio=math.cos(math.radians(mid_lat)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self.layers: dict[str, list] = {}  # layer name → its plot items
        self.hidden: set[str] = set()
        self.following: str | None = None
        self.tiles = TileLayer(self.plot, tiles) if tiles is not None else None
        self.ground = GroundLayers(scenario, self.display, self._add, draw_land=tiles is None)
        self._incident_signature: tuple[int, int, int] | None = None
        self._state: CenterState | None = None  # the last state shown: hover texts read it
        tip = self._tip
        self.incident_layer = IncidentLayer(self.plot, brush, STATUS_COLOURS, self.display, tip,
                                            scenario.clock_policy())
        self.incidents = self.incident_layer.markers
        self.incidents.sigClicked.connect(self._on_incident_clicked)
        self.selection = pg.ScatterPlotItem(size=30, symbol="o", brush=None,
                                            pen=pg.mkPen("#000", width=2.5))
        self.unit_layer = UnitLayer(self.plot, tip)
        self.units = self.unit_layer.units
        self.units.sigClicked.connect(
            lambda _item, points, _ev=None: len(points) and self.unit_clicked.emit(
                str(points[0].data())))
        self.hot_spots = HotSpots(self.plot, scenario.region, self.display)
        self._history_count = -1
        self._history_loaded = -math.inf  # monotonic time of the last reload
        for item in self.hot_spots.items:
            item.setZValue(-50)  # over the basemap, under everything live
            self._add("history", item)
        for item in self.incident_layer.items:
            self._add("incidents", item)
        for layer, item in (("incidents", self.selection),
                            ("trails", self.unit_layer.trails), ("units", self.units),
                            ("units", self.unit_layer.selection)):
            self._add(layer, item)
        if scenario.demo:
            self.banner = QLabel(self.tr("DEMO DATA · synthetic roads")
                                 if scenario.osm_path is None
                                 else self.tr("DEMO DATA · OpenStreetMap roads"), self)
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

    def show_road_graph(self, graph: RoadGraph) -> None:
        self.ground.show_road_graph(graph)

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
        for label in self.unit_layer.labels.values():
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
        ux, uy = self.display([u.lon for u in units], [u.lat for u in units])
        ux, uy = self.unit_layer.show(units, ux, uy, utc_now(), "labels" not in self.hidden)
        self._keep_followed_in_view(units, ux, uy)

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

    def _keep_followed_in_view(self, units: list[Unit], ux: np.ndarray,
                               uy: np.ndarray) -> None:
        """The followed unit stays in the middle half of the view: the map pans when it
        nears an edge, at the dispatcher's zoom."""
        index = {u.unit_id: n for n, u in enumerate(units)}
        if self.following not in index:
            return
        n = index[self.following]
        (west, east), (south, north) = self.plot.viewRange()
        half_w, half_h = (east - west) / 2, (north - south) / 2
        if not (west + half_w / 2 < ux[n] < east - half_w / 2
                and south + half_h / 2 < uy[n] < north - half_h / 2):
            self.plot.setRange(xRange=(ux[n] - half_w, ux[n] + half_w),
                               yRange=(uy[n] - half_h, uy[n] + half_h), padding=0)

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
