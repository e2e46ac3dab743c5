"""When the joint program serves which kind of road (from the seed article).

City arterial roads at the morning, noon and evening peaks; non-arterial city roads and rural
roads on weekday daytime; holiday patrols on high-traffic roads on public holidays. The times
are configuration (a center sets its own), the defaults below are a starting point.

"weekdays" means China's working days, read from the working calendar: a make-up Saturday (调休)
is a working day and a National Day Monday is not. A window that depends on the calendar raises
`CalendarUnknown` for a year the calendar does not know rather than guess from the weekday.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from dispatch.working_calendar import WorkingCalendar

CHINA_TZ = timezone(timedelta(hours=8))
EVERY_DAY = frozenset(range(7))
WEEKDAYS = frozenset(range(5))


@dataclass(frozen=True)
class ServiceWindow:
    start: time
    end: time  # exclusive; time(23, 59, 59, 999999) stands for midnight
    days: frozenset[int] = EVERY_DAY  # Monday = 0; WEEKDAYS stands for the working days
    holidays: str = "any"  # "any", "only" (holiday patrols) or "never" (working days only)

    def covers(self, moment: datetime, calendar: WorkingCalendar) -> bool:
        if not self.start <= moment.time() < self.end:
            return False
        day = moment.date()
        if self.holidays == "only":
            return calendar.is_holiday(day)
        if self.holidays == "never" and calendar.is_holiday(day):
            return False
        if self.days == WEEKDAYS:
            return calendar.is_working_day(day)
        return moment.weekday() in self.days


def _window(spec: Mapping) -> ServiceWindow:
    days = {"every": EVERY_DAY, "weekdays": WEEKDAYS}[spec.get("days", "every")]
    end = time.fromisoformat(spec["to"]) if spec["to"] != "24:00" else time.max
    return ServiceWindow(time.fromisoformat(spec["from"]), end, days, spec.get("holidays", "any"))


Schedules = Mapping[str, tuple[ServiceWindow, ...]]


def schedules_from_config(doc: Mapping[str, Iterable[Mapping]]) -> Schedules:
    """{"arterial": [{"from": "07:00", "to": "09:00", "days": "every"}], ...} → windows."""
    return {kind: tuple(_window(w) for w in windows) for kind, windows in doc.items()}


DEFAULT_SCHEDULES = schedules_from_config({
    "arterial": [{"from": "07:00", "to": "09:00"}, {"from": "11:00", "to": "13:00"},
                 {"from": "17:00", "to": "19:00"}],
    "non_arterial": [{"from": "08:30", "to": "17:30", "days": "weekdays", "holidays": "never"}],
    "rural": [{"from": "08:30", "to": "17:30", "days": "weekdays", "holidays": "never"}],
    "holiday": [{"from": "08:00", "to": "20:00", "holidays": "only"}],
})


def in_service(kind: str, moment: datetime, schedules: Schedules,
               calendar: WorkingCalendar) -> bool:
    """Raises CalendarUnknown when the answer hangs on a year the calendar does not know."""
    local = moment.astimezone(CHINA_TZ)
    return any(w.covers(local, calendar) for w in schedules.get(kind, ()))
