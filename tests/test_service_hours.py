"""Service hours by kind of road, as the seed article describes them, on China's working
calendar: the expected days below are the State Council's published 2026 arrangement."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dispatch.china_calendar import CALENDAR
from dispatch.service_hours import CHINA_TZ, DEFAULT_SCHEDULES, in_service
from dispatch.working_calendar import (
    CalendarUnknown,
    CalendarYear,
    WorkingCalendar,
    calendar_from_config,
)
from tests import needs


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


@pytest.mark.parametrize(("kind", "moment", "served"), [
    ("arterial", "2026-11-25T08:10", True),  # Wednesday morning peak
    ("arterial", "2026-11-25T10:00", False),  # between peaks
    ("arterial", "2026-11-28T17:30", True),  # Saturday evening peak
    ("non_arterial", "2026-11-25T10:00", True),  # weekday daytime
    ("non_arterial", "2026-11-28T10:00", False),  # Saturday
    ("rural", "2026-11-25T18:00", False),  # after hours
    ("non_arterial", "2026-10-01T10:00", False),  # National Day is not a working day
    ("non_arterial", "2026-10-05T10:00", False),  # nor the Monday of its week
    ("non_arterial", "2026-10-10T10:00", True),  # the Saturday worked to make up for it
    ("rural", "2026-02-14T10:00", True),  # worked Saturday before the Spring Festival
    ("rural", "2026-09-20T10:00", True),  # worked Sunday
    ("holiday", "2026-10-01T10:00", True),
    ("holiday", "2026-02-17T10:00", True),  # Spring Festival
    ("holiday", "2026-10-10T10:00", False),  # a make-up working day is no holiday
    ("holiday", "2026-11-25T10:00", False),
    ("unknown_kind", "2026-11-25T08:10", False),
])
def test_service_hours(kind, moment, served) -> None:
    assert in_service(kind, at(moment), DEFAULT_SCHEDULES, CALENDAR) is served


def test_time_is_judged_in_china_time() -> None:
    utc_morning = datetime.fromisoformat("2026-11-25T00:10:00+00:00")  # 08:10 in Zhoushan
    assert in_service("arterial", utc_morning, DEFAULT_SCHEDULES, CALENDAR)


def test_a_year_the_calendar_does_not_know_is_never_guessed() -> None:
    """chinese-calendar 1.11.0 has no 2027 arrangement: weekday hours refuse to answer, and
    say why; hours that do not depend on the calendar still answer."""
    assert not CALENDAR.knows(2027)
    with pytest.raises(CalendarUnknown, match="2027年.*调休安排未知") as refused:
        in_service("non_arterial", at("2027-03-03T10:00"), DEFAULT_SCHEDULES, CALENDAR)
    assert "chinese-calendar" in str(refused.value)
    assert in_service("arterial", at("2027-03-03T08:10"), DEFAULT_SCHEDULES, CALENDAR)


def test_a_scenario_adds_a_year_once_it_is_published() -> None:
    own = calendar_from_config({"2027": {"holidays": ["2027-01-01"],
                                         "workdays": ["2027-01-02"]}}, CALENDAR, ["2027-03-03"])
    assert own.knows(2026) and own.knows(2027)
    assert own.is_working_day(date(2027, 1, 2))  # a Saturday worked
    assert not own.is_working_day(date(2027, 1, 1))
    assert own.is_holiday(date(2027, 3, 3))  # the city's own day off
    assert "方案" in own.source


def test_the_bundled_calendar_knows_the_current_year() -> None:
    assert CALENDAR.knows(2026)
    empty = WorkingCalendar({2026: CalendarYear(frozenset(), frozenset())})
    assert empty.is_working_day(date(2026, 10, 1))  # a calendar without holidays says so


def test_the_committed_calendar_is_what_the_generator_writes() -> None:
    """dispatch/china_calendar.py is generated, not hand-edited: regenerating it for the same
    years from the installed chinese-calendar gives the same file (when the package is newer
    and knows more, regenerate and commit)."""
    try:
        import chinese_calendar
    except ImportError:
        needs.missing("the chinese-calendar package", "`make test` installs the test extra")
    import importlib.util
    from pathlib import Path

    from dispatch import china_calendar

    root = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location(
        "generate_china_calendar", root / "scripts" / "generate_china_calendar.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    if china_calendar.SOURCE != f"chinese-calendar {chinese_calendar.__version__}":
        needs.missing(f"chinese-calendar as in {china_calendar.SOURCE}",
                      "the test extra pins it; regenerate the data when you bump it")
    written = (root / "dispatch" / "china_calendar.py").read_text(encoding="utf-8")
    assert generator.render(list(china_calendar.GENERATED_FOR)) == written


def test_the_scenario_lays_its_own_years_and_days_off_over_the_bundled_calendar() -> None:
    from dispatch.config import program_calendar
    from resources import scenario as scenarios

    demo = scenarios.load().rules().calendar
    assert demo.knows(2026) and demo.is_working_day(date(2026, 10, 10))
    own = program_calendar({"holidays": ["2026-11-25"],
                            "calendar": {"2027": {"holidays": ["2027-10-01"], "workdays": []}}})
    assert own.is_holiday(date(2026, 11, 25)) and own.knows(2027)
    assert not in_service("non_arterial", at("2026-11-25T10:00"), DEFAULT_SCHEDULES, own)
