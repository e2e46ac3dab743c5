"""Offline basemap packs: how fast `jingbao tiles build` renders, and how fast the map reads a
PMTiles pack with its directories cached compared with the `pmtiles` library's reader, which
re-reads the header and re-inflates the directories on every tile (prints; asserts nothing).

    .venv/bin/python bench/tile_pack.py [path/to/extract.osm.pbf] [zooms, default 10-15]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pmtiles.reader import MmapSource, Reader, all_tiles  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from map import tile_pack  # noqa: E402
from map.osm_features import read_osm  # noqa: E402
from map.tiles import PMTilesSource  # noqa: E402

ANDORRA = Path(__file__).resolve().parents[2] / "shared/data/osm/andorra.osm.pbf"


def main() -> None:
    _app = QGuiApplication.instance() or QGuiApplication([])
    extract = Path(sys.argv[1]) if len(sys.argv) > 1 else ANDORRA
    zooms = tile_pack.parse_zooms(sys.argv[2] if len(sys.argv) > 2 else "10-15")
    folder = Path(tempfile.mkdtemp())
    start = time.perf_counter()
    features = read_osm(extract)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    counts = tile_pack.build(features, zooms, folder / "pack.pmtiles", extract.stem)
    build_s = time.perf_counter() - start
    size = (folder / "pack.pmtiles").stat().st_size / 1e6
    print(f"{extract.name}: read {read_s:.2f} s; zoom {zooms.start}-{zooms.stop - 1}: "
          f"{counts['tiles']} tiles ({counts['images']} distinct) in {build_s:.1f} s = "
          f"{counts['tiles'] / build_s:.0f} tiles/s; PMTiles {size:.1f} MB")
    with open(folder / "pack.pmtiles", "rb") as f:
        keys = [zxy for zxy, _ in all_tiles(MmapSource(f))]
        library = Reader(MmapSource(f))
        ours = PMTilesSource(folder / "pack.pmtiles")
        for name, get in (("pmtiles.Reader", library.get), ("PMTilesSource (cached)", ours.get)):
            times = []
            for z, x, y in keys:
                t = time.perf_counter()
                get(z, x, y)
                times.append((time.perf_counter() - t) * 1e6)
            times.sort()
            print(f"{name}: {len(keys)} tiles, p50 {statistics.median(times):.0f} µs, "
                  f"p95 {times[int(0.95 * len(times))]:.0f} µs")


if __name__ == "__main__":
    main()
