"""Where duty posts should stand: maximal covering location on a coverage matrix.

The problem: choose K candidate sites so that the most demand (accidents, smoothed over nearby
road nodes) lies within 8 minutes by road of some chosen site. Travel times come in as a matrix
computed by the adapter (map/coverage.py), so this module stays pure. The exact answer comes
from a MILP solved by HiGHS (`scipy.optimize.milp`) under a time limit, with its proven bound;
greedy + swap is the fallback when the solver finds nothing in time, and the better of the two
is kept. Demand is smoothed because a plan fitted to yesterday's exact points generalises poorly
to tomorrow's accidents, which happen near, not on, yesterday's.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csr_matrix, hstack, identity
from scipy.spatial import cKDTree

TARGET_S = 8 * 60.0
BANDS = ("morning_peak", "evening_peak", "off_peak", "night", "weekend")


def time_band(local: datetime) -> str:
    """The planning band of a local time: posts differ between the school-run peak, the
    evening rush, quiet daytime, the night and the (tourist) weekend."""
    if local.weekday() >= 5:
        return "weekend"
    hour = local.hour
    if 7 <= hour < 10:
        return "morning_peak"
    if 16 <= hour < 20:
        return "evening_peak"
    return "night" if hour >= 22 or hour < 6 else "off_peak"


def smooth_demand(points_xy: np.ndarray, nodes_xy: np.ndarray, bandwidth_m: float = 150.0,
                  radius_m: float = 400.0) -> np.ndarray:
    """Each accident's unit weight spread over the road nodes within `radius_m`, by a Gaussian
    of `bandwidth_m`; an accident with no node that close gives its weight to the nearest one.
    Coordinates are metres in one local projection. Returns a weight per node."""
    tree = cKDTree(nodes_xy)
    weights = np.zeros(len(nodes_xy))
    for point, near in zip(points_xy, tree.query_ball_point(points_xy, radius_m), strict=True):
        if not near:
            weights[tree.query(point)[1]] += 1.0
            continue
        d2 = np.sum((nodes_xy[near] - point) ** 2, axis=1)
        kernel = np.exp(-d2 / (2 * bandwidth_m**2))
        weights[near] += kernel / kernel.sum()
    return weights


@dataclass(frozen=True)
class Plan:
    sites: tuple[int, ...]  # column indices of the coverage matrix
    covered: float  # demand weight within reach of a chosen site
    total: float  # all demand weight
    bound: float  # no choice of as many sites covers more (proven by the solver, or = covered)
    method: str  # "milp" (proven optimal), "milp-limit" (stopped by the time limit), "greedy+swap"
    seconds: float

    @property
    def share(self) -> float:
        return self.covered / self.total if self.total else 1.0

    @property
    def gap_points(self) -> float:
        """Percentage points between this plan and the best possible (the solver's bound)."""
        return 100.0 * (self.bound - self.covered) / self.total if self.total else 0.0


def coverage(times_s: np.ndarray, limit_s: float = TARGET_S) -> np.ndarray:
    """Demand × sites: True where a unit at the site reaches the demand point in time."""
    return np.asarray(times_s) <= limit_s


def covered_weight(cover: np.ndarray, weights: np.ndarray, sites: Sequence[int]) -> float:
    if len(sites) == 0:
        return 0.0
    return float(weights[cover[:, list(sites)].any(axis=1)].sum())


def greedy(cover: np.ndarray, weights: np.ndarray, k: int) -> list[int]:
    """Add, K times, the site that covers the most still-uncovered weight."""
    uncovered = weights.astype(float).copy()
    chosen: list[int] = []
    as_float = cover.astype(float)
    for _ in range(min(k, cover.shape[1])):
        gains = uncovered @ as_float
        gains[chosen] = -1.0
        best = int(np.argmax(gains))
        chosen.append(best)
        uncovered[cover[:, best]] = 0.0
    return chosen


def swap(cover: np.ndarray, weights: np.ndarray, sites: Sequence[int]) -> list[int]:
    """Exchange one chosen site for one unchosen while that covers more (best exchange each
    round), until no exchange helps: greedy's early picks are often made redundant later."""
    chosen = list(sites)
    as_float = cover.astype(float)
    count = as_float[:, chosen].sum(axis=1)
    while True:
        best_delta, best_move = 1e-9, None
        for slot, site in enumerate(chosen):
            without = count - as_float[:, site]
            lost = weights[(without == 0) & cover[:, site]].sum()
            gains = (weights * (without == 0)) @ as_float
            gains[chosen] = -np.inf
            candidate = int(np.argmax(gains))
            if gains[candidate] - lost > best_delta:
                best_delta, best_move = gains[candidate] - lost, (slot, candidate)
        if best_move is None:
            return chosen
        slot, candidate = best_move
        count += as_float[:, candidate] - as_float[:, chosen[slot]]
        chosen[slot] = candidate


def greedy_swap(cover: np.ndarray, weights: np.ndarray, k: int) -> Plan:
    start = time.perf_counter()
    sites = swap(cover, weights, greedy(cover, weights, k))
    covered = covered_weight(cover, weights, sites)
    return Plan(tuple(sorted(sites)), covered, float(weights.sum()), covered, "greedy+swap",
                time.perf_counter() - start)


def _model(cover: np.ndarray, weights: np.ndarray) -> tuple[csr_matrix, np.ndarray]:
    """The coverage rows y_i − Σ_j a_ij x_j ≤ 0 over demand some site can reach (the rest is
    lost whatever the plan); variables are x (sites) then y (reachable demand)."""
    reachable = cover.any(axis=1)
    a = csr_matrix(cover[reachable].astype(float))
    rows = hstack([-a, identity(a.shape[0], format="csr")], format="csr")
    return rows, weights[reachable]


def solve_milp(cover: np.ndarray, weights: np.ndarray, k: int,
               time_limit_s: float | None = None) -> Plan | None:
    """Maximal covering as a MILP for HiGHS; None when the limit passed without a solution.
    y may stay continuous: for integer x the best y is 0 or 1 anyway, and HiGHS branches
    only on the sites."""
    start = time.perf_counter()
    rows, w = _model(cover, weights)
    m, n = cover.shape[1], len(w)
    budget = np.concatenate([np.ones(m), np.zeros(n)])
    result = milp(
        c=np.concatenate([np.zeros(m), -w]),
        integrality=np.concatenate([np.ones(m), np.zeros(n)]),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(rows, -np.inf, 0), LinearConstraint(budget, 0, k)],
        options={"time_limit": time_limit_s} if time_limit_s is not None else {},
    )
    if result.x is None:
        return None
    sites = tuple(int(j) for j in np.flatnonzero(result.x[:m] > 0.5))
    covered = covered_weight(cover, weights, sites)
    optimal = result.status == 0
    bound = covered if optimal else max(covered, -float(result.mip_dual_bound))
    return Plan(sites, covered, float(weights.sum()), bound, "milp" if optimal else "milp-limit",
                time.perf_counter() - start)


def plan_posts(cover: np.ndarray, weights: np.ndarray, k: int,
               time_limit_s: float = 10.0) -> Plan:
    """The plan to show: HiGHS within the time limit, or greedy + swap when that is better or
    the solver found nothing; the solver's bound is kept either way so the gap is known."""
    heuristic = greedy_swap(cover, weights, k)
    exact = solve_milp(cover, weights, k, max(time_limit_s - heuristic.seconds, 0.5))
    if exact is None:
        return heuristic
    if exact.covered >= heuristic.covered:
        return exact
    return Plan(heuristic.sites, heuristic.covered, heuristic.total,
                max(exact.bound, heuristic.covered), heuristic.method,
                heuristic.seconds + exact.seconds)


def fewest_posts(cover: np.ndarray, weights: np.ndarray, target_share: float,
                 time_limit_s: float = 30.0) -> Plan | None:
    """The fewest sites covering at least `target_share` of the demand (e.g. 0.986), by a
    MILP that minimises the number of posts; None when even every candidate falls short.
    When the limit passes first, the solver's best plan is returned marked "milp-limit"."""
    start = time.perf_counter()
    total = float(weights.sum())
    if covered_weight(cover, weights, range(cover.shape[1])) < target_share * total - 1e-9:
        return None
    rows, w = _model(cover, weights)
    m, n = cover.shape[1], len(w)
    demand = np.concatenate([np.zeros(m), w])
    result = milp(
        c=np.concatenate([np.ones(m), np.zeros(n)]),
        integrality=np.concatenate([np.ones(m), np.zeros(n)]),
        bounds=Bounds(0, 1),
        constraints=[LinearConstraint(rows, -np.inf, 0),
                     LinearConstraint(demand, target_share * total - 1e-9, np.inf)],
        options={"time_limit": time_limit_s},
    )
    if result.x is None:
        return None
    sites = tuple(int(j) for j in np.flatnonzero(result.x[:m] > 0.5))
    covered = covered_weight(cover, weights, sites)
    return Plan(sites, covered, total, covered, "milp" if result.status == 0 else "milp-limit",
                time.perf_counter() - start)


def expected_greedy(cover: np.ndarray, weights: np.ndarray, k: int, busy: float) -> list[int]:
    """K guides one by one, each where it adds the most *expected* coverage (Daskin's maximum
    expected covering): a point reached by c guides is served with probability 1 − busy^c, so
    a second guide in a busy area can be worth more than a first one on an empty road.
    Returns the site of each guide (repeats are guides sharing a post)."""
    as_float = cover.astype(float)
    count = np.zeros(cover.shape[0])
    chosen: list[int] = []
    for _ in range(k):
        best = int(np.argmax((weights * (1 - busy) * busy**count) @ as_float))
        chosen.append(best)
        count += as_float[:, best]
    return chosen


def expected_swap(cover: np.ndarray, weights: np.ndarray, guides: Sequence[int],
                  busy: float) -> list[int]:
    """Move one guide to another site while the expected coverage grows (best move a round)."""
    chosen = list(guides)
    as_float = cover.astype(float)
    current = expected_covered(cover, weights, chosen, busy)
    while True:
        best, move = current + 1e-9, None
        for slot in range(len(chosen)):
            rest = chosen[:slot] + chosen[slot + 1:]
            count = as_float[:, rest].sum(axis=1)
            gains = (weights * (1 - busy) * busy**count) @ as_float
            site = int(np.argmax(gains))
            total = float(weights @ (1 - busy**count)) + gains[site]
            if total > best:
                best, move = total, (slot, site)
        if move is None:
            return chosen
        chosen[move[0]], current = move[1], best


def expected_covered(cover: np.ndarray, weights: np.ndarray, guides: Sequence[int],
                     busy: float) -> float:
    """Expected demand weight served within reach when each guide is busy with probability
    `busy`, independently (the model's simplification)."""
    count = cover[:, list(guides)].astype(float).sum(axis=1)
    return float(weights @ (1 - busy**count))
