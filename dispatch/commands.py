"""Decisions turned into events: each command checks the state and returns the events to append.

Commands never mutate the state; the caller appends the events to the log first and then folds
them into its state, so a refused command (IllegalTransition, UnknownUnit) leaves no trace.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from dispatch import events as ev
from dispatch import geodesy
from dispatch.alerts import AlertSlip
from dispatch.clocks import DEFAULT_CLOCK, ClockPolicy, due_alarms
from dispatch.config import ARRIVAL_DWELL_FIXES, DEFAULT_RADIO_STATUS, RadioStatusCodes
from dispatch.dispositions import DISPOSITIONS, SETTLED
from dispatch.eligibility import QUESTIONS, VERIFY, Eligibility
from dispatch.events import Event
from dispatch.lifecycle import REOPENABLE, TERMINAL, check_transition
from dispatch.lifecycle import IncidentStatus as S
from dispatch.refusals import Refusal
from dispatch.state import CenterState, Incident, UnitStatus


class UnknownUnit(Refusal, KeyError):
    """A unit id (or radio id) that is not in the roster."""

    def __init__(self, unit: str) -> None:
        super().__init__("unknown_unit", unit=unit)


class UnknownIncident(Refusal, KeyError):
    """A case number that does not exist."""

    def __init__(self, case: str) -> None:
        super().__init__("unknown_incident", case=case)


class Conflict(Refusal):
    """The incident changed since the console that sent the command last saw it."""

    def __init__(self, case: str, status: str) -> None:
        super().__init__("conflict", case=case, status=status)


def check_version(state: CenterState, case: str, based_on: int | None) -> None:
    """Two dispatchers acting on one incident at once: the first wins, the second is told."""
    incident = state.incidents.get(case)
    if based_on is not None and incident is not None and incident.version != based_on:
        raise Conflict(case, incident.status)


@dataclass(frozen=True)
class Actor:
    """Who acts and from where; stamped on every event for the audit trail."""

    name: str
    workstation: str

    def event(self, type_: str, payload: dict, key: str | None = None) -> Event:
        return Event(type_, self.name, self.workstation, payload, idempotency_key=key)


def alert_key(slip: AlertSlip) -> str:
    """The idempotency key of a slip: its id and a digest of its content, so a resend is a
    duplicate but a different slip under the same id (a forgery, a correction) is not."""
    canonical = json.dumps(slip.to_payload(), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]
    return f"alert:{slip.alert_id}:{digest}"


def receive_alert(slip: AlertSlip, actor: Actor) -> Event:
    return actor.event(ev.ALERT_RECEIVED, slip.to_payload(), alert_key(slip))


def _incident(state: CenterState, case: str):
    if case not in state.incidents:
        raise UnknownIncident(case)
    return state.incidents[case]


def triage(state: CenterState, case: str, result: Eligibility, actor: Actor,
           override_reason: str | None = None) -> Event:
    """Eligible → triaged; not eligible → referred where the reasons say; verify → the incident
    waits, neither referred nor passed, with the question to ask the caller. With
    `override_reason` the dispatcher takes the alert into the program against the rules; both
    the rules' verdict and the dispatcher's reason stay in the log."""
    incident = _incident(state, case)
    if override_reason is not None and not override_reason.strip():
        raise Refusal("override_needs_reason")
    reasons = [r.text for r in result.reasons]
    if result.outcome == VERIFY and override_reason is None:
        check_transition(case, incident.status, S.TRIAGED)  # only an untriaged alert asks
        question = result.questions[0]
        return actor.event(ev.QUESTION_ASKED, {
            "case": case, "outcome": VERIFY, "topic": question.topic,
            "question": question.text, "reasons": reasons})
    outcome = S.TRIAGED if result.eligible or override_reason else S(result.referral)
    check_transition(case, incident.status, outcome)
    payload = {"case": case, "eligible": result.eligible, "outcome": outcome, "reasons": reasons}
    if override_reason:
        payload["override_reason"] = override_reason.strip()
        reasons.append(f"调度员改判:{override_reason.strip()}")
    return actor.event(ev.INCIDENT_TRIAGED, payload)


ANSWERS = {"yes": True, "no": False}  # on the wire; the command line's words map to these


def parse_answer(word: str) -> bool:
    """The caller's yes or no, strictly: a typo must never read as the safe answer."""
    try:
        return ANSWERS[str(word)]
    except KeyError:
        raise Refusal("answer_not_yes_no", answer=word) from None


def answer_question(state: CenterState, case: str, answer: bool,
                    assess: Callable[[Incident], Eligibility], actor: Actor) -> list[Event]:
    """Record the caller's answer to the open question, then triage again with it: the second
    event refers, passes, or asks the next question."""
    incident = _incident(state, case)
    if incident.question_topic is None:
        raise Refusal("no_open_question", case=case)
    question = QUESTIONS[incident.question_topic]
    cleared = answer == question.safe_answer
    answered = actor.event(ev.QUESTION_ANSWERED, {
        "case": case, "topic": question.topic, "question": incident.question,
        "answer": answer, "cleared": cleared})
    after = dataclasses.replace(incident, answers={**incident.answers, question.topic: cleared},
                                question=None, question_topic=None)
    return [answered, triage(state, case, assess(after), actor)]


def refer(state: CenterState, case: str, to: S, actor: Actor) -> Event:
    check_transition(case, _incident(state, case).status, to)
    return actor.event(ev.INCIDENT_REFERRED, {"case": case, "to": str(to)})


def dispatch_unit(state: CenterState, case: str, unit_id: str, eta_s: float,
                  actor: Actor) -> Event:
    incident = _incident(state, case)
    unit = state.units.get(unit_id)
    if unit is None:
        raise UnknownUnit(unit_id)
    if unit.status != UnitStatus.AVAILABLE:
        raise Refusal("unit_not_available", unit=unit_id, status=unit.status)
    check_transition(case, incident.status, S.DISPATCHED)
    return actor.event(ev.UNIT_DISPATCHED, {"case": case, "unit": unit_id, "eta_s": round(eta_s)})


def page_text(state: CenterState, case: str) -> str:
    incident = state.incidents[case]
    return f"警保联动{case} {incident.address} {incident.description}"[:120]


RECALLABLE = frozenset({S.DISPATCHED, S.ACKNOWLEDGED, S.EN_ROUTE})
MAX_PAGE_TEXT = 160  # what a dispatcher types for the air: a radio display, a spoken page
MAX_RECALL_REASON = 100  # said to the guide inside the recall's page


def check_radio_text(what: str, text: str, limit: int = MAX_PAGE_TEXT) -> None:
    """Text a dispatcher typed for the air is bounded: a 60 kB "page" would go out as one frame."""
    if len(text) > limit:
        raise Refusal("text_too_long", what=what, length=len(text), limit=limit)


def recall(state: CenterState, case: str, reason: str, actor: Actor) -> Event:
    """Take the guide off a case before arrival (a wrong guide, a faster one free, the caller
    left): the case waits for a unit again and the guide is free. The reason is logged and
    told to the guide by radio."""
    incident = _incident(state, case)
    if incident.status not in RECALLABLE:
        raise Refusal("nothing_to_recall", case=case, status=incident.status)
    if not reason.strip():
        raise Refusal("recall_needs_reason")
    check_radio_text("reason", reason.strip(), MAX_RECALL_REASON)
    return actor.event(ev.UNIT_RECALLED, {"case": case, "unit": incident.unit_id,
                                          "reason": reason.strip()})


def close(state: CenterState, case: str, disposition: str, actor: Actor) -> Event:
    """A case ends with how it ended (dispatch/dispositions.py), for the reports."""
    if disposition not in DISPOSITIONS:
        raise Refusal("unknown_disposition", disposition=disposition,
                      known=" ".join(DISPOSITIONS))
    check_transition(case, _incident(state, case).status, S.CLOSED)
    return actor.event(ev.INCIDENT_CLOSED, {"case": case, "disposition": disposition})


MAX_REOPEN_REASON = 200


def reopen(state: CenterState, case: str, reason: str, actor: Actor) -> Event:
    """An ended case back in the queue (closed too soon, a referral the police sent back, the
    caller called again): it waits for a unit, and the reason stays in its timeline. A case
    already retired from memory (dispatch/retirement.py) is unknown here: it is in the log."""
    incident = _incident(state, case)
    if incident.status not in REOPENABLE:
        raise Refusal("not_reopenable", case=case, status=incident.status)
    reason = reason.strip()
    if not reason:
        raise Refusal("reopen_needs_reason")
    check_radio_text("reason", reason, MAX_REOPEN_REASON)
    return actor.event(ev.INCIDENT_REOPENED, {"case": case, "reason": reason,
                                              "from": str(incident.status)})


def progress_from_position(state: CenterState, unit_id: str, actor: Actor,
                           codes: RadioStatusCodes = DEFAULT_RADIO_STATUS) -> list[Event]:
    """After a unit's position is applied: en route once it moves; on scene when it has stayed
    inside the geofence for the dwell, or when its radio sends an "arrived" status code of the
    fleet's plan (`codes`, from the scenario). The guide's "job done" key ends the job: see
    `job_done`."""
    unit = state.units[unit_id]
    # only a fresh press counts: a code left set from the last job must not act on the next
    if unit.radio_status_changed and unit.radio_status in codes.free:
        return job_done(state, unit_id, actor)
    incident = state.incident_of(unit_id)
    if incident is None or unit.lon is None:
        return []
    out: list[Event] = []
    status = incident.status
    payload = {"case": incident.case, "unit": unit_id}
    if status == S.ACKNOWLEDGED and unit.speed_kmh > 1.0:
        out.append(actor.event(ev.UNIT_EN_ROUTE, dict(payload)))
        status = S.EN_ROUTE
    by_fence = unit.fence_hits >= ARRIVAL_DWELL_FIXES
    by_radio = unit.radio_status_changed and unit.radio_status in codes.arrived
    if status in (S.DISPATCHED, S.ACKNOWLEDGED, S.EN_ROUTE) and (by_fence or by_radio):
        d = geodesy.distance_m(unit.lon, unit.lat, incident.lon, incident.lat)
        out.append(actor.event(ev.UNIT_ARRIVED, {
            **payload, "distance_m": round(d, 1), "fixes_inside": unit.fence_hits,
            "by": "geofence" if by_fence else "radio_status"}))
    return out


DONE_ON_SCENE = frozenset({S.ON_SCENE, S.EVIDENCE_COLLECTED, S.CLAIM_FILED})


def job_done(state: CenterState, unit_id: str, actor: Actor) -> list[Event]:
    """The guide's "job done / free" key: on the scene it closes the case as settled on the
    spot (the dispatcher can reopen it); a unit marked busy (a page it never answered) or on
    break is free again. Pressed on the way, it changes nothing: the guide has not arrived."""
    unit = state.units[unit_id]
    incident = state.incident_of(unit_id)
    actor = Actor(f"radio:{unit_id}", actor.workstation)  # the guide pressed it
    if incident is not None and incident.status in DONE_ON_SCENE:
        return [actor.event(ev.INCIDENT_CLOSED, {"case": incident.case, "disposition": SETTLED,
                                                 "by": "radio_status"})]
    if incident is None and unit.status in (UnitStatus.BUSY, UnitStatus.ON_BREAK):
        return [actor.event(ev.UNIT_STATUS_SET, {"unit": unit_id, "status": "available",
                                                 "by": "radio_status"})]
    return []


def clock_alarms(state: CenterState, now: datetime, actor: Actor,
                 policy: ClockPolicy = DEFAULT_CLOCK) -> list[Event]:
    """Events for 8-minute clocks that crossed the warning or breach line since last time."""
    return [actor.event(ev.CLOCK_ALARM, {"case": case, "level": level,
                                         "elapsed_s": round(elapsed)})
            for case, level, elapsed in due_alarms(state.incidents.values(), now, policy)]


def merge(state: CenterState, case: str, into: str, actor: Actor) -> Event:
    """The alert `case` is the same accident as `into`: it becomes a duplicate of it."""
    if case == into:
        raise Refusal("merge_into_itself")
    check_transition(case, _incident(state, case).status, S.DUPLICATE)
    if _incident(state, into).status in TERMINAL:
        raise Refusal("incident_not_open", case=into, status=state.incidents[into].status)
    return actor.event(ev.INCIDENT_MERGED, {"case": case, "into": into})


def keep_apart(state: CenterState, case: str, of: str, actor: Actor) -> Event:
    _incident(state, case)
    _incident(state, of)
    return actor.event(ev.DUPLICATE_KEPT_APART, {"case": case, "of": of})


SETTABLE_STATUSES = (UnitStatus.AVAILABLE, UnitStatus.BUSY, UnitStatus.ON_BREAK,
                     UnitStatus.OFF_DUTY)


def set_unit_status(state: CenterState, unit_id: str, status: UnitStatus, actor: Actor) -> Event:
    """The dispatcher's manual status; a unit on a job changes status through the job."""
    unit = state.units.get(unit_id)
    if unit is None:
        raise UnknownUnit(unit_id)
    if status not in SETTABLE_STATUSES:
        raise Refusal("status_set_by_job", status=status)
    if unit.incident is not None:
        raise Refusal("unit_on_incident", unit=unit_id, case=unit.incident)
    return actor.event(ev.UNIT_STATUS_SET, {"unit": unit_id, "status": str(status)})


def acknowledge_emergency(state: CenterState, unit_id: str, actor: Actor) -> Event:
    unit = state.units.get(unit_id)
    if unit is None:
        raise UnknownUnit(unit_id)
    if not unit.emergency:
        raise Refusal("no_emergency", unit=unit_id)
    return actor.event(ev.EMERGENCY_ACKED, {"unit": unit_id})


def map_radio(state: CenterState, radio: str, unit_id: str, actor: Actor) -> Event:
    """Register radio `FLEET/ID` as `unit_id`'s (a replaced handset, a newly seen radio)."""
    fleet_text, _, radio_id = radio.partition("/")
    if unit_id not in state.units:
        raise UnknownUnit(unit_id)
    owner = state.by_radio.get((int(fleet_text), radio_id))
    if owner is not None and owner != unit_id:
        raise Refusal("radio_taken", radio=radio, unit=owner)
    return actor.event(ev.RADIO_MAPPED, {"unit": unit_id, "fleet": int(fleet_text),
                                         "radio_id": radio_id})
