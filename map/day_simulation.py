"""The road side of `jingbao simulate-day`: real accident points on a real road graph, posts
planned or placed by hand, rides timed on the roads, the policy's ETAs from the console's router.

Two set-ups are compared with the same number of guides: road-ETA recommendation with posts
planned by dispatch/planning.py, and straight-line nearest with "hand-placed" posts — the K
busiest accident spots of the planning days, at least `HAND_SPACING_M` apart, which is what a
shift lead does without a planner. Posts are planned on the first days and judged on the rest.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from dispatch import kpi, planning
from dispatch.config import TravelModel
from dispatch.events import Event
from dispatch.geodesy import distance_m
from dispatch.recommend import EtaFunction
from dispatch.simulation import Accident, RideFunction, Setup, simulate
from map import coverage
from map.accident_points import AccidentPoints, accidents_on
from map.roads import RoadGraph, load_osm
from map.routing import Router, UnitEtas, time_band

DEMAND_NODES = 2000
CANDIDATE_SITES = 300
HAND_SPACING_M = 1000.0
RIDE_HORIZON_S = 3 * 3600.0
ON_SCENE_MEDIAN_S = 20 * 60.0  # lognormal; the policy plans with 30 min as a typical job
ON_SCENE_SIGMA = 0.5
PRIOR_SHARE = 0.05
PRIOR_NODES = 500
DISPATCH_DELAY_S = 30.0  # receipt → dispatch, then dispatch → acknowledgement, in the simulation
ACK_DELAY_S = 30.0
RIDE_BUDGET_S = kpi.TARGET_S - DISPATCH_DELAY_S - ACK_DELAY_S


@dataclass
class Experiment:
    graph: RoadGraph
    router: Router
    points: AccidentPoints
    train_days: list[date]
    test_days: list[date]

    def xy(self) -> np.ndarray:
        return coverage.local_xy(self.graph.lon, self.graph.lat, float(np.median(self.graph.lat)))


def load(osm: Path, accidents: Path, train_days: int = 3) -> Experiment:
    graph = load_osm(osm)
    points = accidents_on(accidents, graph)
    days = points.days()
    return Experiment(graph, Router(graph), points, days[:train_days], days[train_days:])


def _local(moment: datetime) -> datetime:
    """The sample's times are the city's local clock, stored as UTC-aware: local = UTC."""
    return moment


def ride_function(router: Router, model: TravelModel | None = None) -> RideFunction:
    """Seconds ridden on the roads in the time band of the moment; straight line × detour
    where the roads do not connect within the horizon."""
    model = model or TravelModel()

    def ride(lon1: float, lat1: float, lon2: float, lat2: float, when: datetime) -> float:
        [seconds] = router.etas_to(lon2, lat2, [lon1], [lat1], time_band(_local(when)),
                                   RIDE_HORIZON_S)
        if math.isfinite(seconds):
            return float(seconds)
        return distance_m(lon1, lat1, lon2, lat2) * model.detour_factor / (model.speed_kmh / 3.6)
    return ride


def accidents_of(exp: Experiment, day: date, share: float = 1.0) -> list[Accident]:
    """The day's accidents on the graph — a random `share` of them, e.g. the joint desk's 25%
    of all accidents — with on-scene times drawn from a generator seeded by the day, so every
    set-up meets the same day."""
    times, nodes = exp.points.on({day})
    rng = np.random.default_rng(day.toordinal())
    scene = ON_SCENE_MEDIAN_S * np.exp(rng.normal(0.0, ON_SCENE_SIGMA, len(nodes)))
    kept = rng.random(len(nodes)) < share
    g = exp.graph
    return [Accident(t.replace(tzinfo=UTC), float(g.lon[n]), float(g.lat[n]), float(s))
            for t, n, s, keep in zip(times, nodes, scene, kept, strict=True) if keep]


def _smoothed(exp: Experiment, nodes: np.ndarray) -> np.ndarray:
    """Accidents at `nodes` smoothed over the main road network: a weight per graph node."""
    main = coverage.main_component(exp.graph)
    xy = exp.xy()
    smooth = np.zeros(exp.graph.node_count)
    smooth[main] = planning.smooth_demand(xy[nodes], xy[main])
    return smooth


def candidate_sites(exp: Experiment) -> np.ndarray:
    """`CANDIDATE_SITES` road nodes spread over those carrying any demand of the planning
    days (posts stand where people drive, not on empty mountain roads)."""
    smooth = _smoothed(exp, exp.points.on(set(exp.train_days))[1])
    carrying = np.flatnonzero(smooth > 0)
    return carrying[coverage.spread_sites(exp.xy(), carrying, CANDIDATE_SITES)]


@dataclass(frozen=True)
class PlanningInstance:
    cover: np.ndarray
    weights: np.ndarray
    sites: np.ndarray  # road node of each candidate


def planning_instance(exp: Experiment, band: str = "peak", ride_s: float = RIDE_BUDGET_S,
                      accidents: np.ndarray | None = None,
                      prior_share: float = PRIOR_SHARE) -> PlanningInstance:
    """Demand × candidates covered when a guide at the site rides there within `ride_s` at the
    band's speeds: the 8 minutes less dispatch and acknowledgement, at peak speeds by default,
    so a plan's coverage holds when it matters most. Demand: the smoothed `accidents` (road
    nodes; default all of the planning days), its heaviest `DEMAND_NODES` nodes, plus a prior:
    `prior_share` of the weight spread evenly over `PRIOR_NODES` nodes of the whole network.
    The prior decides where posts go once the days seen are covered — tomorrow's accidents
    also happen where the planning days had none."""
    if accidents is None:
        accidents = exp.points.on(set(exp.train_days))[1]
    smooth = _smoothed(exp, accidents)
    if prior_share > 0:
        main = coverage.main_component(exp.graph)
        spread = main[coverage.spread_sites(exp.xy(), main, PRIOR_NODES)]
        smooth[spread] += prior_share * smooth.sum() / ((1 - prior_share) * len(spread))
    heaviest = np.argsort(-smooth)[:DEMAND_NODES]
    demand = np.union1d(heaviest[smooth[heaviest] > 0], spread if prior_share > 0 else [])
    demand = demand.astype(int)
    sites = candidate_sites(exp)
    g = exp.graph
    seconds = coverage.travel_matrix(exp.router, g.lon[demand], g.lat[demand], g.lon[sites],
                                     g.lat[sites], band)
    return PlanningInstance(planning.coverage(seconds, ride_s), smooth[demand], sites)


def busy_probability(exp: Experiment, k: int, share: float = 1.0) -> float:
    """How likely a guide is on a job in a busy hour of the planning days: accidents an hour
    (90th percentile over the hours) × the hours a job takes (mean time on scene, rides there and
    back at the ride budget) / guides. The expected-covering plan spends guides by it."""
    times, _ = exp.points.on(set(exp.train_days))
    per_hour = np.bincount([t.hour + 24 * exp.train_days.index(t.date()) for t in times],
                           minlength=24 * len(exp.train_days))
    job_h = (ON_SCENE_MEDIAN_S * math.exp(ON_SCENE_SIGMA**2 / 2) + 2 * RIDE_BUDGET_S) / 3600
    return min(0.95, float(np.percentile(per_hour, 90)) * share * job_h / k)


def planned_posts(exp: Experiment, instance: PlanningInstance, k: int, share: float = 1.0,
                  time_limit_s: float = 10.0,
                  expected: bool = True) -> list[tuple[float, float]]:
    """K guides' posts. By default maximum expected covering (greedy + swap) with the busy
    probability of `share` of the accidents, which decides itself between a new post and a
    second guide at a busy one. With `expected` False: the maximal covering plan's sites
    (HiGHS), and when fewer sites already cover all the demand they can, the other guides
    double up where a post reaches the most demand per guide. On the held-out days the first
    reaches more (docs/planning.md)."""
    if expected:
        busy = busy_probability(exp, k, share)
        nodes = instance.sites[planning.expected_swap(
            instance.cover, instance.weights,
            planning.expected_greedy(instance.cover, instance.weights, k, busy), busy)]
        return [(float(exp.graph.lon[n]), float(exp.graph.lat[n])) for n in nodes]
    plan = planning.plan_posts(instance.cover, instance.weights, k, time_limit_s)
    sites = list(plan.sites)
    reach = instance.weights @ instance.cover[:, sites]
    guides = np.ones(len(sites))
    while guides.sum() < k:
        guides[np.argmax(reach / guides)] += 1
    nodes = np.repeat(instance.sites[sites], guides.astype(int))
    return [(float(exp.graph.lon[n]), float(exp.graph.lat[n])) for n in nodes]


def hand_posts(exp: Experiment, k: int) -> list[tuple[float, float]]:
    """The K busiest accident spots of the planning days, each at least HAND_SPACING_M from
    the ones already taken: a shift lead's placement without a planner (guides double up,
    busiest spot first, when there are fewer such spots than guides)."""
    _, nodes = exp.points.on(set(exp.train_days))
    counts = np.bincount(nodes, minlength=exp.graph.node_count)
    xy = exp.xy()
    taken: list[int] = []
    for node in np.argsort(-counts, kind="stable"):
        if counts[node] == 0 or len(taken) == k:
            break
        if all(np.linalg.norm(xy[node] - xy[t]) >= HAND_SPACING_M for t in taken):
            taken.append(int(node))
    guides = [taken[n % len(taken)] for n in range(k)]  # more guides than spots: double up
    return [(float(exp.graph.lon[n]), float(exp.graph.lat[n])) for n in guides]


POLICIES = ("road", "road-full", "line")


def policy_etas(exp: Experiment, policy: str) -> EtaFunction | None:
    """The ETA function `recommend` ranks by. "road" is the console's own (UnitEtas: road
    search to 10, then 15 minutes, straight line beyond); "road-full" searches the roads to
    the ride horizon, so no unit is ranked by straight line; "line" is straight-line nearest."""
    if policy == "road":
        return UnitEtas(exp.router, _local)
    if policy == "road-full":
        def full(units: Sequence, lon: float, lat: float, when: datetime) -> np.ndarray:
            return exp.router.etas_to(lon, lat, [u.lon for u in units], [u.lat for u in units],
                                      time_band(_local(when)), RIDE_HORIZON_S)
        return full
    if policy == "line":
        return None
    raise ValueError(f"policy {policy!r}: one of {', '.join(POLICIES)}")


def run(exp: Experiment, days: Sequence[date], posts: Sequence[tuple[float, float]],
        policy: str, share: float = 1.0) -> list[Event]:
    """The events of the given days, one simulation per day (guides start at their posts)."""
    setup = Setup(posts, ride_function(exp.router), policy_etas(exp, policy), DISPATCH_DELAY_S,
                  ACK_DELAY_S)
    out: list[Event] = []
    cases = 0
    for day in days:
        accidents = accidents_of(exp, day, share)
        out += simulate(accidents, setup, cases_before=cases)
        cases += len(accidents)
    return out


@dataclass(frozen=True)
class Figures:
    incidents: int
    rate: float
    percentiles: dict[int, float]
    breach_causes: dict[str, int]


def figures(events: Sequence[Event]) -> Figures:
    """The day's figures through the same KPI functions as a real day's log."""
    lines = kpi.timelines(events).values()
    return Figures(len(kpi.handled(lines)), kpi.arrival_rate(lines),
                   kpi.response_percentiles(lines), kpi.breach_causes(kpi.breaches(lines)))


def fewest_guides(exp: Experiment, instance: PlanningInstance, target: float,
                  days: Sequence[date], policy: str = "road", share: float = 1.0,
                  most: int = 200) -> tuple[int, Figures] | None:
    """The fewest guides at planned posts whose simulated days reach `target` (e.g. 0.986):
    doubling, then bisection (more guides at more posts never serve a day worse in this
    model, up to the noise of the policy's tie-breaks). None when `most` guides fall short."""
    def score(k: int) -> Figures:
        return figures(run(exp, days, planned_posts(exp, instance, k, share), policy, share))

    low, high = 0, 1
    while (best := score(high)).rate < target:
        if high >= most:
            return None
        low, high = high, min(2 * high, most)
    while high - low > 1:
        middle = (low + high) // 2
        if (found := score(middle)).rate >= target:
            high, best = middle, found
        else:
            low = middle
    return high, best
