"""Duty-post planning on real roads and real accident clustering: 2,000 demand points × 300
candidate sites, K = 20 posts, 8 minutes by road (Andorra extract; the NYC collision sample
carried onto it, see map/accident_points.py).

Measures, against the proven optimum (HiGHS without a limit, once): HiGHS with a time limit
(repeated: median and spread of time and gap), greedy, greedy + swap. Then validates on held-out
days: posts planned on smoothed demand of the first days vs posts planned on the raw points,
scored by the share of the later days' accidents within 8 minutes. Prints figures; asserts
nothing.

    .venv/bin/python bench/post_planning.py [--repeats 5] [--limit 10]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from dispatch import planning
from map import coverage
from map.accident_points import accidents_on
from map.roads import load_osm
from map.routing import Router

DATA = Path(__file__).resolve().parents[2] / "shared/data"
ANDORRA = DATA / "osm/andorra.osm.pbf"
ACCIDENTS = DATA / "accidents/nyc_collisions_2020-09.csv"
TRAIN_DAYS = 3  # the first three days plan, the last three judge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demand", type=int, default=2000)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("-k", type=int, default=20)
    parser.add_argument("--limit", type=float, default=10.0, help="HiGHS time limit, s")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--minutes", type=float, default=8.0)
    parser.add_argument("--synthetic", type=float, metavar="RADIUS", default=None,
                        help="instead of the roads: points uniform in a unit square, weights "
                             "clustered, covered within RADIUS (a harder textbook instance)")
    args = parser.parse_args()
    if args.synthetic is not None:
        cover, weights = _synthetic(args)
        _compare(cover, weights, args)
        return

    graph = load_osm(ANDORRA)
    router = Router(graph)
    points = accidents_on(ACCIDENTS, graph)
    days = points.days()
    train, test = set(days[:TRAIN_DAYS]), set(days[TRAIN_DAYS:])
    _, train_nodes = points.on(train)
    _, test_nodes = points.on(test)
    xy = coverage.local_xy(graph.lon, graph.lat, float(np.median(graph.lat)))
    main_nodes = coverage.main_component(graph)
    print(f"graph {graph.node_count} nodes; {len(points.node)} accidents on {len(days)} days, "
          f"scale {points.scale:.3f}; train {len(train_nodes)}, held out {len(test_nodes)}")

    smooth = np.zeros(graph.node_count)
    smooth[main_nodes] = planning.smooth_demand(xy[train_nodes], xy[main_nodes])
    demand = np.argsort(-smooth)[:args.demand]
    weights = smooth[demand]
    print(f"demand: top {len(demand)} smoothed road nodes hold "
          f"{100 * weights.sum() / smooth.sum():.1f}% of the training weight")
    sites = _sites(xy, main_nodes, smooth, args.sites)

    started = time.perf_counter()
    seconds = coverage.travel_matrix(router, graph.lon[demand], graph.lat[demand],
                                     graph.lon[sites], graph.lat[sites])
    cover = planning.coverage(seconds, args.minutes * 60)
    print(f"travel matrix {seconds.shape}: {time.perf_counter() - started:.2f} s; "
          f"{cover.mean() * 100:.2f}% of pairs within {args.minutes:g} min")

    _compare(cover, weights, args)
    _held_out(router, graph, sites, demand, weights, train_nodes, test_nodes, cover, args)


def _synthetic(args) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(16)
    demand = rng.random((args.demand, 2))
    centres = rng.random((12, 2))
    weights = 0.2 + np.exp(-np.min(np.linalg.norm(demand[:, None] - centres, axis=2), axis=1)
                           ** 2 / 0.01) * rng.integers(1, 10, args.demand)
    sites = rng.random((args.sites, 2))
    cover = np.linalg.norm(demand[:, None] - sites[None], axis=2) <= args.synthetic
    print(f"synthetic: {cover.shape}, radius {args.synthetic}, {cover.mean() * 100:.2f}% pairs")
    return cover, weights


def _compare(cover: np.ndarray, weights: np.ndarray, args) -> None:
    optimum = planning.solve_milp(cover, weights, args.k)
    print(f"proven optimum (HiGHS, no limit): {100 * optimum.share:.3f}% in "
          f"{optimum.seconds:.2f} s")
    _report("greedy", [_timed(lambda: planning.greedy(cover, weights, args.k), cover, weights)
                       for _ in range(args.repeats)], optimum)
    _report("greedy+swap", [_plan_timed(lambda: planning.greedy_swap(cover, weights, args.k))
                            for _ in range(args.repeats)], optimum)
    _report(f"HiGHS limit {args.limit:g} s (plan_posts)",
            [_plan_timed(lambda: planning.plan_posts(cover, weights, args.k, args.limit))
             for _ in range(args.repeats)], optimum)


def _sites(xy: np.ndarray, main_nodes: np.ndarray, smooth: np.ndarray,
           count: int) -> np.ndarray:
    """Candidates spread over the nodes that carry any demand (posts stand where people
    drive, not on empty mountain roads)."""
    carrying = main_nodes[smooth[main_nodes] > 0]
    return carrying[coverage.spread_sites(xy, carrying, count)]


def _timed(run, cover, weights) -> tuple[float, float]:
    started = time.perf_counter()
    sites = run()
    took = time.perf_counter() - started
    return planning.covered_weight(cover, weights, sites) / weights.sum(), took


def _plan_timed(run) -> tuple[float, float]:
    started = time.perf_counter()
    plan = run()
    return plan.share, time.perf_counter() - started


def _report(name: str, runs: list[tuple[float, float]], optimum: planning.Plan) -> None:
    gaps = [100 * (optimum.share - share) for share, _ in runs]
    times = [t for _, t in runs]
    print(f"{name:28s} gap {statistics.median(gaps):.3f} points "
          f"(min {min(gaps):.3f}, max {max(gaps):.3f}); "
          f"time median {statistics.median(times):.2f} s "
          f"(min {min(times):.2f}, max {max(times):.2f}); {len(runs)} runs")


def _held_out(router, graph, sites, demand, weights, train_nodes, test_nodes, cover,
              args) -> None:
    """Smoothed demand vs raw points, judged by the held-out days' real accidents."""
    raw = np.bincount(train_nodes, minlength=graph.node_count).astype(float)
    raw_demand = np.flatnonzero(raw)
    raw_seconds = coverage.travel_matrix(router, graph.lon[raw_demand], graph.lat[raw_demand],
                                         graph.lon[sites], graph.lat[sites])
    raw_plan = planning.plan_posts(planning.coverage(raw_seconds, args.minutes * 60),
                                   raw[raw_demand], args.k, args.limit)
    smooth_plan = planning.plan_posts(cover, weights, args.k, args.limit)
    test_seconds = coverage.travel_matrix(router, graph.lon[test_nodes], graph.lat[test_nodes],
                                          graph.lon[sites], graph.lat[sites])
    test_cover = planning.coverage(test_seconds, args.minutes * 60)
    ones = np.ones(len(test_nodes))
    for name, plan in (("raw points", raw_plan), ("smoothed demand", smooth_plan)):
        share = planning.covered_weight(test_cover, ones, plan.sites) / len(test_nodes)
        print(f"held-out days, K={args.k}, planned on {name:16s}: "
              f"{100 * share:.2f}% of {len(test_nodes)} accidents within {args.minutes:g} min")


if __name__ == "__main__":
    main()
