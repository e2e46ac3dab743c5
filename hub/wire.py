"""How the console link writes events, radio log lines and states as JSON (both ends use it).

The protocol itself is described in docs/console-protocol.md.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

from dispatch.events import Event
from dispatch.snapshot import from_document, to_document
from dispatch.state import CenterState, Unit
from hub.radio_log import RadioLogEntry


def event_to_wire(event: Event) -> dict[str, Any]:
    return {"id": event.id, "type": event.type, "actor": event.actor,
            "workstation": event.workstation, "payload": event.payload,
            "time": event.time.isoformat()}


def event_from_wire(doc: dict[str, Any]) -> Event:
    return Event(doc["type"], doc["actor"], doc["workstation"], doc["payload"],
                 datetime.fromisoformat(doc["time"]), doc["id"])


def radio_to_wire(entry: RadioLogEntry) -> dict[str, Any]:
    return {"port": entry.port, "direction": entry.direction, "unit": entry.unit,
            "text": entry.text, "raw": base64.b64encode(entry.raw).decode("ascii"),
            "time": entry.time.isoformat()}


def radio_from_wire(doc: dict[str, Any]) -> RadioLogEntry:
    return RadioLogEntry(doc["port"], doc["direction"], doc["unit"], doc["text"],
                         base64.b64decode(doc["raw"]), datetime.fromisoformat(doc["time"]))


def state_to_wire(state: CenterState) -> dict[str, Any]:
    return to_document(state)


def state_from_wire(doc: dict[str, Any], roster: list[Unit]) -> CenterState:
    """The hub's state on this console's roster (names, kinds, posts and shifts are roster
    configuration); a console configured with other units cannot follow this hub."""
    state = from_document(doc, roster)
    if state is None:
        hub_units = sorted(u["unit_id"] for u in doc.get("units", []))
        raise ValueError(f"this console's roster differs from the hub's ({hub_units[:5]}…): "
                         "configure the same scenario on both")
    return state
