"""Event types of the one log every view is projected from.

An event is a fact: who did what, when and from which workstation. Names are stable strings
because they are stored; the payload is a plain JSON-able dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

ALERT_RECEIVED = "alert_received"
INCIDENT_TRIAGED = "incident_triaged"
INCIDENT_REFERRED = "incident_referred"
UNIT_DISPATCHED = "unit_dispatched"
PAGE_SENT = "page_sent"
PAGE_ACKED = "page_acked"
UNIT_EN_ROUTE = "unit_en_route"
UNIT_ARRIVED = "unit_arrived"
INCIDENT_CLOSED = "incident_closed"
UNIT_POSITION = "unit_position"
CLOCK_ALARM = "clock_alarm"
INCIDENT_MERGED = "incident_merged"
DUPLICATE_KEPT_APART = "duplicate_kept_apart"
UNIT_STATUS_SET = "unit_status_set"
PAGE_FAILED = "page_failed"
RADIO_EMERGENCY = "radio_emergency"
EMERGENCY_ACKED = "emergency_acked"
VOICE_PAGE = "voice_page"
RADIO_MAPPED = "radio_mapped"
POSITION_POLLED = "position_polled"
USER_CHANGED = "user_changed"
QUESTION_ASKED = "question_asked"  # triage waits for the caller's answer to this question
QUESTION_ANSWERED = "question_answered"  # the dispatcher recorded the caller's answer
UNIT_RECALLED = "unit_recalled"  # the dispatcher took the guide off the case (told by radio)
PAGE_WITHDRAWN = "page_withdrawn"  # a page for a case its unit no longer has, not sent again
INCIDENT_REOPENED = "incident_reopened"  # an ended case waits for a unit again, with a reason


def utc_now() -> datetime:
    """Event times are always timezone-aware UTC; the console shows local time."""
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Event:
    """One entry of the append-only log; `id` is assigned by the store when appended."""

    type: str
    actor: str
    workstation: str
    payload: dict[str, Any] = field(default_factory=dict)
    time: datetime = field(default_factory=utc_now)
    id: int | None = None
    idempotency_key: str | None = None

    def with_id(self, event_id: int) -> Event:
        return Event(
            self.type, self.actor, self.workstation, self.payload, self.time, event_id,
            self.idempotency_key,
        )
