"""The native map against Leaflet in QtWebEngine, back to back in one run, repeated.

A ratio taken from two runs minutes apart on a shared machine says more about the neighbours
than about the maps, so each repeat runs bench/map_render.py --all-markers (every incident
drawn as itself, as the Leaflet page draws them) and then bench/map_render_webengine.py on the
same scene and window size, and the ratio is taken within the repeat; the two go first in
turn (a neighbour's burst should not always land on the same one), the machine's load average
is printed with each repeat, and the median and spread (min–max) of the repeats are printed.
Both frames are an update and a full render in software, on the CPU: the native one
QGraphicsView's raster paint of the whole view into a pixmap, the Leaflet one from the units'
setLatLng until a double requestAnimationFrame reports the frame produced (Chromium's raster
and compositing included, software without a GPU as here). The Leaflet bench also prints how
much of that is Leaflet's own canvas redraw, and the interval between frames drawn back to
back in animation frames (the frame rate a user sees; native frames are single-threaded, so
there the two are the same). The native frame also draws the units' ten-minute trails and
every incident's 8-minute clock ring, which the Leaflet page does not: the ratio leans against
the native map. Tiles differ the other way: the native view shows 15 tiles of the zoom below
(about 455 px each), Leaflet 48 of the zoom above (about 228 px), but Leaflet's tiles are
composited layers that moving units does not redraw, while the native frame blits its 15.

QtWebEngine lives in a separate venv (see bench/map_render_webengine.py) and needs a display:

    .venv/bin/python bench/map_render_compare.py \
        --webengine-python /work/webengine-venv/bin/python [--repeats 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FRAME = re.compile(r"^map frame(?:, whole area)? \(.*?p50 ([\d.]+) ms, p95 ([\d.]+) ms",
                   re.MULTILINE)
LOOP = re.compile(r"^map frames back to back.*?p50 ([\d.]+) ms, p95 ([\d.]+) ms", re.MULTILINE)


def frame_figures(command: list[str]) -> tuple[float, float, float, float]:
    """(p50, p95) of the map frame line a bench prints, then those of its frames back to
    back (the same again where it prints none)."""
    out = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         check=True, timeout=900).stdout
    found = FRAME.search(out)
    if found is None:
        raise RuntimeError(f"no frame figures from {command[-1]}:\n{out}")
    loop = LOOP.search(out) or found
    return float(found[1]), float(found[2]), float(loop[1]), float(loop[2])


def spread(values: list[float]) -> str:
    return (f"median ×{statistics.median(values):.1f}, spread ×{min(values):.1f}–"
            f"×{max(values):.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webengine-python", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    native_cmd = [sys.executable, str(BENCH / "map_render.py"), "--all-markers"]
    web_cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1200x24", args.webengine_python,
               str(BENCH / "map_render_webengine.py")]
    names = ("p50", "p95", "back-to-back p50", "back-to-back p95")
    ratios: dict[str, list[float]] = {name: [] for name in names}
    natives: list[tuple[float, ...]] = []
    webs: list[tuple[float, ...]] = []
    for repeat in range(args.repeats):
        load = os.getloadavg()[0]
        if repeat % 2:
            web = frame_figures(web_cmd)
            native = frame_figures(native_cmd)
        else:
            native = frame_figures(native_cmd)
            web = frame_figures(web_cmd)
        natives.append(native)
        webs.append(web)
        for n, name in enumerate(names):
            ratios[name].append(web[n] / native[n])
        print(f"run {repeat + 1} ({'Leaflet' if repeat % 2 else 'native'} first, load "
              f"{load:.1f}): native p50 {native[0]:.1f} ms p95 {native[1]:.1f} ms; "
              f"Leaflet/QtWebEngine p50 {web[0]:.1f} ms p95 {web[1]:.1f} ms (back to back "
              f"p50 {web[2]:.1f} ms p95 {web[3]:.1f} ms); ×{web[0] / native[0]:.1f} at p50, "
              f"×{web[1] / native[1]:.1f} at p95", flush=True)
    for label, runs in (("native", natives), ("Leaflet/QtWebEngine", webs)):
        p50s, p95s = [r[0] for r in runs], [r[1] for r in runs]
        print(f"{label}: p50 median {statistics.median(p50s):.1f} ms ({min(p50s):.1f}–"
              f"{max(p50s):.1f}), p95 median {statistics.median(p95s):.1f} ms "
              f"({min(p95s):.1f}–{max(p95s):.1f})")
    for name, values in ratios.items():
        print(f"native is faster at {name}: {spread(values)} ({len(values)} repeats)")
    print(f"load average at the end: {' '.join(f'{v:.1f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
