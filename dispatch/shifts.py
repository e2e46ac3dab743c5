"""A unit's shift: the daily windows it is on duty, in China time.

Guides change over at fixed hours, often with a night shift across midnight, so a shift is a
few daily windows written as a center writes its duty roster: "07:00-19:00", "19:00-07:00",
optionally for some weekdays only ("Mon-Fri 08:30-17:30", "Sat,Sun", "周一-周五"; a range may
wrap past Sunday). The days name the day a window starts, so "Fri 19:00-07:00" ends on Saturday
morning. A window whose end equals its start is a 24-hour duty ("08:00-08:00"). A unit without
a shift is always on duty. Times are Beijing time at a fixed UTC+8 (CHINA_TZ): China keeps no
daylight saving, and a fixed offset needs no time-zone database.

Ranking asks two things of a shift: is the unit on duty now, and how long until it goes off, so
a job is not handed to a guide who would finish it after hours.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from dispatch.service_hours import CHINA_TZ

DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {
    **{name: i for i, name in enumerate(DAY_NAMES)},
    **{name[:3]: i for i, name in enumerate(DAY_NAMES)},
    **{f"周{c}": i for i, c in enumerate("一二三四五六日")},
}
MINUTES_PER_DAY = 24 * 60
WEEK = timedelta(days=7)
_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class ShiftWindow:
    start_min: int  # minutes after local midnight, 0..1439
    length_min: int  # 1..1440; past midnight when start + length > 1440
    days: frozenset[int] = frozenset(range(7))  # days the window starts on, Monday = 0

    def span_on(self, day: date) -> Span | None:
        """The window as it falls on `day` (China time), or None if it does not start then."""
        if day.weekday() not in self.days:
            return None
        start = datetime.combine(day, time(0), CHINA_TZ) + timedelta(minutes=self.start_min)
        return start, start + timedelta(minutes=self.length_min)


@dataclass(frozen=True)
class Shift:
    windows: tuple[ShiftWindow, ...]


def _minutes(text: str, spec: str, *, end: bool) -> int:
    match = _CLOCK.fullmatch(text)
    if match is None:
        raise ValueError(f"shift {spec!r}: {text!r} is not a time like 07:00")
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > 24 or (hours == 24 and (minutes or not end)):
        raise ValueError(f"shift {spec!r}: {text!r} is not a time of day "
                         "(00:00 to 23:59; 24:00 only as an end)")
    return hours * 60 + minutes


def _day(name: str, spec: str) -> int:
    day = _DAY_INDEX.get(name.strip().lower())
    if day is None:
        raise ValueError(f"shift {spec!r}: unknown day {name!r} "
                         "(use Mon, Tue ... Sun or 周一 ... 周日)")
    return day


def _days(text: str, spec: str) -> frozenset[int]:
    """Day lists and ranges; "Fri-Mon" wraps, as a weekend duty roster writes it."""
    days: set[int] = set()
    for part in text.split(","):
        first, dash, last = part.partition("-")
        a = _day(first, spec)
        b = _day(last, spec) if dash else a
        days.update((a + k) % 7 for k in range((b - a) % 7 + 1))
    return frozenset(days)


def parse_window(spec: str) -> ShiftWindow:
    """One window: "07:00-19:00", "19:00-07:00" (across midnight), "Mon-Fri 08:30-17:30"."""
    *day_part, clock = spec.split() or [""]
    if len(day_part) > 1 or clock.count("-") != 1:
        raise ValueError(f"shift {spec!r}: expected [days] HH:MM-HH:MM, "
                         "e.g. 'Mon-Fri 07:00-19:00'")
    start_text, end_text = clock.split("-")
    start = _minutes(start_text, spec, end=False)
    end = _minutes(end_text, spec, end=True)
    length = (end - start) % MINUTES_PER_DAY or MINUTES_PER_DAY
    days = _days(day_part[0], spec) if day_part else frozenset(range(7))
    return ShiftWindow(start, length, days)


def parse_shift(spec: str | Sequence[str]) -> Shift:
    """A roster's "shift" entry: one window as a string, or a list of them."""
    specs = [spec] if isinstance(spec, str) else spec
    if not isinstance(specs, list | tuple) or not specs or not all(
            isinstance(s, str) for s in specs):
        raise ValueError(f"shift {spec!r}: expected a window like '07:00-19:00' "
                         "or a list of them")
    return Shift(tuple(parse_window(s) for s in specs))


@lru_cache(maxsize=1024)
def _spans(shift: Shift, day: date) -> tuple[Span, ...]:
    """Duty time from the day before `day` to a week after, overlapping windows merged. Cached:
    every ranking asks it for every unit, and a roster has few distinct shifts."""
    raw = sorted(span for offset in range(-1, 9) for w in shift.windows
                 if (span := w.span_on(day + timedelta(days=offset))) is not None)
    merged: list[Span] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def seconds_left(shift: Shift | None, now: datetime) -> float:
    """Seconds until the unit goes off duty: 0 when it is off now, inf when it never goes off
    (no shift, or windows that join up all week round)."""
    if shift is None:
        return math.inf
    if now.tzinfo is None:
        raise ValueError("shift times need an aware datetime (with a UTC offset)")
    local = now.astimezone(CHINA_TZ)
    for start, end in _spans(shift, local.date()):
        if start <= local < end:
            # a week without a gap repeats forever: the spans reach at least that far
            return math.inf if end - local >= WEEK else (end - local).total_seconds()
    return 0.0


def on_shift(shift: Shift | None, now: datetime) -> bool:
    return seconds_left(shift, now) > 0
