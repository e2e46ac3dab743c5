"""bench/map_render.py's scene drawn by Leaflet in QtWebEngine (prints figures; asserts nothing).

Whether the live map stays native (pyqtgraph) or becomes an embedded web map is decided on
figures, so this draws the very same scene (bench/map_render.py's `scene()`: 300 units moving,
5,000 incidents, 30 zones, its tile pack, its 1600×1000 view of 122.03–122.34 E, 29.93–30.07 N)
the way a web map would, and prints the same figures for the ratio.

Leaflet gets its fastest setup for thousands of markers: `preferCanvas: true`, so the incidents
and units are L.circleMarker paths on one canvas instead of 5,300 SVG elements, and zones are
polygons on that canvas too. Tiles come from the MBTiles pack through a `tiles:` URL scheme
handler, as the app would serve its offline pack; Leaflet is the vendored copy, loaded from disk.

Times are taken in the page: performance.now() before the 300 setLatLng calls (or the panBy)
and again in a double requestAnimationFrame, i.e. once the frame showing the update has been
produced. Chromium's 60 Hz frame pacing is switched off (--disable-frame-rate-limit) so the
figure is the work, as the native bench's is, rather than work plus waits for vsyncs (with the
pacing on, a frame measured about twice as long here). Leaflet's own share, its canvas redraw
(clearing the dirty box and drawing every path in it), is printed apart: ~2.5 ms of a ~65 ms
frame here, the rest is Chromium's raster and compositing in software (--gpu leaves out
--disable-gpu: under Xvfb, with Mesa's llvmpipe, it measured the same). So are frames drawn
back to back (units moved in every animation frame: the interval between frames, the frame
rate a user would see, as Chromium may overlap one frame's compositing with the next one's
script).
--screenshot PATH saves the window at the end (to see the markers are painted). The Python
round trip
(positions sent with runJavaScript until the page reports the painted frame) is printed too,
since in the app positions start in Python. The browser runs in QtWebEngineProcess children,
so memory is summed over the whole process tree: peak RSS (VmHWM) per process, which counts
the Chromium libraries once per process, and the PSS, which shares them out.

It needs a display: under the offscreen platform QtWebEngine gets no OpenGL to show its frames
with, and nothing is painted. Xvfb does, with Mesa's software OpenGL, as a PC without a GPU.

QtWebEngine is in PySide6-Addons, which the project does not depend on; run in a separate venv
(pytest because the scene's tile pack comes from tests/test_tiles.py):

    python3 -m venv /work/webengine-venv
    /work/webengine-venv/bin/pip install 'PySide6==6.11.3' 'PySide6-Addons==6.11.3' numpy \
        pyqtgraph shapely scipy osmium pmtiles sqlalchemy platformdirs pynmeagps pyserial \
        websockets alembic folium pytest pydantic filelock nats-py argon2-cffi xlsxwriter \
        'psycopg[binary]'
    xvfb-run -a -s "-screen 0 1920x1200x24" \
        /work/webengine-venv/bin/python bench/map_render_webengine.py [--screenshot PATH]

(on Debian 12 with Xvfb installed, Chromium found every library it needs: no apt-get was
needed)
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

# root needs --no-sandbox; software rendering, as on a machine without a GPU
os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([
    os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", ""),
    "--no-sandbox --disable-frame-rate-limit",
    "" if "--gpu" in sys.argv else "--disable-gpu"]).strip()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

try:
    from PySide6.QtWebEngineCore import (
        QWebEnginePage,
        QWebEngineProfile,
        QWebEngineUrlRequestJob,
        QWebEngineUrlScheme,
        QWebEngineUrlSchemeHandler,
    )
    from PySide6.QtWebEngineWidgets import QWebEngineView
except ImportError as error:
    print(f"map_render_webengine: QtWebEngine is not installed ({error}); it comes with "
          "PySide6-Addons: run this with the separate venv its docstring describes.",
          file=sys.stderr)
    sys.exit(0)
if os.environ.get("QT_QPA_PLATFORM") == "offscreen" or not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
    print("map_render_webengine: needs a display (offscreen Qt gives QtWebEngine no OpenGL to "
          "show its frames with, so nothing would be painted): run it under xvfb-run.",
          file=sys.stderr)
    sys.exit(0)

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QTimer, QUrl  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.map_render import scene  # noqa: E402
from map.styles import STATUS_COLOURS, UNIT_COLOURS  # noqa: E402
from map.tiles import MBTilesSource  # noqa: E402
from tests.test_tiles import make_mbtiles  # noqa: E402

LEAFLET = ROOT / "resources" / "web" / "leaflet-1.9.4"
WARM_UP, FRAMES, PAN_WARM_UP, PANS, LOOP_WARM_UP = 20, 60, 10, 40, 10
# --screenshot PATH: the window as drawn at the end, to see that the markers are on it
SCREENSHOT = sys.argv[sys.argv.index("--screenshot") + 1] if "--screenshot" in sys.argv else ""
TIMEOUT_S = 180
PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><link rel="stylesheet" href="leaflet.css">
<script src="leaflet.js"></script>
<style>html, body, #map { margin: 0; width: 100%; height: 100%; }</style></head>
<body><div id="map"></div><script>
// zoomSnap 0: a fractional zoom, so the view is exactly the native bench's extent
const map = L.map('map', {preferCanvas: true, zoomSnap: 0});
let units = [], panPx = 0, redrawMs = 0;
// what Leaflet's canvas redraw itself takes (clear + every path in the dirty box), summed
// until the frame is reported: the rest of a frame is Chromium's (raster, commit, compositing)
const redraw = L.Canvas.prototype._redraw;
L.Canvas.prototype._redraw = function () {
  const start = performance.now();
  redraw.call(this);
  redrawMs += performance.now() - start;
};
function painted(start, what) {
  requestAnimationFrame(() => requestAnimationFrame(() => {
    console.log(`bench ${what} ${performance.now() - start} ${redrawMs}`);
    redrawMs = 0;
  }));
}
// frames back to back, as a live map animating its units would: each animation frame moves
// the units and the next one comes when Chromium has produced that frame; the interval
// between them is the frame time a user sees (raster and compositing may overlap the next
// frame's script, so this may be shorter than one update measured until painted)
function loop(count, first) {
  const times = [];
  let frame = first;
  function step(now) {
    times.push(now);
    if (times.length > count) {
      console.log(`bench loop ${JSON.stringify(times.slice(1).map((t, n) => t - times[n]))}`);
      return;
    }
    units.forEach((unit, n) => unit.setLatLng(
      [29.95 + Math.floor(n / 20) * 0.014, 122.05 + (n % 20) * 0.012 + frame * 1e-4]));
    frame += 1;
    requestAnimationFrame(step);
  }
  requestAnimationFrame(step);
}
function setup(scene) {
  map.fitBounds([[29.93, 122.03], [30.07, 122.34]], {padding: [0, 0]});
  panPx = map.latLngToContainerPoint([30, 122.002]).x - map.latLngToContainerPoint([30, 122]).x;
  for (const ring of scene.zones) {
    L.polygon(ring, {color: '#22aa77', weight: 1, dashArray: '4 4', fillColor: '#28aa78',
                     fillOpacity: 0.11}).addTo(map);
  }
  for (const [lat, lon, colour] of scene.incidents) {
    L.circleMarker([lat, lon], {radius: 8, color: '#222', weight: 1.5, fillColor: colour,
                                fillOpacity: 1}).addTo(map);
  }
  units = scene.units.map(([lat, lon, colour]) => L.circleMarker(
    [lat, lon], {radius: 7, color: '#111', weight: 1, fillColor: colour, fillOpacity: 1}
  ).addTo(map));
  L.tileLayer('tiles:{z}/{x}/{y}', {minZoom: scene.minZoom, maxNativeZoom: scene.maxZoom})
    .on('load', () => console.log(`bench tiles ${
      document.querySelectorAll('.leaflet-tile-loaded').length} ${innerWidth}×${innerHeight}`))
    .addTo(map);
}
function frame(positions) {
  const start = performance.now();
  positions.forEach((position, n) => units[n].setLatLng(position));
  painted(start, 'frame');
}
function pan(sign) {
  const start = performance.now();
  map.panBy([sign * panPx, 0], {animate: false});
  painted(start, 'pan');
}
</script></body></html>
"""


class TileScheme(QWebEngineUrlSchemeHandler):
    """Serves `tiles:z/x/y` from the pack, as PNG; a tile not in it fails like a 404."""

    def __init__(self, source: MBTilesSource) -> None:
        super().__init__()
        self.source = source

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 (Qt override)
        z, x, y = (int(part) for part in job.requestUrl().path().split("/"))
        data = self.source.get(z, x, y)
        if data is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(QByteArray(b"image/png"), buffer)


def positions(count: int, frame: int) -> list[tuple[float, float]]:
    """(lat, lon) of every unit in `frame`: the native bench's formula."""
    return [(29.95 + (n // 20) * 0.014, 122.05 + (n % 20) * 0.012 + frame * 1e-4)
            for n in range(count)]


def process_tree() -> list[int]:
    """This process (Chromium's browser and GPU side) and its QtWebEngineProcess descendants."""
    parents: dict[int, int] = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            ppid = next(line for line in status.read_text().splitlines()
                        if line.startswith("PPid:"))
        except OSError:  # the process ended while being read
            continue
        parents[int(status.parent.name)] = int(ppid.split()[1])
    tree = [os.getpid()]
    for pid in tree:
        tree.extend(child for child, parent in parents.items() if parent == pid)
    return tree


def field_kb(path: Path, name: str) -> int:
    """A `Name:  123 kB` line of a /proc file, in kB (0 if the process has gone)."""
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in lines if line.startswith(f"{name}:")), 0)


def memory() -> tuple[int, float, float]:
    """(processes, their peak RSS summed, their PSS summed) in MB, for the whole tree."""
    tree = process_tree()
    peak = sum(field_kb(Path(f"/proc/{pid}/status"), "VmHWM") for pid in tree)
    pss = sum(field_kb(Path(f"/proc/{pid}/smaps_rollup"), "Pss") for pid in tree)
    return len(tree), peak / 1024, pss / 1024


class Bench(QWebEnginePage):
    """Drives the page: each frame is sent when the page reports the previous one painted."""

    def __init__(self, profile: QWebEngineProfile, count: int) -> None:
        super().__init__(profile)
        self.count = count
        self.sent = 0.0
        self.tiles = 0
        self.size = ""  # the page's, as it reports it
        self.frames: list[float] = []  # in-page ms, update until painted
        self.redraws: list[float] = []  # in-page ms of those in Leaflet's canvas redraw
        self.loop: list[float] = []  # in-page ms between frames drawn back to back
        self.round_trips: list[float] = []  # Python ms, runJavaScript until reported painted
        self.pans: list[float] = []
        self.memory = (0, 0.0, 0.0)  # taken at the end, while the renderer still runs
        self.widget: QWebEngineView | None = None  # the view showing the page

    def javaScriptConsoleMessage(  # noqa: N802 (Qt override)
            self, level: QWebEnginePage.JavaScriptConsoleMessageLevel, message: str, line: int,
            source: str) -> None:
        if not message.startswith("bench "):
            print(f"page: {message} ({source}:{line})", file=sys.stderr)
            return
        _, what, value, *rest = message.split()
        if what == "loop":
            self.loop = json.loads(value)
            self.memory = memory()
            if SCREENSHOT:
                self.widget.grab().save(SCREENSHOT)
            QTimer.singleShot(0, QApplication.quit)  # not from inside the page's callback
        elif what == "tiles":
            self.tiles, self.size = int(value), rest[0]
            self.next_frame()
        elif what == "frame":
            round_trip = (time.perf_counter() - self.sent) * 1000
            self.frames.append(float(value))
            self.redraws.append(float(rest[0]))
            self.round_trips.append(round_trip)
            self.next_frame()
        elif what == "pan":
            self.pans.append(float(value))
            self.next_pan()

    def next_frame(self) -> None:
        frame = len(self.frames)
        if frame == WARM_UP + FRAMES:
            self.next_pan()
            return
        script = f"frame({json.dumps(positions(self.count, frame))})"
        self.sent = time.perf_counter()
        self.runJavaScript(script)

    def next_pan(self) -> None:
        step = len(self.pans)
        if step == PAN_WARM_UP + PANS:
            self.runJavaScript(f"loop({LOOP_WARM_UP + FRAMES}, {WARM_UP + FRAMES})")
            return
        self.runJavaScript(f"pan({1 if step % 2 else -1})")


def main() -> None:
    scheme = QWebEngineUrlScheme(b"tiles")
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Path)
    # local, so the file:// page may load it (local pages may not load remote schemes)
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme | QWebEngineUrlScheme.Flag.LocalScheme)
    QWebEngineUrlScheme.registerScheme(scheme)  # before the application exists
    app = QApplication.instance() or QApplication([])
    scenario, state, _now = scene()
    source = MBTilesSource(make_mbtiles(Path(tempfile.mkdtemp()) / "bench.mbtiles",
                                        zooms=range(9, 14)))
    profile = QWebEngineProfile.defaultProfile()
    handler = TileScheme(source)
    profile.installUrlSchemeHandler(QByteArray(b"tiles"), handler)
    units = list(state.units.values())
    page = Bench(profile, len(units))
    data = {
        "zones": [[(lat, lon) for lon, lat in ring] for _kind, ring in scenario.zones.values()],
        "incidents": [(i.lat, i.lon, STATUS_COLOURS[i.status]) for i in state.incidents.values()],
        "units": [(*position, UNIT_COLOURS[unit.status])
                  for unit, position in zip(units, positions(len(units), 0), strict=True)],
        "minZoom": source.min_zoom, "maxZoom": source.max_zoom}
    page.loadFinished.connect(lambda ok: page.runJavaScript(f"setup({json.dumps(data)})"))
    view = QWebEngineView()
    view.setPage(page)
    page.widget = view
    view.resize(1600, 1000)
    view.show()
    page.setHtml(PAGE, QUrl.fromLocalFile(f"{LEAFLET}/"))
    QTimer.singleShot(TIMEOUT_S * 1000, app.quit)
    app.exec()
    if not page.loop:
        print(f"map_render_webengine: gave up after {TIMEOUT_S} s with {page.tiles} tiles, "
              f"{len(page.frames)} frames and {len(page.pans)} pans done", file=sys.stderr)
        return
    frames = sorted(page.frames[WARM_UP:])
    redraws = sorted(page.redraws[WARM_UP:])
    loop = sorted(page.loop[LOOP_WARM_UP:])
    trips = sorted(page.round_trips[WARM_UP:])
    pans = sorted(page.pans[PAN_WARM_UP:])
    processes, peak, pss = page.memory
    print(f"map frame (Leaflet canvas in QtWebEngine: 300 units moved + 5,000 incidents + "
          f"{len(scenario.zones)} zones + {page.tiles} tiles, {page.size}, update + render): "
          f"p50 {statistics.median(frames):.1f} ms, p95 {frames[int(0.95 * len(frames))]:.1f} ms"
          f"; from Python, positions sent until painted: p50 {statistics.median(trips):.1f} ms,"
          f" p95 {trips[int(0.95 * len(trips))]:.1f} ms")
    print(f"  of which Leaflet's canvas redraw (script): p50 {statistics.median(redraws):.1f} ms,"
          f" p95 {redraws[int(0.95 * len(redraws))]:.1f} ms")
    print(f"map frames back to back (units moved in each animation frame): interval p50 "
          f"{statistics.median(loop):.1f} ms, p95 {loop[int(0.95 * len(loop))]:.1f} ms")
    print(f"pan step: p50 {statistics.median(pans):.1f} ms, p95 {pans[int(0.95 * len(pans))]:.1f}"
          f" ms; peak memory {peak:.0f} MB (VmHWM summed over {processes} processes; "
          f"their PSS {pss:.0f} MB)")


if __name__ == "__main__":
    main()
