"""The center state as a JSON document, so start-up need not replay the whole log.

A day at 300 units × 1 Hz is 26 million position events; replaying them all at every start
would take many minutes. The store keeps a snapshot every so many events and replays only what
came after it. A snapshot whose roster differs from the configured one is not used (the log is
replayed instead), so changing the roster can never leave a unit half-known. A unit's name, kind,
post and shift are roster configuration, not state: a snapshot does not keep them and takes the
roster's, so an edit applies at the next start even when start-up uses a snapshot.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from dispatch.lifecycle import IncidentStatus
from dispatch.state import CenterState, Incident, Unit, UnitStatus

VERSION = 2
# Unit fields taken from the roster, never from a snapshot
ROSTER_ONLY = ("name", "kind", "post", "shift", "insurer")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, set):
        return sorted(value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _time(value: Any) -> datetime | None:
    return datetime.fromisoformat(value["t"]) if isinstance(value, dict) else None


def to_document(state: CenterState) -> dict[str, Any]:
    return {
        "version": VERSION,
        "last_event_id": state.last_event_id,
        "incident_version": state.incident_version,
        "cases_opened": state.cases_opened,
        "incidents": [_plain(dataclasses.asdict(i)) for i in state.incidents.values()],
        "units": [_plain(_unit_fields(u)) for u in state.units.values()],
    }


def _unit_fields(unit: Unit) -> dict[str, Any]:
    doc = dataclasses.asdict(unit)
    for key in ROSTER_ONLY:
        del doc[key]
    return doc


def _incident(doc: dict[str, Any]) -> Incident:
    fields = {**doc, "received_at": _time(doc["received_at"]),
              "slip_time": _time(doc["slip_time"]),
              "status": IncidentStatus(doc["status"]), "alarms": set(doc["alarms"]),
              "kept_apart": set(doc["kept_apart"]),
              "history": [(_time(t), IncidentStatus(s)) for t, s in doc["history"]]}
    return Incident(**fields)


def _unit(doc: dict[str, Any], configured: Unit) -> Unit:
    return Unit(**{**doc, "status": UnitStatus(doc["status"]), "fix_time": _time(doc["fix_time"]),
                   "radio_time": _time(doc["radio_time"]),
                   **{key: getattr(configured, key) for key in ROSTER_ONLY}})


def from_document(doc: dict[str, Any], roster: list[Unit]) -> CenterState | None:
    """The state the document describes, or None if it cannot stand for this roster."""
    if doc.get("version") != VERSION:
        return None
    configured = {u.unit_id: u for u in roster}
    if sorted(u["unit_id"] for u in doc["units"]) != sorted(configured):
        return None
    state = CenterState([_unit(u, configured[u["unit_id"]]) for u in doc["units"]])
    for incident in map(_incident, doc["incidents"]):
        state.incidents[incident.case] = incident
        state.by_alert[incident.alert_id] = incident.case
    state.last_event_id = doc["last_event_id"]
    state.incident_version = doc["incident_version"]
    # a document written before retirement existed holds every case ever opened
    state.cases_opened = doc.get("cases_opened", len(doc["incidents"]))
    return state
