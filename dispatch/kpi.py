"""The program's figures, computed from the event log: one function per figure of docs/kpi.md.

They read an iterable of events (a day, a week, a store's range query) rather than the live
state, so the shift lead's report, the dashboard and a replay give the same numbers as the log.
Percentiles, not averages: one guide lost for forty minutes hides in a mean but not in p95.
An incident counts in the range it was *received* in; a feeder passes the events of incidents
received in the range and their later milestones (see `timelines`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo

from dispatch import events as ev
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus as S
from dispatch.state import FIRST_CASE_NUMBER
from dispatch.trusted_time import clock_start

TARGET_S = 8 * 60.0
PERCENTILES = (50, 90, 95)
# a breach is charged to a stage that overran its budget (seconds): see docs/kpi.md
DISPATCH_BUDGET_S = 120.0  # receipt → dispatch longer than this: no unit was free
ACK_BUDGET_S = 60.0  # dispatch → acknowledgement longer than this: late acknowledgement
NO_UNIT_FREE, FAR, LATE_ACK, OTHER = "no_unit_free", "far", "late_ack", "other"
_REFERRED = (S.REFERRED_POLICE, S.REFERRED_120)


@dataclass
class Timeline:
    """One incident's milestones, the first of each (a re-dispatch keeps the first dispatch)."""

    case: str
    received: datetime
    reasons: tuple[str, ...] = ()
    dispatched: datetime | None = None
    eta_s: float | None = None  # the dispatched unit's ETA when it was sent
    acked: datetime | None = None
    arrived: datetime | None = None
    closed: datetime | None = None
    referred_to: str | None = None  # set when referred at triage or later
    page_failed: bool = False
    duplicate: bool = False
    units: list[str] = field(default_factory=list)
    lon: float = math.nan  # where it happened, as the slip said
    lat: float = math.nan
    insurers: tuple[str, ...] = ()  # of the vehicles involved, as the slip named them
    disposition: str | None = None  # how it ended (dispatch/dispositions.py), when closed

    def response_s(self) -> float:
        """Receipt → first unit on scene; inf for a dispatched incident never reached."""
        return _seconds(self.received, self.arrived)


def _seconds(start: datetime | None, end: datetime | None) -> float:
    if start is None or end is None:
        return math.inf
    return (end - start).total_seconds()


def timelines(events: Iterable[Event], cases_before: int = 0) -> dict[str, Timeline]:
    """Fold events into timelines. Case numbers are given by order of receipt, as in
    dispatch/state.py, so a range that does not start at the log's beginning passes the number
    of alerts received before it; events naming a case received before the range are skipped."""
    out: dict[str, Timeline] = {}
    for e in events:
        if e.type == ev.ALERT_RECEIVED:
            case = str(FIRST_CASE_NUMBER + cases_before + len(out))
            place = e.payload.get("location") or {}
            named = (e.payload.get("structured") or {}).get("insurers") or ()
            out[case] = Timeline(case, _receipt(e), lon=place.get("lon", math.nan),
                                 lat=place.get("lat", math.nan), insurers=tuple(named))
            continue
        line = out.get(e.payload.get("case") or "")
        if line is not None:
            _apply(line, e)
    return out


def _receipt(e: Event) -> datetime:
    """The 8-minute clock's start: 110's time when it is plausible (see trusted_time)."""
    return clock_start(datetime.fromisoformat(e.payload["received_at"]), e.time)


def _apply(line: Timeline, e: Event) -> None:
    p = e.payload
    if e.type == ev.INCIDENT_TRIAGED:
        line.reasons = tuple(p.get("reasons", ()))
        if p["outcome"] in _REFERRED:
            line.referred_to = str(p["outcome"])
    elif e.type == ev.INCIDENT_REFERRED:
        line.referred_to = str(p["to"])
    elif e.type == ev.UNIT_DISPATCHED:
        if line.dispatched is None:
            line.dispatched, line.eta_s = e.time, float(p.get("eta_s", math.nan))
        line.units.append(p["unit"])
    elif e.type == ev.PAGE_ACKED and line.acked is None and line.dispatched is not None:
        line.acked = e.time
    elif e.type == ev.UNIT_ARRIVED and line.arrived is None:
        line.arrived = e.time
    elif e.type == ev.INCIDENT_CLOSED:
        line.closed, line.disposition = e.time, p.get("disposition")
    elif e.type == ev.INCIDENT_REOPENED:  # it ends again later: that is its clearance
        line.closed = line.disposition = line.referred_to = None
    elif e.type == ev.PAGE_FAILED:
        line.page_failed = True
    elif e.type == ev.INCIDENT_MERGED:
        line.duplicate = True


def handled(lines: Iterable[Timeline]) -> list[Timeline]:
    """Incidents the program took on: a unit was dispatched to them."""
    return [t for t in lines if t.dispatched is not None and not t.duplicate]


def nearest_rank(values: Sequence[float], q: float) -> float:
    """The q-th percentile by nearest rank: a value that really occurred, computable by hand
    (sorted, the ⌈q/100 · n⌉-th); nan for no values. An unreached incident is inf and stays."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q / 100 * len(ordered))) - 1]


def arrival_rate(lines: Iterable[Timeline], target_s: float = TARGET_S) -> float:
    """8-minute arrival rate: handled incidents reached within `target_s` of receipt."""
    taken = handled(lines)
    if not taken:
        return math.nan
    return sum(t.response_s() <= target_s for t in taken) / len(taken)


def response_percentiles(lines: Iterable[Timeline],
                         qs: Sequence[int] = PERCENTILES) -> dict[int, float]:
    """Receipt → arrival percentiles (seconds) over handled incidents."""
    times = [t.response_s() for t in handled(lines)]
    return {q: nearest_rank(times, q) for q in qs}


STAGES = (("receipt_to_dispatch", "received", "dispatched"),
          ("dispatch_to_ack", "dispatched", "acked"),
          ("ack_to_arrival", "acked", "arrived"),
          ("arrival_to_clearance", "arrived", "closed"))


def stage_percentiles(lines: Iterable[Timeline],
                      qs: Sequence[int] = PERCENTILES) -> dict[str, dict[int, float]]:
    """Each stage's percentiles over the handled incidents that reached both of its ends, so
    a slow stage is found where it is rather than in the total."""
    taken = handled(lines)
    out = {}
    for name, start, end in STAGES:
        spans = [_seconds(getattr(t, start), getattr(t, end)) for t in taken
                 if getattr(t, start) is not None and getattr(t, end) is not None]
        out[name] = {q: nearest_rank(spans, q) for q in qs}
    return out


def handled_per_day(lines: Iterable[Timeline], tz: tzinfo) -> dict[date, int]:
    """Handled incidents per local day of receipt (the center's clock, not UTC)."""
    return dict(sorted(Counter(t.received.astimezone(tz).date() for t in handled(lines)).items()))


def peak_day(lines: Iterable[Timeline], tz: tzinfo) -> tuple[date, int] | None:
    """The busiest day and its count: the seed article's "16 a day at peak"."""
    per_day = handled_per_day(lines, tz)
    return max(per_day.items(), key=lambda kv: (kv[1], kv[0])) if per_day else None


def peak_hours(lines: Iterable[Timeline], tz: tzinfo) -> dict[int, int]:
    """Handled incidents by local hour of day over the range: where the peaks are."""
    return dict(sorted(Counter(t.received.astimezone(tz).hour for t in handled(lines)).items()))


def success_rate(lines: Iterable[Timeline]) -> float:
    """Handled incidents settled on scene: a unit arrived and the case closed without a
    referral or a duplicate verdict. Open cases count against it (not settled yet)."""
    taken = handled(lines)
    if not taken:
        return math.nan
    settled = [t for t in taken if t.arrived and t.closed and t.referred_to is None]
    return len(settled) / len(taken)


def referrals_by_reason(lines: Iterable[Timeline]) -> dict[str, int]:
    """Referrals to police or 120 counted per triage reason (an alert with two reasons counts
    under both); a referral after dispatch counts as "referred on scene → police/120"."""
    counts: Counter[str] = Counter()
    for t in lines:
        if t.referred_to is None or t.duplicate:
            continue
        if t.dispatched is not None:
            counts[f"现场移交 → {t.referred_to}"] += 1
        else:
            counts.update(t.reasons or ("(无理由)",))
    return dict(counts.most_common())


@dataclass(frozen=True)
class Breach:
    case: str
    response_s: float
    causes: tuple[str, ...]


def breaches(lines: Iterable[Timeline], target_s: float = TARGET_S) -> list[Breach]:
    """Handled incidents not reached within the target, each with the stages that overran:
    no unit free (receipt → dispatch over budget), late acknowledgement (dispatch → ack over
    budget, or the page failed), far (the unit sent was already beyond the target by its ETA,
    or the ride itself took longer than what was left). "other" when no stage is to blame."""
    out = []
    for t in handled(lines):
        response = t.response_s()
        if response <= target_s:
            continue
        causes = []
        if _seconds(t.received, t.dispatched) > DISPATCH_BUDGET_S:
            causes.append(NO_UNIT_FREE)
        if t.page_failed or _seconds(t.dispatched, t.acked) > ACK_BUDGET_S:
            causes.append(LATE_ACK)
        ride = _seconds(t.acked or t.dispatched, t.arrived) if t.arrived else 0.0
        if (t.eta_s or 0.0) > target_s or ride > target_s - DISPATCH_BUDGET_S - ACK_BUDGET_S:
            causes.append(FAR)
        out.append(Breach(t.case, response, tuple(causes) or (OTHER,)))
    return out


def breach_causes(found: Iterable[Breach]) -> dict[str, int]:
    """How often each cause appears among the breaches (one breach may have several)."""
    return dict(Counter(c for b in found for c in b.causes).most_common())


def by_unit(lines: Iterable[Timeline]) -> dict[str, list[Timeline]]:
    """Handled incidents grouped by the first unit sent, so every figure above can be read per
    guide (a re-dispatch stays with the first: the breach began with it)."""
    groups: dict[str, list[Timeline]] = {}
    for t in handled(lines):
        groups.setdefault(t.units[0], []).append(t)
    return dict(sorted(groups.items()))


UNKNOWN = ""  # outside every zone, or no insurer on the slip: the UI names it


def by_area(lines: Iterable[Timeline],
            zone_of: Callable[[float, float], Sequence[str]]) -> dict[str, list[Timeline]]:
    """Handled incidents grouped by the service zone they happened in (`zone_of` gives the
    zones containing a place, e.g. map/zones.py's; the first counts), UNKNOWN outside all."""
    groups: dict[str, list[Timeline]] = {}
    for t in handled(lines):
        zones = zone_of(t.lon, t.lat) if not math.isnan(t.lon) else ()
        groups.setdefault(zones[0] if zones else UNKNOWN, []).append(t)
    return dict(sorted(groups.items()))


def by_insurer(lines: Iterable[Timeline]) -> dict[str, list[Timeline]]:
    """Handled incidents grouped by the insurers the slip named: a crash of two cars insured
    by two companies counts for both (each answers for its own claim), none under UNKNOWN."""
    groups: dict[str, list[Timeline]] = {}
    for t in handled(lines):
        for insurer in dict.fromkeys(t.insurers) or (UNKNOWN,):
            groups.setdefault(insurer, []).append(t)
    return dict(sorted(groups.items()))


def dispositions(lines: Iterable[Timeline]) -> dict[str, int]:
    """Closed incidents by how they ended; a close recorded before dispositions existed
    counts under UNKNOWN."""
    return dict(Counter(t.disposition or UNKNOWN for t in lines
                        if t.closed is not None and not t.duplicate).most_common())


@dataclass(frozen=True)
class GroupFigures:
    """One row of a per-area, per-insurer or per-unit table."""

    name: str
    handled: int
    arrival_rate: float
    p50_s: float
    p90_s: float


def group_figures(groups: dict[str, list[Timeline]]) -> list[GroupFigures]:
    """The same few figures for every group, so areas, insurers and guides read alike."""
    rows = []
    for name, jobs in groups.items():
        q = response_percentiles(jobs, (50, 90))
        rows.append(GroupFigures(name, len(handled(jobs)), arrival_rate(jobs), q[50], q[90]))
    return rows
