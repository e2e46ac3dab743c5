"""Slip validation is complete: what the feed accepts can be stored on SQLite and PostgreSQL.

Pure tests of `decode_slip` and `parse_alert_slip`; tests/test_feed.py sends the same poisons
over a real websocket into both databases.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch import alerts
from dispatch.alerts import SlipRejected, alert_id_of, decode_slip, parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.eligibility import EXCLUSIONS
from hub.simulated_feed import SlipFactory
from resources import scenario
from tests.test_dispatch_core import SLIP

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "@@literal@@"


def with_literal(doc: dict[str, Any], path: tuple[str, ...], literal: str) -> str:
    """The slip as JSON text with a raw literal at `path` (NaN, 1e400: nothing dumps to them)."""
    doc = json.loads(json.dumps(doc))
    parent = doc
    for key in path[:-1]:
        parent = parent.setdefault(key, {})
    parent[path[-1]] = PLACEHOLDER
    return json.dumps(doc).replace(f'"{PLACEHOLDER}"', literal)


def nested(doc: dict[str, Any], depth: int) -> str:
    """The slip with an array `depth` deep as a structured fact (the slip adds two levels)."""
    return with_literal(doc, ("structured", "note"), "[" * depth + "]" * depth)


def slip_with(doc: dict[str, Any], **changes: Any) -> str:
    return json.dumps({**doc, **changes})


def structured_with(doc: dict[str, Any], **facts: Any) -> str:
    return json.dumps({**doc, "structured": {**doc["structured"], **facts}})


def poisons(doc: dict[str, Any]) -> list[tuple[str, str | bytes, str]]:
    """(name, message, what the reason must contain) for messages the feed must refuse: most
    used to pass validation and then fail in storage, on one database or on both."""
    location = doc["location"]
    return [
        ("lon 1e400", with_literal(doc, ("location", "lon"), "1e400"), "'location.lon'"),
        ("lat -1e400", with_literal(doc, ("location", "lat"), "-1e400"), "'location.lat'"),
        ("lon Infinity", with_literal(doc, ("location", "lon"), "Infinity"), "'location.lon'"),
        ("loss NaN", with_literal(doc, ("structured", "estimated_loss_cny"), "NaN"),
         "'structured.estimated_loss_cny'"),
        ("loss -Infinity", with_literal(doc, ("structured", "estimated_loss_cny"), "-Infinity"),
         "'structured.estimated_loss_cny'"),
        ("loss of 40 digits", with_literal(doc, ("structured", "estimated_loss_cny"), "9" * 40),
         "'structured.estimated_loss_cny'"),
        ("nested 9 deep", nested(doc, 7), "message: nested deeper than 8"),
        ("nested 1000 deep", nested(doc, 1000), "message: nested deeper than 8"),
        ("nested 5000 deep", nested(doc, 5000), "message: nested deeper than 8"),
        ("nested 100000 deep", nested(doc, 100_000), "message: 200"),
        ("NUL in description", slip_with(doc, description="追尾\u0000"), "'description'"),
        ("NUL in alert_id", slip_with(doc, alert_id="A\u00001"), "'alert_id'"),
        ("lone surrogate in description", slip_with(doc, description="\ud800"), "'description'"),
        ("lone surrogate in a plate", structured_with(doc, plates=["浙L\udfff"]),
         "'structured.plates[0]'"),
        ("NUL in a plate", structured_with(doc, plates=["浙L\u0000"]), "'structured.plates[0]'"),
        ("bell in caller_phone", slip_with(doc, caller_phone="138\u0007"), "'caller_phone'"),
        ("alert_id of 81", slip_with(doc, alert_id="A" * 81), "'alert_id'"),
        ("alert_id of 200", slip_with(doc, alert_id="A" * 200), "'alert_id'"),
        ("alert_id with a space", slip_with(doc, alert_id="A 1"), "'alert_id'"),
        ("description of 1 MB", slip_with(doc, description="x" * 1_000_000), "message: 10"),
        ("message of 300 KB", slip_with(doc, location={**location, "address": "x" * 300_000}),
         "message: 30"),
        ("loss -1", structured_with(doc, estimated_loss_cny=-1),
         "'structured.estimated_loss_cny'"),
        ("loss true", structured_with(doc, estimated_loss_cny=True),
         "'structured.estimated_loss_cny'"),
        ("loss of 1e9", structured_with(doc, estimated_loss_cny=1e9),
         "'structured.estimated_loss_cny'"),
        ("vehicles -1", structured_with(doc, vehicles=-1), "'structured.vehicles'"),
        ("vehicles 1e3", with_literal(doc, ("structured", "vehicles"), "1e3"),
         "'structured.vehicles'"),
        ("vehicles 2.0", structured_with(doc, vehicles=2.0), "'structured.vehicles'"),
        ("fire 'no'", structured_with(doc, fire="no"), "'structured.fire'"),
        ("received_at in 0001", slip_with(doc, received_at="0001-01-01T00:00:00+08:00"),
         "'received_at'"),
        ("received_at in 9999", slip_with(doc, received_at="9999-12-31T23:00:00-08:00"),
         "'received_at'"),
        ("received_at in 1969", slip_with(doc, received_at="1969-12-31T23:59:59+08:00"),
         "'received_at'"),
        ("received_at in 2101", slip_with(doc, received_at="2101-01-01T00:00:00-08:00"),
         "'received_at'"),
        ("misspelt field", slip_with(doc, descripton="追尾"), "'descripton'"),
        ("unknown location field", slip_with(doc, location={**location, "alt": 3}),
         "'location.alt'"),
        ("21 structured facts", json.dumps({**doc, "structured": {f"k{n}": n for n in range(21)}}),
         "'structured'"),
        ("a list as a fact", structured_with(doc, witnesses=["a"]), "'structured.witnesses'"),
        ("binary frame not UTF-8", b'{"alert_id": "\xff"}', "message: not UTF-8"),
        ("binary frame of 20 KiB", json.dumps({**doc, "description": "x" * 20_000}).encode(),
         "message: 20"),
    ]


POISONS = poisons(SLIP)


@pytest.mark.parametrize(("message", "reason"), [p[1:] for p in POISONS],
                         ids=[p[0] for p in POISONS])
def test_poison_is_rejected_naming_the_field(message: str | bytes, reason: str) -> None:
    with pytest.raises(SlipRejected) as rejected:
        parse_alert_slip(decode_slip(message), ZHOUSHAN)
    assert reason in str(rejected.value)
    str(rejected.value).encode("utf-8")  # the reason itself can be sent back


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"location": {"lon": 10**400, "lat": 30.0}}, "'location.lon'"),
        ({"location": {"lon": 122.1, "lat": float("nan")}}, "'location.lat'"),
        ({"structured": {"estimated_loss_cny": float("inf")}}, "'structured.estimated_loss_cny'"),
        ({"structured": {"note": 2**60}}, "'structured.note'"),
        ({"structured": {1: True}}, "'structured.1'"),
        ({"structured": {(1, 2): True}}, "'structured.(1, 2)'"),
        ({"structured": {"": True}}, "'structured.'"),
        ({"structured": {"k" * 41: True}}, "'structured." + "k" * 40 + "…'"),
        ({"structured": {"note": {"a": 1}}}, "'structured.note'"),
        ({"structured": {"note": "x" * 201}}, "'structured.note'"),
        ({"structured": {"plates": ["浙L1"] * 11}}, "'structured.plates'"),
        ({"structured": {"plates": ["浙" * 17]}}, "'structured.plates[0]'"),
        ({"structured": {"plates": [12345]}}, "'structured.plates[0]'"),
        ({"structured": [1]}, "'structured'"),
        ({"structured": False}, "'structured'"),
        ({"description": "x" * 1_000_000}, "'description'"),
        ({"description": "x" * 2001}, "'description'"),
        ({"location": {"lon": 122.1, "lat": 30.0, "address": "路" * 201}}, "'location.address'"),
        ({"caller_phone": "1" * 33}, "'caller_phone'"),
        ({"received_at": None}, "'received_at' is required"),
        ({"received_at": "2026-11-25T08:00:00+08:00" + "0" * 20}, "'received_at'"),
        ({b"alert_id": "A-1"}, "unknown field \"b'alert_id'\""),
    ],
)
def test_python_documents_are_held_to_the_same_rules(changes: dict, field: str) -> None:
    """`jingbao triage` and tests hand documents in directly, with values JSON never makes."""
    with pytest.raises(SlipRejected) as rejected:
        parse_alert_slip({**SLIP, **changes}, ZHOUSHAN)
    assert field in str(rejected.value)


def test_values_at_the_limits_are_accepted() -> None:
    doc = {
        **SLIP,
        "alert_id": "A" * alerts.MAX_ALERT_ID,
        "received_at": "1970-01-01T08:00:00+08:00",
        "caller_phone": "+86 " + "1" * 28,
        "location": {"lon": 122.1, "lat": 30.0, "address": "路" * alerts.MAX_ADDRESS},
        "description": "追尾\t无人受伤\r\n" + "x" * (alerts.MAX_DESCRIPTION - 9),
        "structured": {
            "estimated_loss_cny": alerts.MAX_LOSS_CNY, "vehicles": 100, "injuries": None,
            "plates": ["浙" * alerts.MAX_PLATE] * alerts.MAX_PLATES,
            **{f"k{n:0>39}": n / 7 for n in range(alerts.MAX_STRUCTURED_KEYS - 4)},
        },
    }
    slip = parse_alert_slip(decode_slip(json.dumps(doc)), ZHOUSHAN)
    assert slip.alert_id == doc["alert_id"] and slip.received_at.year == 1970
    assert slip.description.endswith("x") and "\t" in slip.description
    assert slip.structured["injuries"] is None and len(slip.structured["plates"]) == 10
    late = parse_alert_slip({**doc, "received_at": "2100-12-31T23:59:59+12:00"}, ZHOUSHAN)
    assert late.received_at.year == 2100
    for outside in ("1970-01-01T07:59:59+08:00", "2100-12-31T23:59:59-12:00"):
        with pytest.raises(SlipRejected, match="outside the years 1970..2100"):
            parse_alert_slip({**doc, "received_at": outside}, ZHOUSHAN)


def test_a_slip_decades_off_is_left_to_the_engine() -> None:
    """Only absurd years are refused here; the engine judges a time against its own clock."""
    for year in (1999, 2099):
        when = f"{year}-01-01T08:00:00+08:00"
        assert parse_alert_slip({**SLIP, "received_at": when}, ZHOUSHAN).received_at.year == year


def test_slips_of_the_simulator_and_the_test_data_are_accepted() -> None:
    demo = scenario.load()
    factory = SlipFactory(demo, seed=3)
    for _ in range(300):
        parse_alert_slip(decode_slip(json.dumps(factory.make(), ensure_ascii=False)), demo.region)
    lines = (ROOT / "tests/data/slips.jsonl").read_text(encoding="utf-8").splitlines()
    for line in lines[:3]:
        parse_alert_slip(decode_slip(line), ZHOUSHAN)


def test_exclusion_flags_are_typed_as_flags() -> None:
    """Eligibility refers a slip whose exclusion flag is truthy: the string "no" would do it."""
    assert set(EXCLUSIONS) <= set(alerts.FLAGS)


def test_size_is_counted_in_utf8_bytes() -> None:
    text = json.dumps({**SLIP, "description": "浙" * 6000}, ensure_ascii=False)
    assert len(text) < alerts.MAX_MESSAGE_BYTES < len(text.encode("utf-8"))
    with pytest.raises(SlipRejected, match="message: 18"):
        decode_slip(text)


def test_nesting_up_to_the_limit_decodes() -> None:
    assert decode_slip("[" * alerts.MAX_DEPTH + "]" * alerts.MAX_DEPTH) == [[[[[[[[]]]]]]]]
    with pytest.raises(SlipRejected, match="nested deeper"):
        decode_slip("[" * (alerts.MAX_DEPTH + 1) + "]" * (alerts.MAX_DEPTH + 1))


def test_a_binary_frame_of_utf8_is_a_slip() -> None:
    slip = parse_alert_slip(decode_slip(json.dumps(SLIP, ensure_ascii=False).encode()), ZHOUSHAN)
    assert slip.address == "定海 解放路"


@pytest.mark.parametrize(("doc", "expected"), [
    (SLIP, "A-1"), ({"alert_id": " A-2 "}, "A-2"), ({"alert_id": "A\u00001"}, None),
    ({"alert_id": "\ud800"}, None), ({"alert_id": "A" * 65}, None), ({"alert_id": 7}, None),
    ([1], None),
])
def test_only_a_valid_alert_id_is_echoed(doc: Any, expected: str | None) -> None:
    assert alert_id_of(doc) == expected


# -- property: whatever passes can be stored ---------------------------------------------------
# A valid slip with one or two fields replaced by awkward values: a slip passes only if all its
# fields do, so a rule that lets one awkward value through shows as an accepted slip that fails.

# Written as "<<literal>>", swapped for the bare literal in the JSON text.
RAW_LITERALS = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "9" * 30, "1e-400", "-0"]
BAD_CHARACTERS = ["\x00", "\x07", "\x1b", "\x7f", "\ud800", "\udfff", "\t", "\n", " "]
# Allowed but awkward: C1 controls, U+2028, BOM, U+FFFF, astral characters (tab, CR, LF too in
# the multi-line fields).
line_characters = st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from(
    "\x85\u2028\ufeff\uffff\U0001f697")
text_characters = line_characters | st.sampled_from("\t\n\r")
junk_characters = st.characters() | st.characters(categories=["Cs"]) | st.characters(
    max_codepoint=0x1F)
numbers = st.one_of(st.integers(), st.integers(-(2**70), 2**70), st.floats(),
                    st.sampled_from([0, -0.0, 5e-324, 1e308, 2**53, 2**53 + 1, 1e8, 1e8 + 1]),
                    st.sampled_from(RAW_LITERALS).map(lambda s: f"<<{s}>>"))
junk_texts = st.text(junk_characters, max_size=20)
junk = st.recursive(st.none() | st.booleans() | numbers | junk_texts,
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(junk_texts, inner, max_size=3), max_leaves=8)
offsets = st.integers(-1439, 1439).map(lambda minutes: timezone(timedelta(minutes=minutes)))
times = st.datetimes(datetime(1970, 1, 2), datetime(2100, 12, 30), timezones=offsets).map(
    datetime.isoformat)
any_times = st.datetimes().map(str) | st.datetimes(timezones=offsets).map(datetime.isoformat)
facts = st.fixed_dictionaries({}, optional={
    **dict.fromkeys(alerts.FLAGS, st.booleans() | st.none()),
    "estimated_loss_cny": st.floats(0, alerts.MAX_LOSS_CNY) | st.integers(0, 10**8),
    "vehicles": st.integers(*alerts.VEHICLES),
    "plates": st.lists(st.text(line_characters, max_size=alerts.MAX_PLATE),
                       max_size=alerts.MAX_PLATES),
    "note": st.none() | st.booleans() | st.floats(-1e9, 1e9) | st.text(line_characters),
})
valid_slips = st.fixed_dictionaries(
    {"alert_id": st.text(st.characters(categories=["L", "M", "N", "P", "S"]), min_size=1,
                         max_size=alerts.MAX_ALERT_ID),
     "received_at": times,
     "location": st.fixed_dictionaries(
         {"lon": st.floats(ZHOUSHAN.min_lon, ZHOUSHAN.max_lon),
          "lat": st.floats(ZHOUSHAN.min_lat, ZHOUSHAN.max_lat)},
         optional={"address": st.text(text_characters, max_size=alerts.MAX_ADDRESS)})},
    optional={"caller_phone": st.text(line_characters, max_size=alerts.MAX_PHONE),
              "description": st.text(text_characters, max_size=300),
              "structured": facts})


def near(limit: int) -> st.SearchStrategy[str]:
    """Text of exactly `limit` characters, or text with one character a field may refuse."""
    return st.just("x" * limit) | st.builds(lambda n, bad: "x" * n + bad + "x" * (limit - 1 - n),
                                            st.integers(0, limit - 1),
                                            st.sampled_from(BAD_CHARACTERS))


AWKWARD: dict[tuple, st.SearchStrategy] = {
    ("structured", "note"): near(alerts.MAX_STRUCTURED_TEXT) | numbers | junk,
    ("alert_id",): near(alerts.MAX_ALERT_ID) | junk,
    ("received_at",): any_times | near(alerts.MAX_RECEIVED_AT) | junk,
    ("caller_phone",): near(alerts.MAX_PHONE) | junk,
    ("description",): near(alerts.MAX_DESCRIPTION) | junk,
    ("location", "address"): near(alerts.MAX_ADDRESS) | junk,
    ("location", "lon"): numbers | junk,
    ("location", "lat"): numbers | junk,
    **{("structured", key): numbers | junk for key in alerts.STRUCTURED_FIELDS},
    ("structured", "plates", 0): near(alerts.MAX_PLATE) | junk,
    **{path: junk for path in [("location",), ("structured",), ("location", "alt"),
                               ("descripton",)]},
}
edits = st.lists(st.sampled_from(list(AWKWARD)).flatmap(
    lambda path: st.tuples(st.just(path), AWKWARD[path])), min_size=1, max_size=2)


def edited(doc: dict[str, Any], changes: list[tuple[tuple, Any]]) -> dict[str, Any]:
    """The slip with each path set to its value, where the path still leads somewhere."""
    for path, value in changes:
        parent: Any = doc
        for key, below in zip(path, path[1:], strict=False):
            empty = [None] if isinstance(below, int) else {}
            parent = parent.setdefault(key, empty) if isinstance(parent, dict) else None
        if isinstance(parent, dict) and isinstance(path[-1], str):
            parent[path[-1]] = value
        elif isinstance(parent, list) and parent and isinstance(path[-1], int):
            parent[path[-1]] = value
    return doc


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [*strings_in(k), *strings_in(v)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def assert_storable(slip: alerts.AlertSlip) -> None:
    payload = slip.to_payload()
    json.dumps(payload, allow_nan=False, ensure_ascii=False).encode("utf-8")
    assert all("\x00" not in s for s in strings_in(payload))
    assert 0 < len(slip.alert_id) <= alerts.MAX_ALERT_ID
    assert len(f"alert:{slip.alert_id}:{'0' * 16}") <= 160


@settings(max_examples=300, deadline=None)
@given(valid_slips, edits)
def test_whatever_is_accepted_can_be_stored(doc: dict[str, Any], changes: list) -> None:
    doc = edited(doc, changes)
    text = re.sub(r'"<<([^"]*)>>"', r"\1", json.dumps(doc))
    for parse in (lambda: parse_alert_slip(doc, ZHOUSHAN),
                  lambda: parse_alert_slip(decode_slip(text), ZHOUSHAN)):
        try:
            slip = parse()
        except SlipRejected as rejected:
            str(rejected).encode("utf-8")  # the reason itself can be sent back
            continue
        assert_storable(slip)
