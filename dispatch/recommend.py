"""Which unit to send: nearest available guide by estimated travel time.

Until a road graph is loaded the ETA is straight-line distance × detour factor at e-motorcycle
speed; the ranking carries its reasons so the dispatcher can see why a unit is first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dispatch.config import TravelModel
from dispatch.state import Unit, UnitStatus
from map import geodesy


@dataclass(frozen=True)
class Recommendation:
    unit_id: str
    distance_m: float
    eta_s: float
    reason: str


def eta_seconds(distance_m: float, model: TravelModel) -> float:
    return distance_m * model.detour_factor / (model.speed_kmh / 3.6)


def recommend(units: Iterable[Unit], lon: float, lat: float, model: TravelModel,
              kind: str = "guide", limit: int = 3) -> list[Recommendation]:
    """Available units of `kind` with a known position, fastest first."""
    ranked = []
    for unit in units:
        if unit.kind != kind or unit.status != UnitStatus.AVAILABLE or unit.lon is None:
            continue
        d = geodesy.distance_m(unit.lon, unit.lat, lon, lat)
        eta = eta_seconds(d, model)
        reason = f"直线{d / 1000:.1f} km × 绕行系数{model.detour_factor} ≈ {eta / 60:.1f} 分钟"
        ranked.append(Recommendation(unit.unit_id, d, eta, reason))
    ranked.sort(key=lambda r: (r.eta_s, r.unit_id))
    return ranked[:limit]
