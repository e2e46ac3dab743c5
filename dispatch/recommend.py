"""Which unit to send, ranked with the reasons a dispatcher can check at a glance.

ETAs come from a road-network function when one is loaded (one reverse search for all units,
see map/routing.py); straight-line distance × detour factor at e-motorcycle speed is only the
fallback. Guides come first for minor accidents; a police rider is offered when no guide can
arrive within the target (8 minutes). Stale positions are excluded or penalised, and among
near-equals the unit with fewer jobs this shift goes first.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from dispatch.config import TravelModel
from dispatch.state import Unit, UnitStatus
from map import geodesy

# (units, incident lon, lat, when) → seconds per unit, inf where unreachable
EtaFunction = Callable[[Sequence[Unit], float, float, datetime], Sequence[float]]


@dataclass(frozen=True)
class RankingPolicy:
    target_s: float = 8 * 60.0
    stale_after_s: float = 120.0
    exclude_stale: bool = False  # False: penalise instead
    stale_penalty_s: float = 180.0
    job_penalty_s: float = 20.0  # per job already done this shift: spreads the work
    primary_kind: str = "guide"
    backup_kinds: tuple[str, ...] = ("police_moto",)


@dataclass(frozen=True)
class Recommendation:
    unit_id: str
    kind: str
    distance_m: float
    eta_s: float
    score_s: float
    by_road: bool
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return ";".join(self.reasons)


def eta_seconds(distance_m: float, model: TravelModel) -> float:
    return distance_m * model.detour_factor / (model.speed_kmh / 3.6)


def straight_line_etas(model: TravelModel) -> EtaFunction:
    def etas(units: Sequence[Unit], lon: float, lat: float, _when: datetime) -> list[float]:
        return [eta_seconds(geodesy.distance_m(u.lon, u.lat, lon, lat), model) for u in units]

    return etas


def _age_s(unit: Unit, now: datetime) -> float | None:
    return None if unit.fix_time is None else max(0.0, (now - unit.fix_time).total_seconds())


def _candidate(unit: Unit, eta: float, by_road: bool, lon: float, lat: float, now: datetime,
               policy: RankingPolicy, model: TravelModel) -> Recommendation | None:
    if not math.isfinite(eta):
        return None
    d = geodesy.distance_m(unit.lon, unit.lat, lon, lat)
    reasons = [f"道路ETA {eta / 60:.1f} 分钟" if by_road else
               f"直线{d / 1000:.1f} km×绕行{model.detour_factor}≈{eta / 60:.1f} 分钟(无路网)"]
    score = eta
    age = _age_s(unit, now)
    if age is None or age > policy.stale_after_s:
        if policy.exclude_stale:
            return None
        score += policy.stale_penalty_s
        reasons.append("定位未知,降权" if age is None else f"定位陈旧({age / 60:.0f} 分钟前),降权")
    else:
        reasons.append(f"定位{age:.0f} 秒前")
    if unit.jobs:
        score += unit.jobs * policy.job_penalty_s
        reasons.append(f"本班已出警{unit.jobs}次")
    if eta > policy.target_s:
        reasons.append(f"超过{policy.target_s / 60:.0f}分钟")
    return Recommendation(unit.unit_id, unit.kind, d, eta, score, by_road, tuple(reasons))


def recommend(units: Iterable[Unit], lon: float, lat: float, now: datetime, model: TravelModel,
              road_etas: EtaFunction | None = None, policy: RankingPolicy = RankingPolicy(),
              limit: int = 3) -> list[Recommendation]:
    """Available units with a position, best first (guides; riders only as the backup)."""
    kinds = (policy.primary_kind, *policy.backup_kinds)
    pool = [u for u in units if u.status == UnitStatus.AVAILABLE and u.lon is not None
            and u.kind in kinds]
    etas = (road_etas or straight_line_etas(model))(pool, lon, lat, now)
    ranked = [c for u, eta in zip(pool, etas, strict=True)
              if (c := _candidate(u, eta, road_etas is not None, lon, lat, now, policy, model))]
    ranked.sort(key=lambda r: (r.score_s, r.unit_id))
    guides = [r for r in ranked if r.kind == policy.primary_kind]
    if guides and guides[0].eta_s <= policy.target_s:
        return guides[:limit]
    backups = [_as_backup(r, policy) for r in ranked if r.kind != policy.primary_kind
               and r.eta_s <= policy.target_s]
    return (backups[:1] + guides)[:limit] if backups else guides[:limit]


def _as_backup(r: Recommendation, policy: RankingPolicy) -> Recommendation:
    note = f"{policy.target_s / 60:.0f}分钟内无引导员可达,改派交警铁骑"
    return Recommendation(r.unit_id, r.kind, r.distance_m, r.eta_s, r.score_s, r.by_road,
                          (*r.reasons, note))
