"""Raster basemap tiles drawn with QPainter from the features of an OSM extract.

Per zoom level the geometry is simplified to half a pixel once and put in an STRtree; each
tile then queries the tree, clips what it found to its square (plus a margin, so line caps
and casings never show a seam) and draws each kind as one QPainterPath built from numpy with
pyqtgraph's `arrayToQPath` — no Python loop per vertex.

Labels are placed once per zoom over the whole region (greedy, by priority, no overlaps),
then each tile draws the labels that touch it, so a name cut by a tile edge continues
exactly in the neighbouring tile.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass

import numpy as np
import shapely
from pyqtgraph.functions import arrayToQPath
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
    QPen,
)

from map.osm_features import PLACE_ZOOM, Features

TILE_PX = 256
MARGIN_PX = 16

# colours after OpenStreetMap Carto, paler so live markers stand out on top
BACKGROUND_LAND = "#f2efe9"
SEA = "#aad3df"
AREA_STYLE: dict[str, tuple[str, int]] = {  # kind → (fill, first zoom)
    "farmland": ("#eef0d5", 10), "residential": ("#e0dfdf", 10),
    "commercial": ("#f2dad9", 11), "industrial": ("#ebdbe8", 11), "grass": ("#cdebb0", 10),
    "forest": ("#add19e", 10), "rock": ("#eee5dc", 10), "water": (SEA, 0),
    "building": ("#d9d0c9", 14),
}
# road kind → (fill, casing, width px at z15, first zoom), drawn from the last to the first
ROAD_STYLE: dict[str, tuple[str, str, float, int]] = {
    "motorway": ("#e892a2", "#dc2a67", 9.0, 0), "trunk": ("#f9b29c", "#c84e2f", 9.0, 0),
    "primary": ("#fcd6a4", "#a06b00", 8.5, 0), "secondary": ("#f7fabf", "#707d05", 8.0, 9),
    "tertiary": ("#ffffff", "#8f8f8f", 7.0, 11), "minor": ("#ffffff", "#b8b8b8", 5.0, 13),
    "service": ("#ffffff", "#c4c4c4", 3.0, 14), "path": ("#fa8072", "", 1.2, 15),
}
LABEL_REPEAT_PX = 320  # a road's name again after this many pixels along it
ROAD_LABEL_ZOOM = {"motorway": 13, "trunk": 13, "primary": 13, "secondary": 14,
                   "tertiary": 15, "minor": 16, "service": 17}


def road_width(kind: str, zoom: int) -> float:
    return max(0.6, ROAD_STYLE[kind][2] * 2.0 ** ((zoom - 15) * 0.55))


@dataclass(frozen=True)
class Label:
    text: str
    x: float  # centre in world pixels at this zoom
    y: float
    angle: float  # degrees, text kept upright
    size: float
    bold: bool
    box: tuple[float, float, float, float]  # axis-aligned, world pixels at this zoom


class _Layer:
    """One kind at one zoom: simplified geometry and its spatial index."""

    def __init__(self, geometries: list, tolerance: float) -> None:
        simplified = shapely.simplify(np.array(geometries, dtype=object), tolerance)
        self.geoms = simplified[~shapely.is_empty(simplified)]
        self.tree = shapely.STRtree(self.geoms)

    def clipped(self, box: tuple[float, float, float, float]) -> np.ndarray:
        hits = self.tree.query(shapely.box(*box))
        if not len(hits):
            return hits
        clipped = shapely.clip_by_rect(self.geoms[np.sort(hits)], *box)
        return clipped[~shapely.is_empty(clipped)]


class ZoomScene:
    """Everything needed to draw any tile of one zoom level."""

    def __init__(self, features: Features, zoom: int) -> None:
        self.zoom = zoom
        self.scale = float(2 ** zoom)  # world px at zoom 0 → px at this zoom
        tolerance = 0.5 / self.scale
        self.at_sea = features.at_sea
        self.sea = _Layer(features.sea, tolerance) if features.sea else None
        self.islands = _Layer(features.islands, tolerance) if features.islands else None
        self.areas = {kind: _Layer(geoms, tolerance)
                      for kind, (_, first) in AREA_STYLE.items()
                      if zoom >= first and (geoms := features.areas.get(kind))}
        self.waterways = _Layer(features.waterways, tolerance) if features.waterways else None
        self.railways = (_Layer(features.railways, tolerance)
                         if features.railways and zoom >= 11 else None)
        self.roads = {kind: _Layer(geoms, tolerance)
                      for kind, (*_, first) in ROAD_STYLE.items()
                      if zoom >= first and (geoms := features.roads.get(kind))}
        self.labels = place_labels(features, zoom)

    def render(self, x: int, y: int) -> QImage:
        image = QImage(TILE_PX, TILE_PX, QImage.Format.Format_RGB32)
        image.fill(QColor(SEA if self.at_sea else BACKGROUND_LAND))
        margin = MARGIN_PX / self.scale
        x0, y0 = x * TILE_PX / self.scale, y * TILE_PX / self.scale
        box = (x0 - margin, y0 - margin, x0 + (TILE_PX + MARGIN_PX) / self.scale,
               y0 + (TILE_PX + MARGIN_PX) / self.scale)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(-x * TILE_PX, -y * TILE_PX)
        painter.scale(self.scale, self.scale)  # paths stay in world px at zoom 0
        no_pen = QPen(Qt.PenStyle.NoPen)
        if self.sea:
            self._fill(painter, self.sea.clipped(box), SEA, no_pen)
        if self.islands:
            self._fill(painter, self.islands.clipped(box), BACKGROUND_LAND, no_pen)
        for kind, layer in self.areas.items():
            self._fill(painter, layer.clipped(box), AREA_STYLE[kind][0], no_pen)
        if self.waterways:
            self._stroke(painter, self.waterways.clipped(box), SEA, 1.0 + self.zoom / 8)
        if self.railways:
            self._stroke(painter, self.railways.clipped(box), "#909090", 1.6,
                         Qt.PenStyle.DashLine)
        self._draw_roads(painter, box)
        painter.resetTransform()
        painter.translate(-x * TILE_PX, -y * TILE_PX)
        self._draw_labels(painter, x * TILE_PX, y * TILE_PX)
        painter.end()
        return image

    def _draw_roads(self, painter: QPainter, box) -> None:
        order = list(reversed(ROAD_STYLE))  # minor roads first, motorways on top
        clipped = {kind: self.roads[kind].clipped(box) for kind in order if kind in self.roads}
        for kind, geoms in clipped.items():  # all casings under all fills: junctions join
            _, casing, *_ = ROAD_STYLE[kind]
            if casing and self.zoom >= 12:
                self._stroke(painter, geoms, casing, road_width(kind, self.zoom) + 1.6)
        for kind, geoms in clipped.items():
            fill = ROAD_STYLE[kind][0]
            style = Qt.PenStyle.DotLine if kind == "path" else Qt.PenStyle.SolidLine
            self._stroke(painter, geoms, fill, road_width(kind, self.zoom), style)

    def _fill(self, painter: QPainter, geoms: np.ndarray, colour: str, pen: QPen) -> None:
        if len(geoms):
            rings = shapely.get_rings(shapely.get_parts(geoms))
            path = _path(rings)
            if path is not None:
                painter.setPen(pen)
                painter.setBrush(QBrush(QColor(colour)))
                painter.drawPath(path)

    def _stroke(self, painter: QPainter, geoms: np.ndarray, colour: str, width_px: float,
                style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> None:
        if not len(geoms):
            return
        path = _path(shapely.get_parts(geoms))
        if path is None:
            return
        pen = QPen(QColor(colour), width_px / self.scale, style, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)

    def _draw_labels(self, painter: QPainter, left: float, top: float) -> None:
        tile = (left - MARGIN_PX, top - MARGIN_PX, left + TILE_PX + MARGIN_PX,
                top + TILE_PX + MARGIN_PX)
        halo = QPainterPathStroker()
        halo.setWidth(3.0)
        halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        for label in self.labels:
            bx0, by0, bx1, by1 = label.box
            if bx1 < tile[0] or bx0 > tile[2] or by1 < tile[1] or by0 > tile[3]:
                continue
            path = _text_path(label)
            painter.save()
            painter.translate(label.x, label.y)
            painter.rotate(label.angle)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 220))
            painter.drawPath(halo.createStroke(path))
            painter.setBrush(QColor("#333333"))
            painter.drawPath(path)
            painter.restore()


def _path(geoms: np.ndarray) -> QPainterPath | None:
    """One path for many lines or rings: breaks between parts, no Python loop per vertex."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    if len(coords) < 2:
        return None
    connect = np.zeros(len(coords), dtype=np.int32)
    connect[:-1] = index[1:] == index[:-1]
    return arrayToQPath(coords[:, 0], coords[:, 1], connect=connect)


def _font(label: Label) -> QFont:
    font = QFont()
    font.setPixelSize(round(label.size))
    font.setBold(label.bold)
    return font


def _text_path(label: Label) -> QPainterPath:
    font = _font(label)
    width = QFontMetricsF(font).horizontalAdvance(label.text)
    path = QPainterPath()
    path.addText(QPointF(-width / 2, label.size * 0.35), font, label.text)
    return path


def place_labels(features: Features, zoom: int) -> list[Label]:
    """Greedy placement over the whole region: places by rank, then road names by class,
    each kept only where it overlaps nothing already placed."""
    scale = 2.0 ** zoom
    candidates: list[Label] = []
    rank = list(PLACE_ZOOM)
    for kind, name, x, y in sorted(features.places, key=lambda p: rank.index(p[0])):
        if zoom >= PLACE_ZOOM[kind]:
            size = 15.0 if kind in ("city", "town", "island") else 12.0
            candidates.append(_label(name, x * scale, y * scale, 0.0, size, True))
    road_rank = list(ROAD_LABEL_ZOOM)
    roads = []  # (class rank, nth label of its road, label)
    for kind, name, line in features.road_names:
        if kind in ROAD_LABEL_ZOOM and zoom >= ROAD_LABEL_ZOOM[kind]:
            roads += [(road_rank.index(kind), nth, label)
                      for nth, label in enumerate(_road_labels(name, line, scale))]
    # every road's first label before any road's second: a long street does not crowd out
    # the names of the streets placed after it
    candidates += [label for *_, label in sorted(roads, key=lambda r: r[:2])]
    placed: list[Label] = []
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}
    cell = 128.0
    for label in candidates:
        x0, y0, x1, y1 = label.box
        cells = [(i, j) for i in range(int(x0 // cell), int(x1 // cell) + 1)
                 for j in range(int(y0 // cell), int(y1 // cell) + 1)]
        if any(not (b[2] < x0 or b[0] > x1 or b[3] < y0 or b[1] > y1)
               for c in cells for b in grid.get(c, ())):
            continue
        placed.append(label)
        for c in cells:
            grid.setdefault(c, []).append(label.box)
    return placed


def _label(text: str, x: float, y: float, angle: float, size: float, bold: bool) -> Label:
    font = QFont()
    font.setPixelSize(round(size))
    font.setBold(bold)
    half_w = QFontMetricsF(font).horizontalAdvance(text) / 2 + 3
    half_h = size / 2 + 3
    a = math.radians(angle)
    ex = abs(half_w * math.cos(a)) + abs(half_h * math.sin(a))
    ey = abs(half_w * math.sin(a)) + abs(half_h * math.cos(a))
    return Label(text, x, y, angle, size, bold, (x - ex, y - ey, x + ex, y + ey))


def _road_labels(name: str, line, scale: float) -> list[Label]:
    """The name along the road's straight stretches long enough for it, repeated every
    LABEL_REPEAT_PX on a long one (a street across a town is named more than once, as on any
    map), the middle one first. Each sits mid-block when the block is long enough for it:
    the road's vertices are its junctions, and a name across a crossing reads badly."""
    xy = shapely.get_coordinates(line) * scale
    if len(xy) < 2:
        return []
    probe = _label(name, 0, 0, 0, 11.0, False)
    needed = (probe.box[2] - probe.box[0]) + 10
    straight = shapely.get_coordinates(shapely.simplify(shapely.LineString(xy), 1.0))
    # parallel streets of one length would carry their names in lock-step rows: each name
    # shifts its labels by its own fraction of the repeat (crc32: the same in every build)
    phase = zlib.crc32(name.encode()) % 1000 / 1000 * 0.6 - 0.3
    labels = []
    for start, end in zip(straight, straight[1:], strict=False):
        step = end - start
        length = float(np.hypot(*step))
        if length < needed:
            continue
        count = max(1, int(length // LABEL_REPEAT_PX))
        angle = math.degrees(math.atan2(step[1], step[0]))
        if angle > 90:
            angle -= 180
        elif angle < -90:
            angle += 180
        middle = (count - 1) / 2
        for k in sorted(range(count), key=lambda k: abs(k - middle)):
            x, y = _mid_block(xy, start + step * (k + 0.5 + phase) / count, needed)
            labels.append(_label(name, x, y, angle, 11.0, False))
    return labels


def _mid_block(xy: np.ndarray, point: np.ndarray, needed: float) -> tuple[float, float]:
    """The middle of the road's segment nearest `point` if the name fits in it; else the
    point itself."""
    starts, steps = xy[:-1], np.diff(xy, axis=0)
    lengths = np.hypot(steps[:, 0], steps[:, 1])
    along = np.clip(np.einsum("ij,ij->i", point - starts, steps) / np.maximum(lengths, 1e-9)
                    ** 2, 0, 1)
    gaps = np.hypot(*(starts + steps * along[:, None] - point).T)
    k = int(np.argmin(gaps))
    if lengths[k] >= needed:
        point = starts[k] + steps[k] / 2
    return float(point[0]), float(point[1])


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def tile_range(bounds: tuple[float, float, float, float], zoom: int):
    """The tiles (x, y) of one zoom covering a world-pixel box."""
    scale = 2 ** zoom / TILE_PX
    x0, y0, x1, y1 = bounds
    last = 2 ** zoom - 1
    for tx in range(max(0, int(x0 * scale)), min(last, int(x1 * scale)) + 1):
        for ty in range(max(0, int(y0 * scale)), min(last, int(y1 * scale)) + 1):
            yield tx, ty

