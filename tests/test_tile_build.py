"""`jingbao tiles build`: an offline basemap rendered from an OSM extract with pyosmium and
QPainter, written as MBTiles or PMTiles, read back through the sources the map uses."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from console.cli import main
from map import basemap_render
from map.osm_features import read_osm, to_world
from map.scenario_osm import write_osm
from map.tiles import MBTilesSource, PMTilesSource, open_pack
from resources import scenario as scenarios
from tests import needs

pytestmark = pytest.mark.gui
ANDORRA = Path(__file__).resolve().parents[2] / "shared/data/osm/andorra.osm.pbf"


@pytest.fixture(scope="module")
def andorra_file() -> Path:
    needs.data(ANDORRA)
    return ANDORRA


def pixel(source, zoom: int, world_x: float, world_y: float) -> QColor:
    """The colour the pack shows at a point given in world pixels at zoom 0."""
    px, py = world_x * 2 ** zoom, world_y * 2 ** zoom
    data = source.get(zoom, int(px // 256), int(py // 256))
    assert data is not None, "no tile where the data is"
    image = QImage.fromData(data)
    return image.pixelColor(int(px % 256), int(py % 256))


def close(a: QColor, b: str, tolerance: int = 6) -> bool:
    c = QColor(b)
    return max(abs(a.red() - c.red()), abs(a.green() - c.green()),
               abs(a.blue() - c.blue())) <= tolerance


def test_andorra_pack_draws_water_and_roads_where_they_are(qapp, tmp_path, andorra_file,
                                                           capsys) -> None:
    out = tmp_path / "andorra.mbtiles"
    assert main(["tiles", "build", "--from-osm", str(andorra_file), "--zoom", "11-14",
                 "--out", str(out)]) == 0
    assert "tiles" in capsys.readouterr().out
    features = read_osm(andorra_file)
    pack = MBTilesSource(out)
    assert (pack.min_zoom, pack.max_zoom, pack.name) == (11, 14, "andorra")
    assert "OpenStreetMap" in pack.attribution
    db = sqlite3.connect(out)
    per_zoom = dict(db.execute("SELECT zoom_level, count(*) FROM tiles GROUP BY zoom_level"))
    bounds = features.bounds()
    assert per_zoom == {z: len(list(basemap_render.tile_range(bounds, z))) for z in range(11, 15)}
    # the largest lake, at its inside point: water colour (rows flipped right, projection right)
    lake = max(features.areas["water"], key=lambda g: g.area)
    inside = lake.representative_point()
    assert close(pixel(pack, 14, inside.x, inside.y), basemap_render.SEA)
    # the middle of the longest primary road's longest segment: primary fill or its casing
    road = max(features.roads["primary"], key=lambda g: g.length)
    middle = road.interpolate(0.5, normalized=True)
    colour = pixel(pack, 14, middle.x, middle.y)
    assert not close(colour, basemap_render.BACKGROUND_LAND, 20)
    # forest drawn where the forest is
    forest = max(features.areas["forest"], key=lambda g: g.area)
    inside = forest.representative_point()
    assert close(pixel(pack, 13, inside.x, inside.y), basemap_render.AREA_STYLE["forest"][0], 20)


def test_pmtiles_pack_reads_the_same_tiles(qapp, tmp_path, andorra_file) -> None:
    mbtiles, pmtiles = tmp_path / "a.mbtiles", tmp_path / "a.pmtiles"
    for out in (mbtiles, pmtiles):
        assert main(["tiles", "build", "--from-osm", str(andorra_file), "--zoom", "10-12",
                     "--out", str(out)]) == 0
    a, b = open_pack(mbtiles), open_pack(pmtiles)
    assert isinstance(b, PMTilesSource) and isinstance(a, MBTilesSource)
    assert (b.min_zoom, b.max_zoom, b.attribution, b.datum) == (10, 12, a.attribution, "wgs84")
    rows = sqlite3.connect(mbtiles).execute(
        "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles").fetchall()
    for z, x, row, data in rows:
        y = (1 << z) - 1 - row
        assert b.get(z, x, y) == bytes(data)
    assert b.get(12, 0, 0) is None  # outside the pack: nothing, no error
    assert b.get(9, 0, 0) is None


def test_labels_continue_across_tile_edges(qapp, tmp_path) -> None:
    """A label is placed once per zoom over the region; every tile it touches draws its part."""
    features = read_osm(write_osm(scenarios.load(), tmp_path / "demo.osm"))
    scene = basemap_render.ZoomScene(features, 15)
    names = {label.text for label in scene.labels}
    assert {"定海", "临城", "沈家门"} <= names
    boxes = [label.box for label in scene.labels]
    for i, a in enumerate(boxes):  # greedy placement: no two labels overlap
        for b in boxes[i + 1:]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]
    label = next(lb for lb in scene.labels if lb.text == "定海")
    x0, y0, x1, y1 = label.box
    tiles = {(int(x // 256), int(y // 256)) for x in (x0, x1) for y in (y0, y1)}
    for tx, ty in tiles:  # each tile under the label has dark label pixels in the label's box
        image = scene.render(tx, ty)
        left, top = max(x0, tx * 256) - tx * 256, max(y0, ty * 256) - ty * 256
        right, bottom = min(x1, tx * 256 + 255) - tx * 256, min(y1, ty * 256 + 255) - ty * 256
        dark = [image.pixelColor(int(x), int(y)).lightness() < 100
                for x in np.arange(left, right) for y in np.arange(top, bottom)]
        if right - left > 4 and bottom - top > 4:
            assert any(dark)


def test_the_shipped_demo_pack_is_built_from_the_current_scenario(qapp) -> None:
    scenario = scenarios.load()
    assert scenario.basemap is not None and scenario.basemap.exists()
    db = sqlite3.connect(scenario.basemap)
    meta = dict(db.execute("SELECT name, value FROM metadata"))
    current = hashlib.sha1(scenarios.DEMO_SCENARIO.read_bytes()).hexdigest()
    assert meta["source_sha1"] == current, (
        "the demo scenario changed: rebuild its pack with `make demo-tiles`")
    pack = open_pack(scenario.basemap)
    coast = shapely.Polygon(scenario.coastline).representative_point()
    wx, wy = to_world(np.array([coast.x]), np.array([coast.y]))
    assert not close(pixel(pack, 12, float(wx[0]), float(wy[0])), basemap_render.SEA, 10)
    sea_x, sea_y = to_world(np.array([scenario.region.min_lon + 0.01]),
                            np.array([scenario.region.min_lat + 0.01]))
    assert close(pixel(pack, 12, float(sea_x[0]), float(sea_y[0])), basemap_render.SEA)


def test_a_broken_extract_is_a_clear_error(qapp, tmp_path, caplog) -> None:
    bad = tmp_path / "broken.osm.pbf"
    bad.write_bytes(b"not an osm file at all")
    out = tmp_path / "x.mbtiles"
    assert main(["tiles", "build", "--from-osm", str(bad), "--out", str(out)]) == 2
    assert main(["tiles", "build", "--from-osm", str(tmp_path / "missing.pbf"),
                 "--out", str(out)]) == 2
    assert main(["tiles", "build", "--from-osm", str(bad), "--zoom", "15-3",
                 "--out", str(out)]) == 2
    assert not out.exists()
    assert "tiles build failed" in caplog.text


def test_a_coast_cut_by_the_extract_puts_the_sea_on_its_water_side(qapp, tmp_path) -> None:
    """Monaco: the mainland coast runs off both ends of the extract; the Mediterranean is on
    its right, the hills of France on its left."""
    monaco = ANDORRA.with_name("monaco.osm.gz")
    needs.data(monaco)
    out = tmp_path / "monaco.mbtiles"
    assert main(["tiles", "build", "--from-osm", str(monaco), "--zoom", "14-14",
                 "--out", str(out)]) == 0
    pack = MBTilesSource(out)
    (sea_x, land_x), (sea_y, land_y) = to_world(np.array([7.440, 7.415]),
                                                np.array([43.728, 43.745]))
    assert close(pixel(pack, 14, float(sea_x), float(sea_y)), basemap_render.SEA)
    assert not close(pixel(pack, 14, float(land_x), float(land_y)), basemap_render.SEA, 20)


def test_an_extract_with_missing_nodes_skips_those_ways(tmp_path) -> None:
    """Extracts cut at a boundary keep ways whose nodes lie outside: skipped, not fatal."""
    osm = tmp_path / "cut.osm"
    osm.write_text("""<?xml version='1.0' encoding='UTF-8'?>
<osm version="0.6">
  <node id="1" lat="30.00" lon="122.10" version="1"/>
  <node id="2" lat="30.01" lon="122.11" version="1"/>
  <way id="10" version="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="primary"/></way>
  <way id="11" version="1"><nd ref="1"/><nd ref="99"/><tag k="highway" v="primary"/></way>
</osm>
""", encoding="utf-8")
    features = read_osm(osm)
    assert len(features.roads["primary"]) == 1
