"""The native map against Leaflet in QtWebEngine, back to back in one run, repeated.

A ratio taken from two runs minutes apart on a shared machine says more about the neighbours
than about the maps, so each repeat runs bench/map_render.py --all-markers (every incident
drawn as itself, as the Leaflet page draws them) and then bench/map_render_webengine.py on the
same scene and window size, and the ratio is taken within the repeat; the median and spread
(min–max) of the repeats are printed. The native frame also draws the units' ten-minute trails,
which the Leaflet page does not: the ratio leans against the native map.

QtWebEngine lives in a separate venv (see bench/map_render_webengine.py) and needs a display:

    .venv/bin/python bench/map_render_compare.py --webengine-python /tmp/webengine-venv/bin/python \
        [--repeats 3]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FRAME = re.compile(r"^map frame .*?p50 ([\d.]+) ms, p95 ([\d.]+) ms", re.MULTILINE)


def frame_figures(command: list[str]) -> tuple[float, float]:
    """(p50, p95) of the map frame line a bench prints."""
    out = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                         check=True, timeout=900).stdout
    found = FRAME.search(out)
    if found is None:
        raise RuntimeError(f"no frame figures from {command[-1]}:\n{out}")
    return float(found[1]), float(found[2])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webengine-python", required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    native_cmd = [sys.executable, str(BENCH / "map_render.py"), "--all-markers"]
    web_cmd = ["xvfb-run", "-a", "-s", "-screen 0 1920x1200x24", args.webengine_python,
               str(BENCH / "map_render_webengine.py")]
    ratios: dict[str, list[float]] = {"p50": [], "p95": []}
    for repeat in range(args.repeats):
        native = frame_figures(native_cmd)
        web = frame_figures(web_cmd)
        print(f"run {repeat + 1}: native p50 {native[0]:.1f} ms p95 {native[1]:.1f} ms; "
              f"Leaflet/QtWebEngine p50 {web[0]:.1f} ms p95 {web[1]:.1f} ms; "
              f"×{web[0] / native[0]:.1f} at p50, ×{web[1] / native[1]:.1f} at p95")
        ratios["p50"].append(web[0] / native[0])
        ratios["p95"].append(web[1] / native[1])
    for name, values in ratios.items():
        print(f"native is ×{statistics.median(values):.1f} faster at {name} (median of "
              f"{len(values)}; spread ×{min(values):.1f}–×{max(values):.1f})")


if __name__ == "__main__":
    main()
