"""A static layer of many points (history: every accident of past months), drawn as a density
image when zoomed out and as points only when few enough are in view to read.

A scatter item of 100,000 points costs tens of milliseconds every frame; one density image
costs what one tile costs. The image is built once per load with numpy (histogram2d); the
points get a single shared symbol and pen, so pyqtgraph draws them without Python per point.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from dispatch.config import Region

GRID = 512  # density cells across the region
POINTS_BELOW = 4000  # draw the points themselves when at most this many are in view
_HEAT = pg.ColorMap([0.0, 0.35, 0.7, 1.0],
                    [(255, 255, 178, 0), (254, 178, 76, 150), (240, 59, 32, 190),
                     (189, 0, 38, 220)])


class HotSpots:
    """Owns a density image and a point item on one plot."""

    def __init__(self, plot: pg.PlotWidget, region: Region, display: Callable) -> None:
        self.plot, self.region, self._display = plot, region, display
        self.density = pg.ImageItem(axisOrder="row-major")
        self.density.setLookupTable(_HEAT.getLookupTable(nPts=256, alpha=True))
        self.points = pg.ScatterPlotItem(size=4, symbol="o", pen=None,
                                         brush=pg.mkBrush(160, 30, 30, 150))
        self.items = [self.density, self.points]
        self._x = self._y = np.array([])
        self.visible = True
        plot.sigRangeChanged.connect(lambda *_: self._choose())

    def load(self, lon: np.ndarray, lat: np.ndarray) -> None:
        x, y = self._display(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
        self._x, self._y = x, y
        r = self.region
        (west, east), (south, north) = self._display([r.min_lon, r.max_lon],
                                                     [r.min_lat, r.max_lat])
        counts, _, _ = np.histogram2d(y, x, bins=GRID, range=[[south, north], [west, east]])
        image = np.log1p(counts)
        self.density.setImage(image, levels=(0.0, max(float(image.max()), 1.0)))
        self.density.setRect(QRectF(west, south, east - west, north - south))
        self.points.setData(x=x, y=y)
        self._choose()

    def set_visible(self, visible: bool) -> None:
        self.visible = visible
        self._choose()

    def _choose(self) -> None:
        """Points when few are in view, else the density image."""
        (west, east), (south, north) = self.plot.viewRange()
        inside = np.count_nonzero((self._x >= west) & (self._x <= east)
                                  & (self._y >= south) & (self._y <= north))
        few = bool(inside <= POINTS_BELOW)
        self.points.setVisible(self.visible and few)
        self.density.setVisible(self.visible and not few)
