"""China's working calendar: public holidays and the make-up working days (调休) around them.

A weekday is not always a working day (the National Day week) and a weekend day is not always a
day off (the Saturday worked to make up for it), so "weekday daytime" service hours follow this
calendar, not `date.weekday()`. The State Council publishes each year's arrangement late in the
year before; a year the calendar does not know is never guessed: asking about it raises
`CalendarUnknown`, whose message the console shows as the reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date


class CalendarUnknown(LookupError):
    """The calendar has no holiday and make-up day arrangement for this year."""

    def __init__(self, year: int, source: str, why: str = "") -> None:
        detail = f":{why}" if why else ""
        super().__init__(f"{year}年的法定节假日与调休安排未知({source}没有该年数据{detail}),"
                         "不作猜测:请更新工作日历(scripts/generate_china_calendar.py)"
                         "或在方案 program.calendar 中写明")
        self.year = year


@dataclass(frozen=True)
class CalendarYear:
    """One year's arrangement: days off by law and weekend days that are worked instead."""

    holidays: frozenset[date]
    workdays: frozenset[date]  # make-up working days, each on a Saturday or Sunday


@dataclass(frozen=True)
class WorkingCalendar:
    years: Mapping[int, CalendarYear] = field(default_factory=dict)
    source: str = "工作日历"
    local_holidays: frozenset[date] = frozenset()  # days off a center adds (a city's own)
    unknown: Mapping[int, str] = field(default_factory=dict)  # why a year is missing

    def knows(self, year: int) -> bool:
        return year in self.years

    def _year(self, day: date) -> CalendarYear:
        try:
            return self.years[day.year]
        except KeyError:
            raise CalendarUnknown(day.year, self.source, self.unknown.get(day.year, "")) from None

    def is_holiday(self, day: date) -> bool:
        return day in self._year(day).holidays or day in self.local_holidays

    def is_working_day(self, day: date) -> bool:
        """Monday to Friday unless a holiday, and a make-up Saturday or Sunday."""
        year = self._year(day)
        if self.is_holiday(day):
            return False
        return day.weekday() < 5 or day in year.workdays


def calendar_from_config(doc: Mapping[str, Mapping[str, Iterable[str]]] | None,
                         base: WorkingCalendar,
                         local_holidays: Iterable[str] = ()) -> WorkingCalendar:
    """The bundled calendar with a scenario's own years laid over it.

    `doc` is {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-06", ...]}}: a
    center types in a year as soon as it is published, before the bundled data knows it.
    `local_holidays` are the scenario's plain holiday list: extra days off, never a year's
    whole arrangement (they say nothing of make-up days).
    """
    years = dict(base.years)
    for year, spec in (doc or {}).items():
        years[int(year)] = CalendarYear(
            frozenset(date.fromisoformat(d) for d in spec.get("holidays", ())),
            frozenset(date.fromisoformat(d) for d in spec.get("workdays", ())))
    source = f"{base.source}+方案" if doc else base.source
    local = frozenset(date.fromisoformat(d) for d in local_holidays)
    return WorkingCalendar(years, source, local, {y: why for y, why in base.unknown.items()
                                                  if y not in years})
