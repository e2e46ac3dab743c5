"""The 8-minute clock of every incident: from receipt by 110 to the first unit on scene.

Warn at 6 minutes, breach at 8 (configurable, as are the statuses that start and stop it).
The engine records the first warning and the breach of each incident as events, so the
shift lead's 8-minute arrival rate comes from the log, not from a screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from dispatch.lifecycle import IncidentStatus as S
from dispatch.state import Incident

OK, WARN, BREACH, STOPPED = "ok", "warn", "breach", "stopped"


@dataclass(frozen=True)
class ClockPolicy:
    warn_s: float = 6 * 60.0
    breach_s: float = 8 * 60.0
    start: S = S.RECEIVED  # the clock runs from the time of this status (received = 110 time)
    stop: frozenset[S] = frozenset({S.ON_SCENE})  # the first of these stops it
    not_counted: frozenset[S] = frozenset({S.REFERRED_POLICE, S.REFERRED_120, S.DUPLICATE,
                                           S.CANCELLED})


DEFAULT_CLOCK = ClockPolicy()


@dataclass(frozen=True)
class Clock:
    elapsed_s: float
    level: str
    stopped: bool


def _first(incident: Incident, statuses: Iterable[S]) -> datetime | None:
    wanted = set(statuses)
    return next((when for when, status in incident.history if status in wanted), None)


def clock_of(incident: Incident, now: datetime, policy: ClockPolicy = DEFAULT_CLOCK) -> Clock:
    started = incident.received_at if policy.start == S.RECEIVED else _first(
        incident, [policy.start])
    if started is None:
        return Clock(0.0, OK, False)
    if incident.status in policy.not_counted:
        return Clock(0.0, STOPPED, True)
    stopped_at = _first(incident, policy.stop)
    end = stopped_at or now
    elapsed = max(0.0, (end - started).total_seconds())
    level = BREACH if elapsed >= policy.breach_s else WARN if elapsed >= policy.warn_s else OK
    return Clock(elapsed, level, stopped_at is not None)


def due_alarms(incidents: Iterable[Incident], now: datetime,
               policy: ClockPolicy = DEFAULT_CLOCK) -> list[tuple[str, str, float]]:
    """(case, level, elapsed) for running clocks that crossed a line not yet recorded."""
    due = []
    for incident in incidents:
        c = clock_of(incident, now, policy)
        if c.stopped or c.level == OK or c.level in incident.alarms:
            continue
        if c.level == BREACH or WARN not in incident.alarms:
            due.append((incident.case, c.level, c.elapsed_s))
    return due
