"""The incident lifecycle as an explicit state machine.

The table is data so the console, reports and tests read the same truth; an illegal move raises
before anything is written, so the log never holds an impossible history.
"""

from __future__ import annotations

from enum import StrEnum

from dispatch.refusals import Refusal


class IncidentStatus(StrEnum):
    RECEIVED = "received"
    TRIAGED = "triaged"
    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    EVIDENCE_COLLECTED = "evidence_collected"
    CLAIM_FILED = "claim_filed"
    CLOSED = "closed"
    REFERRED_POLICE = "referred_police"
    REFERRED_120 = "referred_120"
    DUPLICATE = "duplicate"
    ESCALATED = "escalated"
    CANCELLED = "cancelled"


S = IncidentStatus
_REFER = {S.REFERRED_POLICE, S.REFERRED_120}

TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    S.RECEIVED: frozenset({S.TRIAGED, S.DUPLICATE, S.CANCELLED, S.ESCALATED} | _REFER),
    S.TRIAGED: frozenset({S.DISPATCHED, S.DUPLICATE, S.CANCELLED, S.ESCALATED} | _REFER),
    # back to TRIAGED: the dispatcher recalls the guide (to send another, or none yet)
    S.DISPATCHED: frozenset({S.ACKNOWLEDGED, S.EN_ROUTE, S.ON_SCENE, S.ESCALATED, S.CANCELLED,
                             S.TRIAGED}),
    S.ACKNOWLEDGED: frozenset({S.EN_ROUTE, S.ON_SCENE, S.ESCALATED, S.CANCELLED, S.TRIAGED}),
    S.EN_ROUTE: frozenset({S.ON_SCENE, S.ESCALATED, S.CANCELLED, S.TRIAGED}),
    S.ON_SCENE: frozenset({S.EVIDENCE_COLLECTED, S.CLOSED, S.ESCALATED} | _REFER),
    S.EVIDENCE_COLLECTED: frozenset({S.CLAIM_FILED, S.CLOSED, S.ESCALATED}),
    S.CLAIM_FILED: frozenset({S.CLOSED}),
    S.ESCALATED: frozenset({S.DISPATCHED, S.CLOSED, S.CANCELLED} | _REFER),
    S.CLOSED: frozenset(),
    S.REFERRED_POLICE: frozenset(),
    S.REFERRED_120: frozenset(),
    S.DUPLICATE: frozenset(),
    S.CANCELLED: frozenset(),
}

TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
# The one way back from an ended case, kept out of the table so that "ended" still means "no
# move forward": a dispatcher reopens a closed, referred or cancelled case, with a reason, and it
# waits for a unit again. A duplicate is reopened by reopening the case it was merged into.
REOPENABLE = frozenset({S.CLOSED, S.CANCELLED} | _REFER)
AWAITING_UNIT = frozenset({S.RECEIVED, S.TRIAGED, S.ESCALATED})


class IllegalTransition(Refusal):
    """Raised for a move the lifecycle does not allow; the message names both states."""

    def __init__(self, case: str, current: IncidentStatus, target: IncidentStatus) -> None:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (terminal)"
        super().__init__("illegal_transition", case=case, current=current, target=target,
                         allowed=allowed)
        self.current = current
        self.target = target


def check_transition(case: str, current: IncidentStatus, target: IncidentStatus) -> None:
    if target not in TRANSITIONS[current]:
        raise IllegalTransition(case, current, target)
