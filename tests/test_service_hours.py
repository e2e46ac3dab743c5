"""Service hours by kind of road, as the seed article describes them."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from dispatch.service_hours import CHINA_TZ, DEFAULT_SCHEDULES, in_service

HOLIDAYS = frozenset({date(2026, 10, 1)})


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


@pytest.mark.parametrize(("kind", "moment", "served"), [
    ("arterial", "2026-11-25T08:10", True),  # Wednesday morning peak
    ("arterial", "2026-11-25T10:00", False),  # between peaks
    ("arterial", "2026-11-28T17:30", True),  # Saturday evening peak
    ("non_arterial", "2026-11-25T10:00", True),  # weekday daytime
    ("non_arterial", "2026-11-28T10:00", False),  # Saturday
    ("rural", "2026-11-25T18:00", False),  # after hours
    ("non_arterial", "2026-10-01T10:00", False),  # a holiday is not a working day
    ("holiday", "2026-10-01T10:00", True),
    ("holiday", "2026-11-25T10:00", False),
    ("unknown_kind", "2026-11-25T08:10", False),
])
def test_service_hours(kind, moment, served) -> None:
    assert in_service(kind, at(moment), DEFAULT_SCHEDULES, HOLIDAYS) is served


def test_time_is_judged_in_china_time() -> None:
    utc_morning = datetime.fromisoformat("2026-11-25T00:10:00+00:00")  # 08:10 in Zhoushan
    assert in_service("arterial", utc_morning, DEFAULT_SCHEDULES, HOLIDAYS)
