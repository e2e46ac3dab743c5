"""`jingbao tiles build` and export-map tell their progress with the time left."""

from __future__ import annotations

import functools
import logging

import pytest

from map import tile_pack
from map.day_map_tiles import inline_tile_layer
from map.osm_features import read_osm
from map.progress import Progress, duration
from map.scenario_osm import write_osm
from map.tiles import open_pack
from resources import scenario as scenarios

pytestmark = pytest.mark.gui


@pytest.mark.parametrize(("seconds", "text"), [(0, "0 s"), (59.4, "59 s"), (60, "1 min 00 s"),
                                               (200, "3 min 20 s"), (3900, "1 h 05 min")])
def test_durations_read_as_a_person_plans(seconds, text) -> None:
    assert duration(seconds) == text


def test_lines_with_the_time_left_at_the_pace_so_far() -> None:
    now = [100.0]
    lines: list[str] = []
    progress = Progress("tiles", 1000, every_s=5, clock=lambda: now[0], say=lines.append)
    now[0] = 110.0
    progress.advance(250)  # 250 in 10 s: 750 more take 30 s
    now[0] = 112.0
    progress.advance(250)  # within 5 s of the last line: quiet
    now[0] = 120.0
    progress.advance(250)  # 750 in 20 s: 250 more take 6.67 s
    now[0] = 121.0
    progress.advance(250)  # the end is always told
    assert lines == ["tiles: 250/1,000 (25%), 10 s so far, about 30 s left",
                     "tiles: 750/1,000 (75%), 20 s so far, about 7 s left",
                     "tiles: 1,000/1,000 (100%), 21 s in all"]


def test_tiles_build_reports_each_batch(qapp, tmp_path, caplog, monkeypatch) -> None:
    """Batches of 16 so that the demo's 147 tiles at zoom 10-13 make at least nine of them,
    each told (not at most once a second, as for a person watching)."""
    monkeypatch.setattr(tile_pack, "BATCH", 16)
    monkeypatch.setattr(tile_pack, "Progress", functools.partial(Progress, every_s=0))
    scenario = scenarios.load()
    features = read_osm(write_osm(scenario, tmp_path / "demo.osm"))
    r = scenario.region
    caplog.set_level(logging.INFO, logger="map.progress")
    counts = tile_pack.build(features, range(10, 14), tmp_path / "p.mbtiles", "demo",
                             lon_lat_box=(r.min_lon, r.min_lat, r.max_lon, r.max_lat))
    told = [m for m in caplog.messages if m.startswith("tiles: ")]
    assert counts["tiles"] == 147 and len(told) >= 147 // 16
    assert told[-1].startswith(f"tiles: {counts['tiles']:,}/{counts['tiles']:,} (100%)")
    assert all("left" in line for line in told[:-1])


def test_export_map_reports_the_basemap_tiles(caplog) -> None:
    scenario = scenarios.load()
    caplog.set_level(logging.INFO, logger="map.progress")
    _layer, count = inline_tile_layer(open_pack(scenario.basemap), scenario.region)
    told = [m for m in caplog.messages if m.startswith("export-map basemap tiles: ")]
    assert told and told[-1].endswith(" in all")
    assert count <= int(told[-1].split("/")[1].split(" ")[0].replace(",", ""))
