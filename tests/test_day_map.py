"""The day map export: the right incidents and tracks, and no asset from the internet."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from itertools import accumulate

from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.events import Event
from dispatch.service_hours import CHINA_TZ
from map.day_map import build_day_map, export_day_map
from map.day_map_tiles import inline_tile_layer, zooms_to_inline
from map.projection import wgs84_to_gcj02
from map.tiles import MBTilesSource, open_pack
from resources import scenario as scenarios
from tests import needs
from tests.test_dispatch_core import SLIP
from tests.test_tiles import make_mbtiles

DAY = date(2026, 11, 25)


def day_events() -> list[Event]:
    scenario = scenarios.load()
    actor = commands.Actor("t", "ws")
    out = []
    for n, hour in enumerate((9, 14, 23)):
        when = datetime(2026, 11, 24 if hour == 23 else 25, hour, 0, tzinfo=CHINA_TZ)
        doc = {**SLIP, "alert_id": f"D-{n}", "received_at": when.isoformat(),
               "description": "追尾<script>alert(1)</script>"}
        received = commands.receive_alert(parse_alert_slip(doc, scenario.region), actor)
        out.append(dataclasses.replace(received, time=when))  # the hub got it when 110 did
    moment = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA_TZ)
    for k in range(5):
        out.append(Event(ev.UNIT_POSITION, "radio:sim", "ws",
                         {"unit": "G01", "lon": 122.10 + k * 1e-3, "lat": 30.02},
                         time=moment + timedelta(seconds=k)))
    return [e.with_id(n + 1) for n, e in enumerate(out)]


def test_export_shows_the_day_only_and_needs_no_internet(tmp_path) -> None:
    out = tmp_path / "day.html"
    count = export_day_map(day_events(), scenarios.load(), DAY, out)
    page = out.read_text(encoding="utf-8")
    assert count == 2  # 09:00 and 14:00 of the 25th; 23:00 of the 24th is another day
    assert re.findall(r"""(?:src|href)=["']https?://""", page) == []
    assert "cdn" not in page.lower()
    shown = set(re.findall(r"(?<![0-9a-f_])(100\d) ", page))  # "1001 received" tooltips;
    assert shown == {"1001", "1002"}  # folium's random hex ids (…_ab1003 = …) are not cases
    assert "<script>alert(1)</script>" not in page  # slip text is escaped in popups
    assert "演示数据" in page


def drawn_tracks(page: str) -> dict[str, list[tuple[float, float]]]:
    """The tracks as the page's script draws them: running sums of millionths of a degree."""
    document = re.search(r"var \w+_data = (\[.*?\]);", page, re.S)
    assert document is not None
    return {t["unit"]: list(zip(accumulate(x / 1e6 for x in t["x"]),
                                accumulate(y / 1e6 for y in t["y"]), strict=True))
            for t in json.loads(document.group(1))}


def test_tracks_of_the_day_are_drawn() -> None:
    fmap, _ = build_day_map(day_events(), scenarios.load(), DAY)
    (unit, points), = drawn_tracks(fmap.get_root().render()).items()
    assert unit == "G01"
    assert [(round(x, 6), round(y, 6)) for x, y in points] == [
        (122.100, 30.02), (122.101, 30.02), (122.102, 30.02), (122.103, 30.02), (122.104, 30.02)]


def test_the_page_renders_in_a_browser_without_network(tmp_path) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        needs.missing("chromium", "Debian: apt-get install chromium; `make test` installs it")
    out = tmp_path / "day.html"
    scenario = scenarios.load()
    export_day_map(day_events(), scenario, DAY, out, open_pack(scenario.basemap))
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", f"--user-data-dir={tmp_path / 'p'}",
         "--virtual-time-budget=5000", "--dump-dom", out.as_uri()],
        capture_output=True, text=True, timeout=120).stdout
    assert "leaflet-container" in dom  # Leaflet ran
    assert dom.count("leaflet-interactive") >= 2  # incidents and layers were drawn
    assert "leaflet-heatmap-layer" in dom
    tiles = re.findall(r'<img[^>]*class="leaflet-tile[^"]*"[^>]*>', dom)
    assert tiles and all('src="data:image/png;base64,' in t for t in tiles)  # the pack's own


def test_the_pack_is_carried_once_per_distinct_tile(tmp_path) -> None:
    scenario = scenarios.load()
    pack = open_pack(scenario.basemap)
    layer, count = inline_tile_layer(pack, scenario.region)
    assert zooms_to_inline(pack, scenario.region) == list(range(10, 16))
    assert count == len(layer.index) > 1000
    assert len(layer.images) < count / 2  # sea and empty land share their images
    assert all(pack.get(*map(int, key.split("/"))) is not None for key in list(layer.index)[:50])


def test_a_gcj02_pack_moves_the_overlays_onto_its_datum(tmp_path) -> None:
    pack = MBTilesSource(make_mbtiles(tmp_path / "g.mbtiles", zooms=[10, 11], datum="gcj02"))
    html = build_day_map(day_events(), scenarios.load(), DAY, pack)[0].get_root().render()
    lon, lat = wgs84_to_gcj02(122.104, 30.02)  # G01's last fix, as the GCJ-02 tiles draw it
    last = drawn_tracks(html)["G01"][-1]
    assert abs(last[0] - float(lon)) < 1e-6 and abs(last[1] - float(lat)) < 1e-6
    assert abs(last[0] - 122.104) > 1e-3  # moved: GCJ-02 is a few hundred metres off here
