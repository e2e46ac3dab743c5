"""The operations simulation over held-out days, for a range of guide counts: road-ETA
recommendation with planned posts against straight-line nearest with hand-placed posts (same
guides), and the coverage ceiling that bounds any number of guides at the planned posts.

Andorra roads, the NYC collision sample carried onto them (map/accident_points.py); posts planned
on the first three days, judged on the last three. Prints a table; asserts nothing.

    .venv/bin/python bench/simulate_day.py [--share 0.25 1.0] [--guides 10 20 40 80]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from dispatch import planning
from map import coverage
from map import day_simulation as ds

DATA = Path(__file__).resolve().parents[2] / "shared/data"
SETUPS = (("planned", "road"), ("planned", "road-full"), ("planned", "line"),
          ("hand", "road"), ("hand", "line"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--share", type=float, nargs="+", default=[0.25, 1.0])
    parser.add_argument("--guides", type=int, nargs="+", default=[10, 20, 30, 40, 60, 80])
    args = parser.parse_args()
    exp = ds.load(DATA / "osm/andorra.osm.pbf", DATA / "accidents/nyc_collisions_2020-09.csv")
    instance = ds.planning_instance(exp)
    for share in args.share:
        _ceiling(exp, instance, args.guides, share)
    print("share  K  posts     policy     incidents  rate%   p50   p90   p95  s")
    for share in args.share:
        for k in args.guides:
            posts = {"planned": ds.planned_posts(exp, instance, k, share),
                     "hand": ds.hand_posts(exp, k)}
            for where, policy in SETUPS:
                started = time.perf_counter()
                f = ds.figures(ds.run(exp, exp.test_days, posts[where], policy, share))
                p = f.percentiles
                print(f"{share:5.2f} {k:3d} {where:8s} {policy:10s} {f.incidents:6d} "
                      f"{100 * f.rate:7.2f} {p[50]:5.0f} {p[90]:5.0f} {p[95]:5.0f} "
                      f"{time.perf_counter() - started:4.1f}", flush=True)


def _ceiling(exp: ds.Experiment, instance: ds.PlanningInstance, guides: list[int],
             share: float) -> None:
    """Held-out accidents within the ride budget at peak speeds of any candidate site, and of
    the distinct planned posts for each K: no number of free guides there does better."""
    _, test = exp.points.on(set(exp.test_days))
    g, sites = exp.graph, instance.sites
    seconds = coverage.travel_matrix(exp.router, g.lon[test], g.lat[test], g.lon[sites],
                                     g.lat[sites], "peak")
    print(f"held-out accidents {len(test)}; within {ds.RIDE_BUDGET_S:.0f} s at peak of any of "
          f"{len(sites)} candidates: "
          f"{100 * planning.coverage(seconds, ds.RIDE_BUDGET_S).any(axis=1).mean():.2f}%")
    for k in guides:
        posts = sorted(set(ds.planned_posts(exp, instance, k, share)))
        to_posts = coverage.travel_matrix(exp.router, g.lon[test], g.lat[test],
                                          [p[0] for p in posts], [p[1] for p in posts], "peak")
        reached = planning.coverage(to_posts, ds.RIDE_BUDGET_S).any(axis=1).mean()
        print(f"K={k} (share {share}): {len(posts)} distinct posts; they reach "
              f"{100 * reached:.2f}% of held-out accidents")
    print(f"(ride budget = 8 min − {ds.DISPATCH_DELAY_S:.0f} s dispatch − "
          f"{ds.ACK_DELAY_S:.0f} s acknowledgement; rates below also need a free guide)")


if __name__ == "__main__":
    main()
