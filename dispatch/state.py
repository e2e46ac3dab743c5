"""Current state of the center, projected from the event log.

Every console, the hub and the database projections fold the same events through `apply`, so a
console that joins late replays the log and arrives at the same picture.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from dispatch import events as ev
from dispatch import geodesy
from dispatch.config import ARRIVAL_GEOFENCE_M
from dispatch.events import Event
from dispatch.lifecycle import (
    REOPENABLE,
    TERMINAL,
    IllegalTransition,
    IncidentStatus,
    check_transition,
)
from dispatch.shifts import Shift
from dispatch.trusted_time import FixTiming, clock_start, judge_fix

FIRST_CASE_NUMBER = 1001
STUCK_SPEED_KMH = 5.0  # above this, a fix that does not change means a stuck receiver
STUCK_AFTER_FIXES = 5
STALE_AFTER_S = 120.0  # a position older than this is dimmed and penalised
AT_POST_M = 300.0  # a free unit this far from its post and moving is on its way back
RETURNING_SPEED_KMH = 5.0


class UnitStatus(StrEnum):
    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    BUSY = "busy"
    OFF_DUTY = "off_duty"
    ON_BREAK = "on_break"  # a meal, a rest: back soon, not to be sent meanwhile


@dataclass
class Incident:
    case: str
    alert_id: str
    received_at: datetime
    lon: float
    lat: float
    address: str
    description: str
    caller_phone: str
    structured: dict[str, Any]
    status: IncidentStatus = IncidentStatus.RECEIVED
    reasons: list[str] = field(default_factory=list)
    unit_id: str | None = None
    history: list[tuple[datetime, IncidentStatus]] = field(default_factory=list)
    alarms: set[str] = field(default_factory=set)  # 8-minute clock levels already recorded
    kept_apart: set[str] = field(default_factory=set)  # cases the dispatcher said are not dups
    merged: list[str] = field(default_factory=list)  # cases merged into this one
    duplicate_of: str | None = None
    slip_time: datetime | None = None  # 110's own time; received_at is when the clock starts
    version: int = 0  # id of the last event that changed it: a console's command names it
    conflict_of: str | None = None  # an earlier case sent under the same 110 id, other content
    question: str | None = None  # what triage waits to hear from the caller
    question_topic: str | None = None
    answers: dict[str, bool] = field(default_factory=dict)  # topic → the answer cleared it
    disposition: str | None = None  # how it ended, when closed (dispatch/dispositions.py)
    reopened: list[str] = field(default_factory=list)  # the reason of each reopening


@dataclass
class Unit:
    unit_id: str
    name: str
    kind: str
    fleet: int
    radio_id: str
    post: tuple[float, float] | None = None
    shift: Shift | None = None  # duty windows from the roster; None: always on duty
    status: UnitStatus = UnitStatus.AVAILABLE
    lon: float | None = None
    lat: float | None = None
    speed_kmh: float = 0.0
    course: float = 0.0
    fix_time: datetime | None = None  # when the hub received the last fix that moved it
    radio_time: datetime | None = None  # the time that radio put on it, when plausible
    incident: str | None = None
    jobs: int = 0  # dispatches of this unit in the replayed log
    fence_hits: int = 0  # consecutive fixes inside its incident's arrival geofence
    frozen_fixes: int = 0  # consecutive identical fixes while the radio reports movement
    emergency: bool = False  # the radio's emergency alarm, until an operator acknowledges it
    radio_status: int = 0  # the status code the radio sent with its last report
    radio_status_changed: bool = False  # that code differs from the report before
    insurer: str | None = None  # the company a guide works for (roster): its cases, its KPIs

    def returning(self) -> bool:
        """Free again after a job of this shift, still away from its post and on the move:
        on its way back. Shown apart from "available" on the board, as a dispatcher reads
        "free, but not at its post" differently; it is dispatched like any available unit."""
        return (self.status == UnitStatus.AVAILABLE and self.incident is None
                and self.jobs > 0 and self.post is not None and self.lon is not None
                and self.speed_kmh > RETURNING_SPEED_KMH
                and geodesy.distance_m(self.lon, self.lat, *self.post) > AT_POST_M)


class CenterState:
    """Incidents and units; `apply` is the only writer and enforces the lifecycle."""

    def __init__(self, units: list[Unit]) -> None:
        self.units: dict[str, Unit] = {u.unit_id: u for u in units}
        self.by_radio: dict[tuple[int, str], str] = {
            (u.fleet, u.radio_id): u.unit_id for u in units
        }
        self.incidents: dict[str, Incident] = {}
        self.by_alert: dict[str, str] = {}
        self.last_event_id = 0
        self.incident_version = 0  # bumped on every incident change: views redraw only then
        self.cases_opened = 0  # case numbers follow it: retired cases leave `incidents`

    def apply(self, event: Event) -> None:
        handler = _HANDLERS.get(event.type)
        if handler is not None:
            handler(self, event)
            for key in ("case", "into", "of"):
                incident = self.incidents.get(event.payload.get(key) or "")
                if incident is not None:
                    incident.version = event.id or 0
        if event.id is not None:
            self.last_event_id = max(self.last_event_id, event.id)

    def fork(self, events: Iterable[Event]) -> CenterState:
        """A copy these events may change while this state stays as it is.

        A store applies a batch to the fork inside its transaction and keeps the fork only
        once the commit succeeded, so a failed write leaves no ghost in memory and needs no
        replay. Copy-on-write: the dicts are copied, every incident the events name is copied
        deeply and every unit they name (and the unit an incident holds) shallowly (its fields
        are values, never changed in place), the rest is shared; the
        handlers below touch nothing else (a property test holds them to it).
        """
        cases: set[str] = set()
        units: set[str] = set()
        for event in events:
            payload = event.payload
            cases.update(v for k in ("case", "into", "of") if isinstance(v := payload.get(k), str))
            if isinstance(unit := payload.get("unit"), str):
                units.add(unit)
        units |= {i.unit_id for c in cases if (i := self.incidents.get(c)) and i.unit_id}
        clone = copy.copy(self)
        clone.units, clone.incidents = dict(self.units), dict(self.incidents)
        clone.by_radio, clone.by_alert = dict(self.by_radio), dict(self.by_alert)
        for case in cases & self.incidents.keys():
            clone.incidents[case] = copy.deepcopy(self.incidents[case])
        for unit_id in units & self.units.keys():  # a unit holds no containers: a shallow
            clone.units[unit_id] = copy.copy(self.units[unit_id])  # copy is whole (5× faster)
        return clone

    def retire(self, cases: Iterable[str]) -> list[str]:
        """Let ended cases go from memory (dispatch/retirement.py); an open case named here
        stays. Returns the cases let go."""
        gone = []
        for case in cases:
            incident = self.incidents.get(case)
            if incident is None or incident.status not in TERMINAL:
                continue
            del self.incidents[case]
            if self.by_alert.get(incident.alert_id) == case:
                del self.by_alert[incident.alert_id]
            gone.append(case)
        if gone:
            self.incident_version += 1
        return gone

    def reset_to(self, other: CenterState) -> None:
        """Become `other` in place, so views holding this object follow a new snapshot."""
        self.__dict__.update(vars(other))

    def stuck_units(self) -> list[str]:
        return [u.unit_id for u in self.units.values() if u.frozen_fixes >= STUCK_AFTER_FIXES]

    def incident_of(self, unit_id: str) -> Incident | None:
        unit = self.units.get(unit_id)
        return self.incidents.get(unit.incident) if unit and unit.incident else None

    def _move(self, case: str, target: IncidentStatus, when: datetime) -> Incident:
        incident = self.incidents[case]
        check_transition(case, incident.status, target)
        incident.status = target
        self.incident_version += 1
        incident.history.append((when, target))
        return incident

    def _free_unit(self, incident: Incident) -> None:
        unit = self.units.get(incident.unit_id or "")
        if unit and unit.incident == incident.case:
            unit.incident = None
            unit.status = UnitStatus.AVAILABLE


def _alert_received(state: CenterState, e: Event) -> None:
    """A new incident. A slip under an alert id already known comes here only when its
    content differs (an identical resend never reaches the log): it may be a correction or a
    forgery, so it is kept as its own incident and flagged, and the first keeps the id."""
    p = e.payload
    case = str(FIRST_CASE_NUMBER + state.cases_opened)
    state.cases_opened += 1
    loc = p["location"]
    slip_time = datetime.fromisoformat(p["received_at"])
    incident = Incident(
        case, p["alert_id"], clock_start(slip_time, e.time), loc["lon"], loc["lat"],
        loc.get("address", ""), p.get("description", ""), p.get("caller_phone", ""),
        dict(p.get("structured") or {}), slip_time=slip_time,
    )
    incident.history.append((e.time, IncidentStatus.RECEIVED))
    incident.version = e.id or 0
    state.incidents[case] = incident
    earlier = state.by_alert.setdefault(incident.alert_id, case)
    if earlier != case:
        incident.conflict_of = earlier
    state.incident_version += 1


def _triaged(state: CenterState, e: Event) -> None:
    incident = state._move(e.payload["case"], IncidentStatus(e.payload["outcome"]), e.time)
    incident.reasons = list(e.payload.get("reasons", []))


def _question_asked(state: CenterState, e: Event) -> None:
    """Triage could not decide: the incident waits, unrouted, with the question to ask."""
    incident = state.incidents[e.payload["case"]]
    incident.question, incident.question_topic = e.payload["question"], e.payload["topic"]
    incident.reasons = list(e.payload.get("reasons", []))
    state.incident_version += 1


def _question_answered(state: CenterState, e: Event) -> None:
    incident = state.incidents[e.payload["case"]]
    incident.answers[e.payload["topic"]] = bool(e.payload["cleared"])
    incident.question = incident.question_topic = None
    state.incident_version += 1


def _referred(state: CenterState, e: Event) -> None:
    incident = state._move(e.payload["case"], IncidentStatus(e.payload["to"]), e.time)
    state._free_unit(incident)


def _dispatched(state: CenterState, e: Event) -> None:
    incident = state._move(e.payload["case"], IncidentStatus.DISPATCHED, e.time)
    incident.unit_id = e.payload["unit"]
    unit = state.units[incident.unit_id]
    unit.status, unit.incident = UnitStatus.DISPATCHED, incident.case
    unit.jobs += 1
    unit.fence_hits = 0  # arrival needs fixes received after the dispatch


def _page_acked(state: CenterState, e: Event) -> None:
    """An ack may come long after its case ended (and was retired): it then changes nothing."""
    incident = state.incidents.get(e.payload.get("case") or "")
    if incident is not None and incident.status == IncidentStatus.DISPATCHED and (
            incident.unit_id == e.payload["unit"]):
        state._move(incident.case, IncidentStatus.ACKNOWLEDGED, e.time)


def _en_route(state: CenterState, e: Event) -> None:
    state._move(e.payload["case"], IncidentStatus.EN_ROUTE, e.time)
    state.units[e.payload["unit"]].status = UnitStatus.EN_ROUTE


def _arrived(state: CenterState, e: Event) -> None:
    state._move(e.payload["case"], IncidentStatus.ON_SCENE, e.time)
    state.units[e.payload["unit"]].status = UnitStatus.ON_SCENE


def _recalled(state: CenterState, e: Event) -> None:
    """The guide is taken off the case, which waits for a unit again; the dispatch does not
    count as a job of its shift (the ranking spreads jobs by that count)."""
    incident = state._move(e.payload["case"], IncidentStatus.TRIAGED, e.time)
    unit = state.units.get(incident.unit_id or "")
    if unit is not None and unit.incident == incident.case and unit.jobs > 0:
        unit.jobs -= 1
    state._free_unit(incident)
    incident.unit_id = None


def _closed(state: CenterState, e: Event) -> None:
    incident = state._move(e.payload["case"], IncidentStatus.CLOSED, e.time)
    incident.disposition = e.payload.get("disposition")  # None: closed before codes existed
    state._free_unit(incident)


def _reopened(state: CenterState, e: Event) -> None:
    """Back from an ended status (lifecycle.REOPENABLE): it waits for a unit again, as a
    triaged case does."""
    incident = state.incidents[e.payload["case"]]
    if incident.status not in REOPENABLE:
        raise IllegalTransition(incident.case, incident.status, IncidentStatus.TRIAGED)
    incident.status = IncidentStatus.TRIAGED
    incident.history.append((e.time, IncidentStatus.TRIAGED))
    incident.reopened.append(e.payload["reason"])
    incident.disposition = incident.unit_id = None
    state.incident_version += 1


def _position(state: CenterState, e: Event) -> None:
    """A fix moves the unit unless it arrived late or out of order; its age counts from the
    hub's receipt, never from the radio's clock (see dispatch/trusted_time.py)."""
    p = e.payload
    unit = state.units[p["unit"]]
    radio_time = datetime.fromisoformat(p["fix_time"]) if p.get("fix_time") else None
    verdict = judge_fix(radio_time, e.time)
    current = verdict.timing == FixTiming.CURRENT
    if not verdict.moves_unit or (current and unit.radio_time and radio_time < unit.radio_time):
        return
    unit.radio_time = radio_time if current else None
    moving = p.get("speed_kmh", 0.0) > STUCK_SPEED_KMH
    same = (unit.lon, unit.lat) == (p["lon"], p["lat"])
    unit.frozen_fixes = unit.frozen_fixes + 1 if same and moving else 0
    unit.lon, unit.lat = p["lon"], p["lat"]
    unit.speed_kmh, unit.course = p.get("speed_kmh", 0.0), p.get("course", 0.0)
    status = p.get("radio_status", 0)
    unit.radio_status_changed, unit.radio_status = status != unit.radio_status, status
    unit.fix_time = e.time
    if verdict.timing == FixTiming.CLOCK_WRONG:  # drawn, but such a radio cannot prove arrival
        return
    incident = state.incident_of(unit.unit_id)
    inside = incident is not None and geodesy.distance_m(
        unit.lon, unit.lat, incident.lon, incident.lat) <= ARRIVAL_GEOFENCE_M
    unit.fence_hits = unit.fence_hits + 1 if inside else 0


def _merged(state: CenterState, e: Event) -> None:
    case, into = e.payload["case"], e.payload["into"]
    incident = state._move(case, IncidentStatus.DUPLICATE, e.time)
    incident.duplicate_of = into
    state.incidents[into].merged.append(case)


def _kept_apart(state: CenterState, e: Event) -> None:
    state.incidents[e.payload["case"]].kept_apart.add(e.payload["of"])


def _unit_status(state: CenterState, e: Event) -> None:
    state.units[e.payload["unit"]].status = UnitStatus(e.payload["status"])


def _page_failed(state: CenterState, e: Event) -> None:
    """No ack after every attempt: the incident goes back to the dispatcher, and the silent
    unit is marked busy so it is not recommended again until someone reaches it."""
    case = e.payload.get("case")
    incident = state.incidents.get(case or "")
    if incident is not None and incident.status == IncidentStatus.DISPATCHED:
        state._move(case, IncidentStatus.ESCALATED, e.time)
        incident.reasons.append(f"{e.payload['unit']} 未应答呼叫,请改派")
        state._free_unit(incident)
        incident.unit_id = None
        state.units[e.payload["unit"]].status = UnitStatus.BUSY


def _emergency(state: CenterState, e: Event) -> None:
    state.units[e.payload["unit"]].emergency = e.type == ev.RADIO_EMERGENCY


def _radio_mapped(state: CenterState, e: Event) -> None:
    unit = state.units[e.payload["unit"]]
    state.by_radio.pop((unit.fleet, unit.radio_id), None)
    unit.fleet, unit.radio_id = e.payload["fleet"], e.payload["radio_id"]
    state.by_radio[(unit.fleet, unit.radio_id)] = unit.unit_id


def _clock_alarm(state: CenterState, e: Event) -> None:
    state.incidents[e.payload["case"]].alarms.add(e.payload["level"])


_HANDLERS = {
    ev.ALERT_RECEIVED: _alert_received,
    ev.INCIDENT_TRIAGED: _triaged,
    ev.QUESTION_ASKED: _question_asked,
    ev.QUESTION_ANSWERED: _question_answered,
    ev.INCIDENT_REFERRED: _referred,
    ev.UNIT_DISPATCHED: _dispatched,
    ev.PAGE_ACKED: _page_acked,
    ev.UNIT_EN_ROUTE: _en_route,
    ev.UNIT_ARRIVED: _arrived,
    ev.INCIDENT_CLOSED: _closed,
    ev.INCIDENT_REOPENED: _reopened,
    ev.UNIT_RECALLED: _recalled,
    ev.UNIT_POSITION: _position,
    ev.CLOCK_ALARM: _clock_alarm,
    ev.INCIDENT_MERGED: _merged,
    ev.DUPLICATE_KEPT_APART: _kept_apart,
    ev.UNIT_STATUS_SET: _unit_status,
    ev.PAGE_FAILED: _page_failed,
    ev.RADIO_EMERGENCY: _emergency,
    ev.EMERGENCY_ACKED: _emergency,
    ev.RADIO_MAPPED: _radio_mapped,
}
