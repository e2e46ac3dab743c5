"""Whose clock to believe: the hub's receive time, or the time a radio or 110 wrote down.

A radio's GPS time is usually right, but not always: a receiver past a GPS week rollover dates
its fixes about 19.6 years back (1024 weeks), a broken one far ahead, and a fix can reach the
center minutes late through a congested radio channel. 110's slip carries the time the call was
taken, set by another system's clock. Trusting these blindly lets a radio dated 2068 look fresh
for hours, a late fix overwrite a newer one, and a slip dated 1999 breach its 8-minute clock
at once. So the log's time is always the hub's receive time; the sender's time is kept beside
it and used only where it is plausible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

# a radio clock ahead of the hub by more than this is wrong, not early
RADIO_LEAD_S = 120.0
# a fix older than this on arrival is late (queued in the radio network), not current
RADIO_LAG_S = 300.0
# older than this is no delay any channel causes: the radio's clock is wrong (e.g. rollover)
RADIO_CLOCK_WRONG_S = 86_400.0
# 110 may forward a slip a while after the call; beyond this its time is not believed
SLIP_LAG_S = 1_800.0
SLIP_LEAD_S = 120.0


class FixTiming(StrEnum):
    CURRENT = "current"  # radio time agrees with the hub: ordered by radio time
    LATE = "late"  # a true fix that arrived late: kept in the log, does not move the unit
    CLOCK_WRONG = "clock_wrong"  # the radio's clock cannot be right: the hub's time stands
    NO_TIME = "no_time"  # the report carried no time: the hub's time stands


@dataclass(frozen=True)
class FixVerdict:
    timing: FixTiming
    skew_s: float | None  # receive time minus radio time

    @property
    def moves_unit(self) -> bool:
        return self.timing != FixTiming.LATE


def judge_fix(radio_time: datetime | None, received: datetime) -> FixVerdict:
    """How far to trust the time a radio put on a fix received at `received`."""
    if radio_time is None:
        return FixVerdict(FixTiming.NO_TIME, None)
    skew = (received - radio_time).total_seconds()
    if skew < -RADIO_LEAD_S or skew > RADIO_CLOCK_WRONG_S:
        return FixVerdict(FixTiming.CLOCK_WRONG, skew)
    if skew > RADIO_LAG_S:
        return FixVerdict(FixTiming.LATE, skew)
    return FixVerdict(FixTiming.CURRENT, skew)


def clock_start(slip_time: datetime, received: datetime) -> datetime:
    """When an incident's 8-minute clock starts: 110's time when it is plausible, else the
    hub's receipt (a slip dated 1999 must not breach at once, one dated 2099 must not stop
    the clock)."""
    skew = (received - slip_time).total_seconds()
    return slip_time if -SLIP_LEAD_S <= skew <= SLIP_LAG_S else received
