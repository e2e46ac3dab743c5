"""Post plans per time band from the accident history, judged on held-out days.

Accidents cluster differently on a weekday morning, an evening rush, at night and on a tourist
weekend, and riding is slower at the peaks, so each band gets its own plan: K posts by the
planner, the fewest posts that reach the target, and the share of the held-out days' accidents
of that band the plan reaches (the honest figure: the plan never saw them).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from dispatch import planning
from map import coverage
from map.day_simulation import (
    RIDE_BUDGET_S,
    Experiment,
    hand_posts,
    planned_posts,
    planning_instance,
)
from map.post_map import post_map

# the router's speed table for each planning band
SPEED_BAND = {"morning_peak": "peak", "evening_peak": "peak", "off_peak": "normal",
              "night": "night", "weekend": "normal"}


@dataclass(frozen=True)
class BandPlan:
    band: str
    accidents: int  # of the planning days, in this band
    plan: planning.Plan
    fewest: planning.Plan | None  # None: the candidates cannot reach the target
    held_out: int  # accidents of the held-out days in this band
    held_out_share: float  # of those, reached within the ride budget by the plan's posts


def _band_nodes(exp: Experiment, days: list, band: str) -> np.ndarray:
    times, nodes = exp.points.on(set(days))
    keep = [n for n, t in enumerate(times) if planning.time_band(t) == band]
    return nodes[keep]


def plan_band(exp: Experiment, band: str, k: int, target: float,
              time_limit_s: float = 10.0) -> BandPlan | None:
    """The band's plan, or None when the planning days have no accident in it."""
    train = _band_nodes(exp, exp.train_days, band)
    if len(train) == 0:
        return None
    speeds = SPEED_BAND[band]
    instance = planning_instance(exp, speeds, RIDE_BUDGET_S, train)
    plan = planning.plan_posts(instance.cover, instance.weights, k, time_limit_s)
    fewest = planning.fewest_posts(instance.cover, instance.weights, target, time_limit_s)
    test = _band_nodes(exp, exp.test_days, band)
    share = float("nan")
    if len(test):
        g = exp.graph
        sites = instance.sites[list(plan.sites)]
        seconds = coverage.travel_matrix(exp.router, g.lon[test], g.lat[test], g.lon[sites],
                                         g.lat[sites], speeds)
        share = float(planning.coverage(seconds, RIDE_BUDGET_S).any(axis=1).mean())
    return BandPlan(band, len(train), plan, fewest, len(test), share)


def compare_on_map(exp: Experiment, guides: int, share: float, out: Path) -> tuple[float, float]:
    """Hand-placed posts against the expected-covering proposal for `guides` guides, on the
    held-out days' accidents at peak speeds; writes the map, returns (current, proposed)
    shares reached within the ride budget."""
    proposed = planned_posts(exp, planning_instance(exp), guides, share)
    current = hand_posts(exp, guides)
    _, test = exp.points.on(set(exp.test_days))
    g = exp.graph

    def reached(posts: list[tuple[float, float]]) -> np.ndarray:
        seconds = coverage.travel_matrix(exp.router, g.lon[test], g.lat[test],
                                         [p[0] for p in posts], [p[1] for p in posts], "peak")
        return planning.coverage(seconds, RIDE_BUDGET_S).any(axis=1)

    by_current, by_proposed = reached(current), reached(proposed)
    title = (f"执勤点 {guides} 名引导员 · 留出日事故 {len(test)} 起 · 8分钟内可达: 现有 "
             f"{100 * by_current.mean():.1f}% → 建议 {100 * by_proposed.mean():.1f}%")
    post_map(g, (g.lon[test], g.lat[test]), current, proposed, by_current, by_proposed,
             title).save(str(out))
    return float(by_current.mean()), float(by_proposed.mean())
