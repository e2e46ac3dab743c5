"""Which unit to send, ranked with the reasons a dispatcher can check at a glance.

ETAs come from a road-network function when one is loaded (one reverse search for all units,
see map/routing.py); straight-line distance × detour factor at e-motorcycle speed is only the
fallback. Guides come first for minor accidents; a police rider is offered when no guide can
arrive within the target (8 minutes). Stale positions are excluded or penalised, and among
near-equals the unit with fewer jobs this shift goes first. Units off shift are not offered, and
one whose shift ends before it could finish the job (arrival plus a typical job on scene) is
penalised: it would work after hours or hand a half-done case over.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from dispatch import geodesy
from dispatch.config import TravelModel
from dispatch.shifts import on_shift, seconds_left
from dispatch.state import STALE_AFTER_S, Unit, UnitStatus

# (units, incident lon, lat, when) → seconds per unit, inf where unreachable
EtaFunction = Callable[[Sequence[Unit], float, float, datetime], Sequence[float]]
# A road ETA function searches at least this far (map/routing.py's first horizon): a unit it
# did not reach is at least this far by road, however near it looks as the crow flies (a
# ridge, a river, the other carriageway). Ranked by straight line alone, such a unit beat one
# six minutes away by road and then rode twenty (measured by `jingbao simulate-day`).
ROAD_SEARCH_FLOOR_S = 10 * 60.0


@dataclass(frozen=True)
class RankingPolicy:
    target_s: float = 8 * 60.0
    stale_after_s: float = STALE_AFTER_S
    exclude_stale: bool = False  # False: penalise instead
    stale_penalty_s: float = 180.0
    job_penalty_s: float = 20.0  # per job already done this shift: spreads the work
    typical_job_s: float = 30 * 60.0  # on scene until settled: a shift must last ETA + this
    shift_end_penalty_s: float = 300.0  # for a unit whose shift would end before that
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


def _age_s(unit: Unit, now: datetime) -> float:
    return math.inf if unit.fix_time is None else max(0.0, (now - unit.fix_time).total_seconds())


def shift_left_array(units: Sequence[Unit], now: datetime) -> np.ndarray:
    """Seconds each unit has left on shift (inf: its duty does not end)."""
    if all(u.shift is None for u in units):  # the common roster: no shifts to look up
        return np.full(len(units), np.inf)
    return np.array([seconds_left(u.shift, now) for u in units], dtype=float)


def shift_penalty(left: np.ndarray, etas: np.ndarray, policy: RankingPolicy) -> np.ndarray:
    """Penalty seconds where the shift ends before the job would be done. Broadcasts, so the
    joint plan scores incidents × units with the same rule."""
    return np.where(left < etas + policy.typical_job_s, policy.shift_end_penalty_s, 0.0)


def _explain(unit: Unit, eta: float, how: str, d: float, age: float, left: float,
             policy: RankingPolicy, model: TravelModel) -> tuple[str, ...]:
    """The words for one ranked unit; `how` is road, line (no graph) or beyond (horizon)."""
    if how == "road":
        reasons = [f"道路ETA {eta / 60:.1f} 分钟"]
    elif how == "beyond":  # the road search covered the floor and did not reach it
        reasons = [f"直线{d / 1000:.1f} km,道路{ROAD_SEARCH_FLOOR_S / 60:.0f}分钟内不可达,"
                   f"按≥{eta / 60:.1f} 分钟计"]
    else:
        reasons = [f"直线{d / 1000:.1f} km×绕行{model.detour_factor}≈{eta / 60:.1f} 分钟"
                   "(无路网)"]
    if math.isinf(age):
        reasons.append("定位未知,降权")
    elif age > policy.stale_after_s:
        reasons.append(f"定位陈旧({age / 60:.0f} 分钟前),降权")
    else:
        reasons.append(f"定位{age:.0f} 秒前")
    if left < eta + policy.typical_job_s:
        reasons.append(f"距下班{math.ceil(left / 60)}分钟,降权")
    if unit.jobs:
        reasons.append(f"本班已出警{unit.jobs}次")
    if eta > policy.target_s:
        reasons.append(f"超过{policy.target_s / 60:.0f}分钟")
    return tuple(reasons)


def _ranked(pool: list[Unit], lon: float, lat: float, now: datetime, model: TravelModel,
            road_etas: EtaFunction | None,
            policy: RankingPolicy) -> Iterator[tuple[float, int, float, str]]:
    """(score, index into pool, eta, how) best first. Scores are array work for all units;
    words are made later for the few shown, which keeps the hot path out of Python loops."""
    straight = straight_line_array(pool, lon, lat, model)
    if road_etas is None:
        etas, how = straight, np.full(len(pool), "line")
    else:
        road = np.asarray(road_etas(pool, lon, lat, now), dtype=float)
        reached = np.isfinite(road)
        etas = np.where(reached, road, np.maximum(straight, ROAD_SEARCH_FLOOR_S))
        how = np.where(reached, "road", "beyond")
    ages = np.array([_age_s(u, now) for u in pool])
    stale = ages > policy.stale_after_s
    score = etas + stale * policy.stale_penalty_s
    score += shift_penalty(shift_left_array(pool, now), etas, policy)
    score += np.array([u.jobs for u in pool]) * policy.job_penalty_s
    if policy.exclude_stale:
        score[stale] = np.inf
    order = np.lexsort((np.arange(len(pool)), score))  # pool is in roster order: stable ties
    return ((float(score[i]), int(i), float(etas[i]), str(how[i]))
            for i in order if np.isfinite(score[i]))


def straight_line_array(units: Sequence[Unit], lon: float, lat: float,
                        model: TravelModel) -> np.ndarray:
    """Straight-line ETAs of all units at once (the fallback, and beyond the road horizon)."""
    x = np.array([u.lon for u in units])
    y = np.array([u.lat for u in units])
    return _haversine(x, y, lon, lat) * model.detour_factor / (model.speed_kmh / 3.6)


def etas_with_fallback(units: Sequence[Unit], lon: float, lat: float, now: datetime,
                       model: TravelModel, road_etas: EtaFunction | None) -> np.ndarray:
    """Road ETAs where the search reached, straight-line ones elsewhere."""
    straight = straight_line_array(units, lon, lat, model)
    if road_etas is None:
        return straight
    road = np.asarray(road_etas(units, lon, lat, now), dtype=float)
    return np.where(np.isfinite(road), road, np.maximum(straight, ROAD_SEARCH_FLOOR_S))


def _haversine(x: np.ndarray, y: np.ndarray, lon: float, lat: float) -> np.ndarray:
    p1, p2 = np.radians(y), math.radians(lat)
    h = (np.sin((p2 - p1) / 2) ** 2
         + np.cos(p1) * math.cos(p2) * np.sin(np.radians(lon - x) / 2) ** 2)
    return 2 * geodesy.EARTH_RADIUS_M * np.arcsin(np.minimum(1.0, np.sqrt(h)))


def recommend(units: Iterable[Unit], lon: float, lat: float, now: datetime, model: TravelModel,
              road_etas: EtaFunction | None = None, policy: RankingPolicy = RankingPolicy(),
              limit: int = 3) -> list[Recommendation]:
    """Available units on shift with a position, best first (guides; riders only as the
    backup)."""
    kinds = (policy.primary_kind, *policy.backup_kinds)
    pool = [u for u in units if u.status == UnitStatus.AVAILABLE and u.lon is not None
            and u.kind in kinds and (u.shift is None or on_shift(u.shift, now))]
    if not pool:
        return []
    guides, backup = [], None
    for r in _ranked(pool, lon, lat, now, model, road_etas, policy):
        if pool[r[1]].kind == policy.primary_kind:
            guides.append(r)
        elif backup is None and r[2] <= policy.target_s:
            backup = r
        if len(guides) >= limit and (backup is not None or guides[0][2] <= policy.target_s):
            break
    chosen = [(r, "") for r in guides]
    if not guides or guides[0][2] > policy.target_s:  # no guide within the target
        if backup is not None:
            note = f"{policy.target_s / 60:.0f}分钟内无引导员可达,改派交警铁骑"
            chosen = [(backup, note), *chosen][:limit]
    out = []
    for (score, i, eta, how), note in chosen:
        unit = pool[i]
        d = geodesy.distance_m(unit.lon, unit.lat, lon, lat)
        reasons = _explain(unit, eta, how, d, _age_s(unit, now), seconds_left(unit.shift, now),
                           policy, model)
        out.append(Recommendation(unit.unit_id, unit.kind, d, eta, score, how == "road",
                                  (*reasons, note) if note else reasons))
    return out
