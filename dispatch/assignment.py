"""Joint assignment for peak hours: several pending incidents, one decision.

Sending each incident its nearest unit one by one can leave a later incident with only far
units. The joint plan minimises the total lateness beyond the target (8 minutes from receipt),
with the Hungarian method (scipy's linear_sum_assignment); total ETA breaks ties so no unit
rides further than it needs to, and among those the unit whose shift covers the job. Units off
shift take no part. The greedy plan is computed too, to show what the joint one gains.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.optimize import linear_sum_assignment

from dispatch.config import TravelModel
from dispatch.recommend import (
    EtaFunction,
    RankingPolicy,
    etas_with_fallback,
    shift_left_array,
    shift_penalty,
)
from dispatch.shifts import on_shift
from dispatch.state import Incident, Unit

UNREACHABLE_S = 1e7
TIE_BREAK = 1e-3  # seconds of lateness one second of ETA is worth
DEFAULT_POLICY = RankingPolicy()


@dataclass(frozen=True)
class Plan:
    pairs: tuple[tuple[int, int], ...]  # (incident index, unit index)
    lateness_s: float  # summed beyond the target
    late_count: int


def _lateness(etas: np.ndarray, elapsed_s: np.ndarray, target_s: float) -> np.ndarray:
    arrival = elapsed_s[:, None] + np.where(np.isfinite(etas), etas, UNREACHABLE_S)
    return np.maximum(0.0, arrival - target_s)


def _plan(pairs: Sequence[tuple[int, int]], late: np.ndarray) -> Plan:
    values = [float(late[i, u]) for i, u in pairs]
    return Plan(tuple(pairs), sum(values), sum(v > 0 for v in values))


def joint_plan(etas: np.ndarray, elapsed_s: Sequence[float], target_s: float = 480.0,
               penalty_s: np.ndarray | float = 0.0) -> Plan:
    """etas[i, u]: seconds for unit u to reach incident i (inf: cannot). One unit each.
    penalty_s[i, u] (the ranking's shift penalty) only joins the ETA in the tie-break: lateness
    still decides, so the joint plan stays comparable with the greedy one."""
    elapsed = np.asarray(elapsed_s, dtype=float)
    late = _lateness(etas, elapsed, target_s)
    ride = np.where(np.isfinite(etas), etas, UNREACHABLE_S) + penalty_s
    cost = late + TIE_BREAK * ride
    rows, cols = linear_sum_assignment(cost)
    return _plan(sorted(zip(rows.tolist(), cols.tolist(), strict=True)), late)


def greedy_plan(etas: np.ndarray, elapsed_s: Sequence[float], target_s: float = 480.0) -> Plan:
    """One by one, oldest incident first, each takes the fastest unit still free."""
    elapsed = np.asarray(elapsed_s, dtype=float)
    late = _lateness(etas, elapsed, target_s)
    free = np.ones(etas.shape[1], dtype=bool)
    pairs = []
    for i in np.argsort(-elapsed, kind="stable"):
        if not free.any():
            break
        choice = np.where(free, np.where(np.isfinite(etas[i]), etas[i], UNREACHABLE_S), np.inf)
        u = int(np.argmin(choice))
        free[u] = False
        pairs.append((int(i), u))
    return _plan(sorted(pairs), late)


@dataclass(frozen=True)
class Proposal:
    """The joint plan for the pending incidents, in words the dispatcher confirms."""

    assignments: tuple[tuple[str, str, float], ...]  # (case, unit id, ETA seconds)
    joint: Plan
    greedy: Plan


def propose(incidents: Sequence[Incident], units: Sequence[Unit], now: datetime,
            model: TravelModel, road_etas: EtaFunction | None,
            policy: RankingPolicy = DEFAULT_POLICY) -> Proposal | None:
    """The joint plan for pending incidents over the given units that are on shift, ETAs as
    recommend sees them; a shift that would end before the job is done breaks ties."""
    units = [u for u in units if on_shift(u.shift, now)]
    if not incidents or not units:
        return None
    etas = np.array([etas_with_fallback(units, i.lon, i.lat, now, model, road_etas)
                     for i in incidents])
    penalty = shift_penalty(shift_left_array(units, now), etas, policy)
    elapsed = [(now - i.received_at).total_seconds() for i in incidents]
    joint = joint_plan(etas, elapsed, policy.target_s, penalty)
    greedy = greedy_plan(etas, elapsed, policy.target_s)
    assignments = tuple((incidents[i].case, units[u].unit_id, float(etas[i, u]))
                        for i, u in joint.pairs if np.isfinite(etas[i, u]))
    return Proposal(assignments, joint, greedy)
