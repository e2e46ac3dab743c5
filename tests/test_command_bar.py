"""The command line's grammar: parsing, errors in words, completion."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.command_bar import VERBS, CommandError, Parsed, completions, parse

CASES = ["1001", "1002", "1023"]
UNITS = ["G01", "G07", "P01"]


@pytest.mark.parametrize(("line", "parsed"), [
    ("/d 1023 G07", Parsed("dispatch", ("1023", "G07"))),
    ("/d 1023 g07", Parsed("dispatch", ("1023", "G07"))),
    ("/s G07 av", Parsed("status", ("G07", "available"))),
    ("/s g07 OFF", Parsed("status", ("G07", "off_duty"))),
    ("/r 1023 police", Parsed("refer", ("1023", "referred_police"))),
    ("/r 1023 120", Parsed("refer", ("1023", "referred_120"))),
    ("  /m 1023 1001 ", Parsed("merge", ("1023", "1001"))),
    ("/t 1002", Parsed("triage", ("1002",))),
    ("/c 1002 settled", Parsed("close", ("1002", "settled"))),
    ("/s g07 br", Parsed("status", ("G07", "on_break"))),
    ("/c 1002 NO_ACCIDENT", Parsed("close", ("1002", "no_accident"))),
    ("/o 1002 交警退回 需派引导员", Parsed("reopen", ("1002", "交警退回 需派引导员"))),
    ("/p G07 请到 解放路 口", Parsed("page", ("G07", "请到 解放路 口"))),
    ("/p G07 #2", Parsed("page", ("G07", "请报告当前位置"))),
    ("/g all #4", Parsed("group_page", ("all", "请返回执勤点"))),
    ("/map 100/1099 G07", Parsed("map_radio", ("100/1099", "G07"))),
])
def test_parse(line, parsed) -> None:
    assert parse(line, CASES, UNITS) == parsed


@pytest.mark.parametrize(("line", "code", "values"), [
    ("d 1023 G07", "not_a_command", {}),
    ("/x 1023", "unknown_verb", {"word": "/x"}),
    ("/d 1023", "usage", {"verb": "d"}),
    ("/d 9999 G07", "unknown_word", {"kind": "case", "word": "9999"}),
    ("/d 1023 G99", "unknown_word", {"kind": "unit", "word": "G99"}),
    ("/s G07 asleep", "unknown_word", {"kind": "status", "word": "asleep"}),
    ("/r 1023 fire", "unknown_word", {"kind": "target", "word": "fire"}),
    ("/p G07 #9", "no_canned", {"word": "#9"}),
    ("/map 1099 G07", "unknown_word", {"kind": "radio", "word": "1099"}),
    ("/t 1002 extra", "usage", {"verb": "t"}),
])
def test_errors_say_what_is_wrong(line, code, values) -> None:
    """The core names what is wrong as a code and values; the console says it in the
    dispatcher's language (console/texts.py)."""
    with pytest.raises(CommandError) as error:
        parse(line, CASES, UNITS)
    assert error.value.code == code
    assert values.items() <= error.value.values.items()


def test_every_verb_has_its_help_and_every_error_its_text(qapp) -> None:
    from console.texts import COMMAND_ERRORS, command_error_text, verb_help

    assert all(verb_help(letter) for letter in VERBS)
    assert set(COMMAND_ERRORS) | {"usage"} == set(CommandError.MESSAGES)
    assert command_error_text("unknown_word", {"kind": "unit", "word": "G99"}) == (
        "Unknown unit: G99")  # no translator installed in the tests: the source text
    assert command_error_text("usage", {"verb": "d"}).startswith("Usage: /d CASE UNIT")


def test_completion_follows_the_grammar() -> None:
    assert completions("/", CASES, UNITS) == ["/d ", "/t ", "/a ", "/r ", "/m ", "/k ", "/c ",
                                              "/o ", "/u ", "/s ", "/p ", "/g ", "/map ", "/f ",
                                              "/z ", "/poll ", "/find "]
    assert completions("/d 10", CASES, UNITS) == ["/d 1001", "/d 1002", "/d 1023"]
    assert completions("/d 1023 G", CASES, UNITS) == ["/d 1023 G01", "/d 1023 G07"]
    assert completions("/s G07 o", CASES, UNITS) == ["/s G07 off"]
    assert completions("/c 1001 x", CASES, UNITS) == []
    assert completions("/c 1001 s", CASES, UNITS) == ["/c 1001 settled"]
    assert completions("/c 1001 settled x", CASES, UNITS) == []


@given(st.text(max_size=40))
def test_any_line_parses_or_says_why(line) -> None:
    try:
        parse(line, CASES, UNITS)
    except CommandError as exc:
        assert str(exc)
    completions(line, CASES, UNITS)


def test_a_recall_takes_the_case_and_the_reason_as_said() -> None:
    assert parse("/u 1023 改派 G07 更近", CASES, UNITS) == Parsed("recall",
                                                              ("1023", "改派 G07 更近"))
