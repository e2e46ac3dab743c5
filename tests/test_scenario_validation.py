"""A hand-written scenario with a mistake is refused with the key and the line of each mistake.

Each case edits the demo file's text the way a person would (a misspelt key, a swapped pair),
and the expected line is found by searching that text, not by the loader's own locator.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from resources import scenario as scenarios
from resources.scenario_checks import ScenarioError, key_lines
from resources.scenario_model import ScenarioModel

DEMO = scenarios.DEMO_SCENARIO.read_text(encoding="utf-8")
SCHEMA = Path(__file__).parents[1] / "docs" / "scenario.schema.json"


def line_of(text: str, needle: str) -> int:
    """The 1-based line where `needle` first occurs in `text` (one occurrence expected)."""
    assert text.count(needle) == 1, needle
    return text[:text.index(needle)].count("\n") + 1


def load_text(tmp_path: Path, text: str) -> scenarios.Scenario:
    path = tmp_path / "center.json"
    path.write_text(text, encoding="utf-8")
    return scenarios.load(path)


def refused(tmp_path: Path, old: str, new: str) -> tuple[str, list[tuple[int, str, str]]]:
    text = DEMO.replace(old, new)
    assert text != DEMO
    with pytest.raises(ScenarioError) as caught:
        load_text(tmp_path, text)
    return text, caught.value.problems


@pytest.mark.parametrize(("old", "new", "key", "words"), [
    ('"max_estimated_loss_cny"', '"max_estimated_loss"', "program.max_estimated_loss",
     "unknown key"),
    ('"holidays"', '"holiday"', "program.holiday", "unknown key"),
    ('"max_estimated_loss_cny": 10000', '"max_estimated_loss_cny": -5',
     "program.max_estimated_loss_cny", "greater than 0"),
    ('"demo": true,', '"demo": true, "program_clock": {},', "program_clock", "unknown key"),
    ('"fleet": 100, "radio_id": "1004"', '"fleet": 100, "radio_id": "104"', "units.3.radio_id",
     "pattern"),
    ('"kind": "guide", "fleet": 100, "radio_id": "1005"',
     '"kind": "guard", "fleet": 100, "radio_id": "1005"', "units.4.kind", "'guide'"),
])
def test_a_wrong_key_or_value_is_named_with_its_line(tmp_path, old, new, key, words) -> None:
    text, problems = refused(tmp_path, old, new)
    [(line, named, message)] = problems
    assert named == key and words in message
    assert line == line_of(text, new)


def test_breach_minutes_misspelt_in_the_clock_is_refused(tmp_path) -> None:
    text, problems = refused(tmp_path, '"holidays":',
                             '"clock": {"warn_min": 6,\n "breach_minutes": 9},\n "holidays":')
    assert problems == [(line_of(text, '"breach_minutes"'), "program.clock.breach_minutes",
                         "unknown key (misspelt?)")]


def test_an_unknown_zone_kind_is_refused(tmp_path) -> None:
    old = '"定海城区": {"kind": "demo"'
    text, problems = refused(tmp_path, old, '"定海城区": {"kind": "arterail"')
    [(line, key, message)] = problems
    assert (line, key) == (line_of(text, "arterail"), "zones.定海城区.kind")
    assert "'arterail'" in message and "arterial" in message


def test_a_swapped_pair_is_named_as_swapped(tmp_path) -> None:
    text, problems = refused(tmp_path, '"定海解放路岗": [122.103, 30.018]',
                             '"定海解放路岗": [30.018, 122.103]')
    [(line, key, message)] = problems
    assert (line, key) == (line_of(text, "[30.018, 122.103]"), "posts.定海解放路岗")
    assert "swapped" in message and "[122.103, 30.018]" in message


def test_a_swapped_pair_in_range_is_caught_by_the_region(tmp_path) -> None:
    """In Andorra both (1.52, 42.51) and (42.51, 1.52) are valid coordinates: only the
    scenario's region tells which is right."""
    doc = json.loads(DEMO)
    doc["region"] = {"name": "Andorra", "min_lon": 1.40, "min_lat": 42.42, "max_lon": 1.79,
                     "max_lat": 42.66}
    for key in ("coastline", "zones", "towns", "arterials", "basemap"):
        del doc[key]
    doc["posts"] = {"Andorra la Vella": [1.5218, 42.5063], "Encamp": [42.5347, 1.5801]}
    for unit in doc["units"]:
        unit["post"] = "Andorra la Vella"
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    with pytest.raises(ScenarioError) as caught:
        load_text(tmp_path, text)
    [(line, key, message)] = caught.value.problems
    assert (line, key) == (line_of(text, '"Encamp"'), "posts.Encamp")
    assert "swapped" in message and "[1.5801, 42.5347]" in message


def test_a_point_far_outside_the_region_is_refused(tmp_path) -> None:
    text, problems = refused(tmp_path, '"沈家门东港岗": [122.314, 29.947]',
                             '"沈家门东港岗": [121.314, 29.947]')
    assert problems == [(line_of(text, "[121.314, 29.947]"), "posts.沈家门东港岗",
                         "[121.314, 29.947] lies outside the region 舟山本岛 "
                         "(121.95–122.4°E, 29.88–30.22°N)")]


def test_an_unknown_post_names_the_unit_not_a_key_error(tmp_path) -> None:
    old = '"radio_id": "1004", "post": "定海东管庙岗"'
    text, problems = refused(tmp_path, old, '"radio_id": "1004", "post": "定海东关庙岗"')
    [(line, key, message)] = problems
    assert (line, key) == (line_of(text, "定海东关庙岗"), "units.3.post")
    assert message.startswith("unit G04: no post named '定海东关庙岗'; posts: ")


def test_every_problem_is_listed_at_once(tmp_path) -> None:
    text = DEMO.replace('"max_estimated_loss_cny"', '"max_loss"').replace(
        '"spacing": 0.004,', '"spacing": 0,', 1)
    with pytest.raises(ScenarioError) as caught:
        load_text(tmp_path, text)
    assert [key for _, key, _ in caught.value.problems] == ["program.max_loss",
                                                            "towns.定海.spacing"]
    assert "center.json line 10: program.max_loss: unknown key" in str(caught.value)


def test_broken_json_names_its_line(tmp_path) -> None:
    text = DEMO.replace('"demo": true,', '"demo": true,,')
    with pytest.raises(ScenarioError) as caught:
        load_text(tmp_path, text)
    assert caught.value.problems[0][0] == line_of(text, '"demo": true,,')


def test_key_lines_on_a_small_text() -> None:
    text = '{"a": 1,\n "b": [\n  {"c": [1,\n 2]}, 3],\n "d": {}}'
    assert key_lines(text) == {(): 1, ("a",): 1, ("b",): 2, ("b", 0): 3, ("b", 0, "c"): 3,
                               ("b", 0, "c", 0): 3, ("b", 0, "c", 1): 4, ("b", 1): 4,
                               ("d",): 5}


def test_the_demo_is_valid_and_carries_the_radio_code_plan() -> None:
    """The code plan is the fleet's, so the scenario states it rather than a default."""
    assert json.loads(DEMO)["radio_status"] == {"arrived": [3], "emergency": [99]}
    scenario = scenarios.load()
    assert scenario.radio_status.arrived == {3} and scenario.radio_status.emergency == {99}


def test_a_working_calendar_year_is_checked(tmp_path) -> None:
    year = ('"calendar": {"2027": {"holidays": ["2027-01-01"],\n'
            '  "make_up_days": ["2027-02-06"]}},\n "holidays":')
    text, problems = refused(tmp_path, '"holidays":', year)
    assert problems == [(line_of(text, '"make_up_days"'), "program.calendar.2027.make_up_days",
                         "unknown key (misspelt?)")]
    good = DEMO.replace('"holidays":', '"calendar": {"2027": {"holidays": ["2027-01-01"], '
                                       '"workdays": ["2027-02-06"]}}, "holidays":')
    assert load_text(tmp_path, good).rules().calendar.is_working_day(date(2027, 2, 6))


def test_the_published_schema_is_the_generated_one() -> None:
    """docs/scenario.schema.json is what editors check against; regenerate it with
    `jingbao scenario --schema > docs/scenario.schema.json` after changing the models."""
    published = json.loads(SCHEMA.read_text(encoding="utf-8"))
    assert published == ScenarioModel.model_json_schema()


def test_a_missing_geojson_file_names_the_key_that_names_it(tmp_path) -> None:
    text, problems = refused(tmp_path, '"basemap": "zhoushan.mbtiles",',
                             '"basemap": "zhoushan.mbtiles",\n  "posts_geojson": "posts.geojson",')
    [(line, key, message)] = problems
    assert (line, key) == (line_of(text, '"posts_geojson"'), "posts_geojson")
    assert "posts.geojson" in message and "No such file" in message


def test_a_unit_or_radio_used_twice_is_refused(tmp_path) -> None:
    second = '"name": "引导员02", "insurer": "平安", "kind": "guide", "fleet": 100'
    text, problems = refused(tmp_path, f'{{"unit_id": "G02", {second}, "radio_id": "1002"',
                             f'{{"unit_id": "G01", {second}, "radio_id": "1001"')
    line = line_of(text, '"name": "引导员02", "insurer": "平安"')
    assert problems == [(line, "units.1.unit_id", "unit id 'G01' is used twice"),
                        (line, "units.1.radio_id", "unit G01: radio 100-1001 is already unit "
                                                   "G01's")]


def test_a_port_bound_to_an_unknown_unit_is_refused(tmp_path) -> None:
    text, problems = refused(tmp_path, '"radio_status":',
                             '"radio_ports": [{"name": "gnss", "url": "/dev/ttyUSB0",\n'
                             '   "protocol": "nmea", "unit": "G99"}],\n  "radio_status":')
    assert problems == [(line_of(text, '"unit": "G99"'), "radio_ports.0.unit",
                         "port gnss: no unit 'G99'")]


def test_a_swapped_post_in_geojson_is_named(tmp_path) -> None:
    posts = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "定海解放路岗"},
         "geometry": {"type": "Point", "coordinates": [30.02, 122.101]}}]}
    (tmp_path / "posts.geojson").write_text(json.dumps(posts, ensure_ascii=False), "utf-8")
    doc = json.loads(DEMO)
    del doc["posts"], doc["basemap"]
    for unit in doc["units"]:
        unit["post"] = "定海解放路岗"
    doc["posts_geojson"] = "posts.geojson"
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    with pytest.raises(ScenarioError) as caught:
        load_text(tmp_path, text)
    [(line, key, message)] = caught.value.problems
    assert (line, key) == (line_of(text, '"posts_geojson"'), "posts_geojson.定海解放路岗")
    assert "swapped" in message
