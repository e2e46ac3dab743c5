"""The basemap of the day map, carried inside the page: the tiles of the local pack that cover
the region, inlined once each (the pack's many identical sea and field tiles share one copy).

A tile server URL would break the page on a machine without the server; a folder of tiles
beside the page breaks when the page is mailed. So the page carries the few hundred tiles a
region needs at the zooms a shift lead looks at, and stops at a size limit.
"""

from __future__ import annotations

import base64
import hashlib
import html

from folium.map import Layer
from jinja2 import Template

from dispatch.config import Region
from map.progress import Progress
from map.projection import tile_of
from map.tiles import TileSource

MAX_TILES = 4000  # ≈ zoom 10–15 over a city; higher zooms are dropped first
MAX_NATIVE_ZOOM = 16
_BLANK = "data:image/gif;base64,R0lGODlhAQABAAAAACH5BAEKAAEALAAAAAABAAEAAAICTAEAOw=="


class InlineTileLayer(Layer):
    """A Leaflet tile layer whose tiles are data: URIs in the page."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = (function () {
            var images = {{ this.images|tojson }};
            var index = {{ this.index|tojson }};
            var Pack = L.TileLayer.extend({
                getTileUrl: function (c) {
                    var i = index[c.z + "/" + c.x + "/" + c.y];
                    return i === undefined ? {{ this.blank|tojson }} : images[i];
                }
            });
            return new Pack("", {{ this.options|tojson }});
        })();
        {% endmacro %}
        """)

    def __init__(self, name: str, images: list[str], index: dict[str, int],
                 options: dict) -> None:
        super().__init__(name=name, overlay=False, control=True)
        self._name = "InlineTileLayer"
        self.images, self.index, self.options, self.blank = images, index, options, _BLANK


def _tiles_at(region: Region, zoom: int) -> int:
    x0, y0 = tile_of(region.min_lon, region.max_lat, zoom)
    x1, y1 = tile_of(region.max_lon, region.min_lat, zoom)
    return (x1 - x0 + 1) * (y1 - y0 + 1)


def zooms_to_inline(source: TileSource, region: Region) -> list[int]:
    """The pack's zooms from its lowest up, as long as the region stays under MAX_TILES."""
    chosen, total = [], 0
    for z in range(source.min_zoom, min(source.max_zoom, MAX_NATIVE_ZOOM) + 1):
        total += _tiles_at(region, z)
        if total > MAX_TILES:
            break
        chosen.append(z)
    return chosen


def inline_tile_layer(source: TileSource, region: Region) -> tuple[InlineTileLayer, int]:
    """The layer and how many tiles it carries."""
    images: list[str] = []
    seen: dict[str, int] = {}
    index: dict[str, int] = {}
    zooms = zooms_to_inline(source, region)
    progress = Progress("export-map basemap tiles", sum(_tiles_at(region, z) for z in zooms))
    for z in zooms:
        x0, y0 = tile_of(region.min_lon, region.max_lat, z)
        x1, y1 = tile_of(region.max_lon, region.min_lat, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                data = source.get(z, x, y)
                if not data:
                    continue
                digest = hashlib.sha1(data).hexdigest()
                if digest not in seen:
                    seen[digest] = len(images)
                    images.append("data:image/png;base64," + base64.b64encode(data).decode())
                index[f"{z}/{x}/{y}"] = seen[digest]
            progress.advance(y1 - y0 + 1)  # a column of tiles per batch
    options = {"minZoom": min(zooms, default=source.min_zoom), "maxZoom": 19,
               "maxNativeZoom": max(zooms, default=source.max_zoom),
               "attribution": html.escape(source.attribution or source.name)}
    return InlineTileLayer(f"底图 {source.name}", images, index, options), len(index)

