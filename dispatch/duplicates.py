"""Several callers, one accident: propose a new alert as a duplicate of an open incident.

Score from nearness in place and time, the same plate or the same caller, each with its words.
Defaults follow what dispatch products use (Active911: 10 minutes and 0.05 mi ≈ 80 m;
Prepared: about 500 ft ≈ 150 m); a center tunes them. The dispatcher merges, keeps separate
(remembered, so it is not proposed again) or ignores the proposal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from dispatch import geodesy
from dispatch.lifecycle import TERMINAL
from dispatch.state import Incident


@dataclass(frozen=True)
class DuplicatePolicy:
    radius_m: float = 150.0
    window_s: float = 10 * 60.0
    min_score: float = 0.5


DEFAULT_DUPLICATES = DuplicatePolicy()


@dataclass(frozen=True)
class DuplicateCandidate:
    case: str  # the open incident the new alert may duplicate
    score: float
    reasons: tuple[str, ...]


def _plates(incident: Incident) -> set[str]:
    plates = incident.structured.get("plates") or []
    return {p.replace(" ", "").upper() for p in plates if isinstance(p, str)}


Distance = Callable[[float, float, float, float], float]  # (lon1, lat1, lon2, lat2) → metres


def _score(new: Incident, old: Incident, policy: DuplicatePolicy,
           distance: Distance) -> DuplicateCandidate | None:
    d = distance(new.lon, new.lat, old.lon, old.lat)
    dt = abs((new.received_at - old.received_at).total_seconds())
    score, reasons = 0.0, []
    if d <= policy.radius_m:
        score += 0.4 * (1 - d / policy.radius_m) + 0.1
        reasons.append(f"相距{d:.0f} m" + ("" if distance is geodesy.distance_m else "(道路)"))
    if dt <= policy.window_s:
        score += 0.2
        reasons.append(f"{dt / 60:.0f} 分钟内")
    shared = _plates(new) & _plates(old)
    if shared:
        score += 0.5
        reasons.append(f"同一车牌{'、'.join(sorted(shared))}")
    if new.caller_phone and new.caller_phone == old.caller_phone:
        score += 0.4
        reasons.append("同一报警电话")
    if score < policy.min_score:
        return None
    return DuplicateCandidate(old.case, min(1.0, round(score, 2)), tuple(reasons))


def duplicate_candidates(new: Incident, incidents: Iterable[Incident],
                         policy: DuplicatePolicy = DEFAULT_DUPLICATES,
                         distance: Distance = geodesy.distance_m) -> list[DuplicateCandidate]:
    """Open incidents received before `new` that it may duplicate, most likely first.
    `distance` is along the roads when a road graph is loaded: two crashes 100 m apart on
    either side of a river or a divided highway are not one accident."""
    found = []
    for old in incidents:
        if old.case == new.case or old.status in TERMINAL or old.case in new.kept_apart:
            continue
        if old.received_at > new.received_at:
            continue
        candidate = _score(new, old, policy, distance)
        if candidate is not None:
            found.append(candidate)
    return sorted(found, key=lambda c: (-c.score, c.case))
