"""Ended cases leave the live state some hours after they end.

Each incident costs a live state about 2.6 KB (its slip, reasons and history) and a row in
every console's models, and nothing changes it once it has ended: a center that keeps them all
grows by the day, and so does every sweep over its cases. The log keeps them for review (the day
map, replay and reports read it by range, never the live state), so the live state — the hub's,
an edge hub's, every console's replica — lets an ended case go once it has been ended for a
while: long enough for the shift to look back on it, a filter away in the queue.

Retirement is memory management, not a fact: it writes nothing to the log, and each holder of a
live state applies this same rule on its own clock. Replicas (consoles, edge hubs) keep a case
`REPLICA_MARGIN` longer than the serving hub, so a hub never sends an event for a case that a
replica has already let go; a command naming a retired case is refused like any unknown case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from dispatch.lifecycle import TERMINAL
from dispatch.state import CenterState

DEFAULT_KEPT = timedelta(hours=12)  # a shift, and the hand-over after it
REPLICA_MARGIN = timedelta(minutes=15)
SWEEP_EVERY_S = 60  # how often a holder looks: ended cases are not urgent


def retirable(state: CenterState, now: datetime, kept: timedelta) -> list[str]:
    """The cases that ended at least `kept` before `now`: the time of an ended case's last
    status is when it ended (an ended case moves no more)."""
    cutoff = now - kept
    return [case for case, incident in state.incidents.items()
            if incident.status in TERMINAL and incident.history[-1][0] <= cutoff]
