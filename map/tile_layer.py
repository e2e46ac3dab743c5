"""The basemap under the live map: tiles fetched and decoded off the UI thread, placed as
image items in the view's coordinates, a bounded number kept.

A missing tile (not in the pack, server down) leaves its square empty and never blocks or
raises; the view asks again when it next moves there.
"""

from __future__ import annotations

import logging
import math
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem

from map.projection import tile_bounds, tile_of
from map.tiles import TileSource

log = logging.getLogger(__name__)

MAX_TILES = 256
TILE_PX = 256

Transform = Callable[[float, float], tuple[float, float]]


class TileLayer(QObject):
    """Emits `tile_loaded` from worker threads; Qt queues it to the UI thread."""

    tile_loaded = Signal(int, int, int, object)  # z, x, y, decoded QImage (off the UI thread)

    def __init__(self, plot: pg.PlotWidget, source: TileSource) -> None:
        super().__init__(plot)
        self.plot, self.source = plot, source
        self.items: OrderedDict[tuple[int, int, int], QGraphicsPixmapItem] = OrderedDict()
        self._pending: set[tuple[int, int, int]] = set()
        self._pool = ThreadPoolExecutor(4, "tiles")
        self.zoom = source.min_zoom
        self.visible = True
        self.closed = False
        self._debounce = QTimer(self, singleShot=True, interval=60, timeout=self.update_tiles)
        self.tile_loaded.connect(self._place)
        plot.sigRangeChanged.connect(lambda *_: self._debounce.start())

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        for item in self.items.values():
            item.setVisible(visible)

    def close(self) -> None:
        """Stop fetching (the window is closing): no new request is scheduled after this."""
        self.closed = True
        self._debounce.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _zoom_for(self, lon_span: float, width_px: int) -> int:
        """The zoom whose tiles show at 215–430 px: sharp enough, and about a third as many
        tiles to paint each frame as rounding to the nearest zoom would fetch."""
        wanted = math.log2(max(1e-9, 360.0 * width_px / (TILE_PX * max(lon_span, 1e-9))))
        return int(min(self.source.max_zoom, max(self.source.min_zoom,
                                                 math.floor(wanted + 0.25))))

    def update_tiles(self) -> None:
        if self.closed:
            return
        (west, east), (south, north) = self.plot.viewRange()
        self.zoom = self._zoom_for(east - west, max(1, self.plot.width()))
        x0, y0 = tile_of(west, north, self.zoom)
        x1, y1 = tile_of(east, south, self.zoom)
        wanted = [(self.zoom, x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]
        for key in wanted[: MAX_TILES // 2]:
            if key in self.items:
                self.items.move_to_end(key)
            elif key not in self._pending:
                self._pending.add(key)
                self._pool.submit(self._fetch, *key)
        for key in [k for k in self.items if k[0] != self.zoom]:  # other zoom levels go
            self.plot.removeItem(self.items.pop(key))

    def _fetch(self, z: int, x: int, y: int) -> None:
        try:
            data = self.source.get(z, x, y)
            image = QImage.fromData(data) if data else QImage()
        except Exception:  # a broken tile or pack must not take the map down
            log.exception("tile %d/%d/%d failed", z, x, y)
            image = QImage()
        self.tile_loaded.emit(z, x, y, None if image.isNull() else image)

    def _place(self, z: int, x: int, y: int, image: QImage | None) -> None:
        self._pending.discard((z, x, y))
        if image is None or z != self.zoom:
            return
        west, south, east, north = tile_bounds(x, y, z)
        # a plain pixmap item, not pyqtgraph's ImageItem: no levels or lookup table to apply
        # (ImageItem with fixed levels cost ~3 ms a frame for 25 tiles in bench/map_render.py)
        item = QGraphicsPixmapItem(QPixmap.fromImage(image))
        item.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        # pixel rows run south from the tile's north-west corner; the plot's y grows north
        item.setTransform(QTransform.fromScale((east - west) / image.width(),
                                               -(north - south) / image.height()))
        item.setPos(west, north)
        item.setZValue(-100)
        # tiles do not change between frames: blit a cached render instead of rescaling
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        item.setVisible(self.visible)
        self.plot.addItem(item)
        self.items[(z, x, y)] = item
        while len(self.items) > MAX_TILES:
            self.plot.removeItem(self.items.popitem(last=False)[1])
