"""`jingbao tiles build`: an offline basemap pack (MBTiles or PMTiles) rendered from an OSM
extract, so a center builds its own pack instead of scraping a tile server (OpenStreetMap's
tile policy forbids offline packs made from its servers).

MBTiles is written with the spec's deduplicating layout (`map` + `images`, `tiles` a view):
open sea and empty land repeat the same few images thousands of times.
"""

from __future__ import annotations

import hashlib
import logging
import math
import sqlite3
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from pmtiles.convert import mbtiles_to_pmtiles

from map.basemap_render import ZoomScene, png_bytes, tile_range
from map.osm_features import Features, to_world
from map.progress import Progress

log = logging.getLogger(__name__)

OSM_ATTRIBUTION = "© OpenStreetMap contributors (ODbL)"
BATCH = 256  # tiles rendered, stored and committed together; progress is told per batch

_SCHEMA = """
CREATE TABLE metadata (name TEXT, value TEXT);
CREATE TABLE images (tile_id TEXT PRIMARY KEY, tile_data BLOB);
CREATE TABLE map (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_id TEXT,
                  PRIMARY KEY (zoom_level, tile_column, tile_row));
CREATE VIEW tiles AS SELECT map.zoom_level, map.tile_column, map.tile_row, images.tile_data
                     FROM map JOIN images ON images.tile_id = map.tile_id;
"""


def parse_zooms(text: str) -> range:
    """`10-17` or `12`."""
    low, _, high = text.partition("-")
    zooms = range(int(low), int(high or low) + 1)
    if not zooms or zooms.start < 0 or zooms.stop > 23:
        raise ValueError(f"zoom range {text!r}: expected e.g. 10-17 within 0-22")
    return zooms


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    lon = x / 256.0 * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - y / 128.0))))
    return lon, lat


def sha1_of(path: Path) -> str:
    """Recorded in the pack (`source_sha1`) so a stale pack can be told from a current one."""
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()


def _world_box(west: float, south: float, east: float, north: float):
    (x0, x1), (y1, y0) = to_world(np.array([west, east]), np.array([south, north]))
    return float(x0), float(y0), float(x1), float(y1)


def build(features: Features, zooms: Iterable[int], out: Path, name: str,
          attribution: str = OSM_ATTRIBUTION, source_sha1: str = "",
          lon_lat_box: tuple[float, float, float, float] | None = None) -> dict[str, int]:
    """Render every tile over the features' extent (or the given box) at each zoom; returns
    counts for the log.
    The pack is written beside `out` and moved into place only when complete, so a failed
    build never leaves a half pack where the console would load it."""
    out = Path(out)
    zooms = list(zooms)
    bounds = features.bounds() if lon_lat_box is None else _world_box(*lon_lat_box)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=out.parent) as folder:
        mbtiles = Path(folder) / "pack.mbtiles"
        counts = _write_mbtiles(features, zooms, bounds, mbtiles,
                                {"name": name, "attribution": attribution,
                                 "source_sha1": source_sha1})
        if out.suffix == ".pmtiles":
            pmtiles = Path(folder) / "pack.pmtiles"
            mbtiles_to_pmtiles(str(mbtiles), str(pmtiles), max(zooms))
            pmtiles.replace(out)
        else:
            mbtiles.replace(out)
    return counts


def _write_mbtiles(features: Features, zooms: list[int], bounds, path: Path,
                   described: dict[str, str]) -> dict[str, int]:
    db = sqlite3.connect(path)
    db.executescript(_SCHEMA)
    west, north = _lon_lat(bounds[0], bounds[1])
    east, south = _lon_lat(bounds[2], bounds[3])
    metadata = {
        **described, "format": "png", "type": "baselayer", "version": "1",
        "minzoom": str(min(zooms)), "maxzoom": str(max(zooms)),
        "bounds": f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}",
        "center": f"{(west + east) / 2:.6f},{(south + north) / 2:.6f},{min(zooms)}",
        "datum": "wgs84",
        "description": "Rendered by jingbao tiles build",
    }
    db.executemany("INSERT INTO metadata VALUES (?, ?)", metadata.items())
    tiles = images = 0
    progress = Progress("tiles", sum(1 for z in zooms for _ in tile_range(bounds, z)))
    for zoom in zooms:
        started = time.perf_counter()
        scene = ZoomScene(features, zoom)
        rows: list[tuple[int, int, int, str]] = []
        for x, y in tile_range(bounds, zoom):
            data = png_bytes(scene.render(x, y))
            digest = hashlib.sha1(data).hexdigest()
            images += db.execute("INSERT OR IGNORE INTO images VALUES (?, ?)",
                                 (digest, data)).rowcount
            rows.append((zoom, x, (1 << zoom) - 1 - y, digest))  # MBTiles rows count from south
            if len(rows) == BATCH:
                tiles += _store(db, rows, progress)
        tiles += _store(db, rows, progress)
        log.info("zoom %d done in %.1f s", zoom, time.perf_counter() - started)
    db.execute("VACUUM")
    db.close()
    return {"tiles": tiles, "images": images}


def _store(db: sqlite3.Connection, rows: list[tuple[int, int, int, str]],
           progress: Progress) -> int:
    """Commit one batch of tile rows (emptying `rows`) and tell the progress; their count."""
    count = len(rows)
    db.executemany("INSERT INTO map VALUES (?, ?, ?, ?)", rows)
    db.commit()
    rows.clear()
    progress.advance(count)
    return count
