"""Offline basemaps: an MBTiles pack and an XYZ server with disk cache, drawn by the map."""

from __future__ import annotations

import http.server
import sqlite3
import threading
from functools import partial
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from dispatch import geodesy
from map.projection import tile_of, wgs84_to_gcj02
from map.tiles import GCJ02, MBTilesSource, XyzSource
from map.view import MapView
from resources import scenario as scenarios

pytestmark = pytest.mark.gui
COLOUR = QColor(255, 0, 255)  # magenta: no overlay uses it


def png(colour: QColor) -> bytes:
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(colour)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data)


def make_mbtiles(path: Path, zooms=range(9, 13), datum: str = "wgs84") -> Path:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE metadata (name TEXT, value TEXT)")
    db.execute("CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER,"
               " tile_data BLOB)")
    db.executemany("INSERT INTO metadata VALUES (?, ?)", [
        ("name", "test pack"), ("attribution", "© test tiles"), ("minzoom", str(min(zooms))),
        ("maxzoom", str(max(zooms))), ("datum", datum)])
    tile = png(COLOUR)
    for z in zooms:
        x0, y0 = tile_of(121.95, 30.22, z)
        x1, y1 = tile_of(122.40, 29.88, z)
        db.executemany("INSERT INTO tiles VALUES (?, ?, ?, ?)", [
            (z, x, (1 << z) - 1 - y, tile) for x in range(x0, x1 + 1)
            for y in range(y0, y1 + 1)])
    db.commit()
    db.close()
    return path


def test_mbtiles_rows_are_flipped(tmp_path) -> None:
    source = MBTilesSource(make_mbtiles(tmp_path / "p.mbtiles", zooms=[10]))
    x, y = tile_of(122.2, 30.0, 10)
    assert source.get(10, x, y) is not None
    assert source.get(10, x, (1 << 10) - 1 - y) is None  # the unflipped row is elsewhere
    assert (source.attribution, source.min_zoom, source.max_zoom) == ("© test tiles", 10, 10)


def test_xyz_tiles_are_cached_and_survive_the_server(tmp_path) -> None:
    root = tmp_path / "www"
    x, y = tile_of(122.2, 30.0, 11)
    (root / "11" / str(x)).mkdir(parents=True)
    (root / "11" / str(x) / f"{y}.png").write_bytes(png(COLOUR))
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    source = XyzSource(f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png",
                       tmp_path / "cache", timeout_s=2)
    first = source.get(11, x, y)
    assert first is not None and source.get(11, x + 1, y) is None  # missing: None, no raise
    server.shutdown()
    server.server_close()
    assert source.get(11, x, y) == first  # from the disk cache, server gone


def test_map_draws_the_pack_under_the_overlays(qtbot, tmp_path) -> None:
    view = MapView(scenarios.load(), MBTilesSource(make_mbtiles(tmp_path / "p.mbtiles")))
    qtbot.addWidget(view)
    view.resize(900, 600)
    view.show()
    qtbot.waitUntil(lambda: len(view.tiles.items) >= 4 and not view.tiles._pending,
                    timeout=10000)  # every tile of the view fetched and placed
    image = view.grab().toImage()
    magenta = sum(image.pixelColor(x, y) == COLOUR for x in range(100, 900, 40)
                  for y in range(60, 560, 40))
    assert magenta > 50  # the basemap shows through
    assert view.attribution.text() == "© test tiles"
    view.tiles.close()


def test_gcj02_basemap_moves_the_overlays(qtbot, tmp_path) -> None:
    view = MapView(scenarios.load(), MBTilesSource(
        make_mbtiles(tmp_path / "g.mbtiles", zooms=[10], datum=GCJ02)))
    qtbot.addWidget(view)
    lon, lat = view.display([122.2], [30.0])
    assert (float(lon[0]), float(lat[0])) == tuple(map(float, wgs84_to_gcj02(122.2, 30.0)))
    shift = geodesy.distance_m(122.2, 30.0, float(lon[0]), float(lat[0]))
    assert 100 < shift < 1000  # a few hundred metres: what GCJ-02 tiles assume
    plain = MapView(scenarios.load())
    qtbot.addWidget(plain)
    assert tuple(map(float, plain.display(122.2, 30.0))) == (122.2, 30.0)
    view.tiles.close()
