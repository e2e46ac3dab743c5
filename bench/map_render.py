"""Map update + render time for the issue's scene (prints figures; asserts nothing).

300 units moving at 1 Hz, 5,000 open incidents, 30 zones and the basemap tiles, offscreen at
1600×1000, each frame a real render (grab of the view), 120 frames repeated 3 times: wall time
and the UI thread's CPU time. Timed twice: over the whole area (every incident and unit in
view, 30 tiles: the view's zoom shows tiles at 215–430 px, so 100 tiles never fit on one
screen), then closer after panning over the whole area, which leaves 100+ tiles in
the scene (~20 on screen). The units have reported for ten minutes first, so their trails are
as long as a shift's get. Also a pan step (closer), memory, and a static layer of 100,000
points (history hot spots) loaded and drawn.

    .venv/bin/python bench/map_render.py [--all-markers]

--all-markers draws every incident as itself (no clustering), as a web map without a cluster
plugin would (bench/map_render_webengine.py), for a like-for-like ratio.
"""

from __future__ import annotations

import dataclasses
import os
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from dispatch.state import CenterState, Incident  # noqa: E402
from map import incident_layer  # noqa: E402
from map.projection import tile_bounds  # noqa: E402
from map.tiles import MBTilesSource  # noqa: E402
from map.unit_layer import TRAIL_S  # noqa: E402
from map.view import MapView  # noqa: E402
from resources import scenario as scenarios  # noqa: E402
from tests.test_tiles import make_mbtiles  # noqa: E402

RNG = np.random.default_rng(4)
REPEATS = 3


def _p50_p95_p99(values: list[float]) -> tuple[float, float, float]:
    ordered = sorted(values)
    return (statistics.median(ordered), ordered[int(0.95 * len(ordered))],
            ordered[int(0.99 * len(ordered))])


def timed_frames(view: MapView, state: CenterState, units: list, now: datetime,
                 ) -> list[tuple[float, float, float, float]]:
    """Per repeat, 120 frames of every unit moved: (wall p50, wall p95, wall p99, UI-thread
    CPU p50, CPU p95) in ms."""
    runs = []
    for _repeat in range(REPEATS):
        frames, cpu = [], []
        for frame in range(120):
            start, start_cpu = time.perf_counter(), time.thread_time()
            for n, unit in enumerate(units):
                unit.lon = 122.05 + (n % 20) * 0.012 + frame * 1e-4
                unit.lat = 29.95 + (n // 20) * 0.014
                unit.fix_time = now
            view.show_state(state, "1001")
            view.grab()
            frames.append((time.perf_counter() - start) * 1000)
            cpu.append((time.thread_time() - start_cpu) * 1000)
        runs.append((*_p50_p95_p99(frames), *_p50_p95_p99(cpu)[:2]))
    return runs


def tiles_shown(view: MapView) -> tuple[int, int]:
    """Tiles in the scene, and of them on screen."""
    (west, east), (south, north) = view.plot.viewRange()
    return len(view.tiles.items), sum(
        1 for z, x, y in view.tiles.items
        if _overlaps(tile_bounds(x, y, z), (west, south, east, north)))


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Whether two (west, south, east, north) boxes overlap."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def tiles_placed(app: QApplication, view: MapView) -> None:
    """Every tile the view asked for placed (the tile layer asks 60 ms after a move)."""
    start = time.monotonic()
    while time.monotonic() - start < 20 and (
            time.monotonic() - start < 0.2 or not view.tiles.items or view.tiles._pending
            or view.tiles._debounce.isActive()):
        app.processEvents()
        time.sleep(0.005)


def scene():
    demo = scenarios.load()
    specs = [{"unit_id": f"U{n:03d}", "name": "", "kind": "guide", "fleet": 100,
              "radio_id": str(n), "post": next(iter(demo.posts))} for n in range(300)]
    zones = dict(demo.zones)
    for n in range(27):
        lon, lat = 122.0 + (n % 9) * 0.035, 29.95 + (n // 9) * 0.05
        zones[f"Z{n}"] = ("demo", [(lon, lat), (lon + 0.03, lat), (lon + 0.03, lat + 0.04),
                                   (lon, lat + 0.04)])
    scenario = dataclasses.replace(demo, unit_specs=specs, zones=zones)
    state = CenterState(scenario.roster())
    now = datetime.now(UTC)
    for n in range(5000):
        case = str(1001 + n)
        state.incidents[case] = Incident(case, case, now, float(RNG.uniform(122.0, 122.33)),
                                         float(RNG.uniform(29.93, 30.18)), "", "", "", {})
    return scenario, state, now


def main() -> None:
    app = QApplication.instance() or QApplication([])
    if "--all-markers" in sys.argv:
        incident_layer.CLUSTER_ABOVE = sys.maxsize
    scenario, state, now = scene()
    pack = make_mbtiles(Path(tempfile.mkdtemp()) / "bench.mbtiles", zooms=range(9, 15))
    view = MapView(scenario, MBTilesSource(pack))
    view.resize(1600, 1000)
    view.show()
    tiles_placed(app, view)
    units = list(state.units.values())
    start = now - timedelta(seconds=TRAIL_S)
    for second in range(int(TRAIL_S)):  # ten minutes of fixes before the frames are timed
        for n, unit in enumerate(units):
            unit.lon = 122.05 + (n % 20) * 0.012 + second * 2e-5
            unit.lat = 29.95 + (n // 20) * 0.014 + 0.002 * np.sin(second / 30)
            unit.fix_time = start + timedelta(seconds=second)
        view.unit_layer.trails_built = 0.0  # a second passed
        view.show_state(state, "1001")
    whole = timed_frames(view, state, units, now), tiles_shown(view)
    box = view.plot.getViewBox()
    (west, east), (south, north) = view.plot.viewRange()
    box.scaleBy((0.35, 0.35))  # a closer look, panned over the whole area as a dispatcher
    tiles_placed(app, view)  # would: its tiles stay in the scene
    for fx in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
        for fy in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0):
            (left, _), (bottom, _) = view.plot.viewRange()
            box.translateBy(x=west + fx * (east - west) - left,
                            y=south + fy * (north - south) - bottom)
            tiles_placed(app, view)
    closer = timed_frames(view, state, units, now), tiles_shown(view)
    for name, (runs, (held, on_screen)) in (("whole area", whole), ("closer", closer)):
        wall50, wall95, wall99, cpu50, cpu95 = (statistics.median(r[k] for r in runs)
                                                for k in range(5))
        print(f"map frame, {name} (300 units moved + 5,000 incidents + {len(scenario.zones)} "
              f"zones + {held} tiles in the scene, {on_screen} on screen + ten-minute trails, "
              f"1600×1000, update + render): p50 {wall50:.1f} ms, p95 {wall95:.1f} ms, p99 "
              f"{wall99:.1f} ms (median "
              f"of {REPEATS} repeats of 120 frames; p95 spread "
              f"{min(r[1] for r in runs):.1f}–{max(r[1] for r in runs):.1f} ms)")
        print(f"  UI thread's CPU per frame (what neighbours on a shared machine do not "
              f"inflate): p50 {cpu50:.1f} ms, p95 {cpu95:.1f} ms")
    pans = []
    for step in range(40):
        start = time.perf_counter()
        view.plot.getViewBox().translateBy(x=0.002 * (1 if step % 2 else -1))
        view.grab()
        pans.append((time.perf_counter() - start) * 1000)
    lon, lat = RNG.uniform(122.0, 122.33, 100_000), RNG.uniform(29.93, 30.18, 100_000)
    view.layer_actions["history"].setChecked(True)
    start = time.perf_counter()
    view.hot_spots.load(lon, lat)
    view.grab()
    static_load = (time.perf_counter() - start) * 1000
    with_static = []
    for _ in range(30):
        start = time.perf_counter()
        view.show_state(state, "1001")
        view.grab()
        with_static.append((time.perf_counter() - start) * 1000)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    pans.sort()
    print(f"pan step: p50 {statistics.median(pans):.1f} ms, p95 {pans[int(0.95 * len(pans))]:.1f}"
          f" ms; peak memory {rss:.0f} MB")
    print(f"static layer of 100,000 points: load + first render {static_load:.0f} ms; frames "
          f"with it shown p50 {statistics.median(with_static):.1f} ms")
    layer = view.incident_layer
    print(f"(5,000 open incidents at this zoom: {len(layer.markers.points())} drawn alone, "
          f"{len(layer.bubbles.points())} bubbles)")
    view.tiles.close()


if __name__ == "__main__":
    main()
