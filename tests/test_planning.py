"""Duty-post planning: small instances whose answers are known by hand or by brute force."""

from __future__ import annotations

import itertools
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest

from dispatch import planning
from map import coverage
from map.roads import graph_from_lines, load_osm
from map.routing import Router
from tests import needs

ANDORRA = Path(__file__).resolve().parents[2] / "shared" / "data" / "osm" / "andorra.osm.pbf"

# points a b c d e (weights 3 3 3 3 1); sites: s0 = {b, c, e}, s1 = {a, b}, s2 = {c, d}.
# Greedy takes s0 (7) then s1 (+3 for a) = 10 of 13; the best pair is s1 + s2 = 12 (a b c d);
# one exchange (s0 → s2: loses c and e = 4, gains c and d = 6) gets there.
TRAP = np.array([[0, 1, 0], [1, 1, 0], [1, 0, 1], [0, 0, 1], [1, 0, 0]], dtype=bool)
TRAP_W = np.array([3.0, 3.0, 3.0, 3.0, 1.0])


def test_greedy_falls_into_the_trap_and_swap_climbs_out() -> None:
    first = planning.greedy(TRAP, TRAP_W, 2)
    assert sorted(first) == [0, 1]
    assert planning.covered_weight(TRAP, TRAP_W, first) == 10.0
    assert sorted(planning.swap(TRAP, TRAP_W, first)) == [1, 2]


def test_milp_proves_the_optimum() -> None:
    plan = planning.solve_milp(TRAP, TRAP_W, 2)
    assert plan is not None and plan.method == "milp"
    assert plan.sites == (1, 2) and plan.covered == 12.0 and plan.bound == 12.0
    assert plan.share == pytest.approx(12 / 13) and plan.gap_points == 0.0


def test_milp_matches_brute_force_on_random_instances() -> None:
    rng = np.random.default_rng(7)
    for _ in range(5):
        cover = rng.random((40, 12)) < 0.15
        weights = rng.integers(1, 5, 40).astype(float)
        best = max(planning.covered_weight(cover, weights, c)
                   for c in itertools.combinations(range(12), 3))
        plan = planning.plan_posts(cover, weights, 3, time_limit_s=5)
        assert plan.covered == best and plan.bound == pytest.approx(best)


def test_the_fewest_posts_for_a_target() -> None:
    assert planning.fewest_posts(TRAP, TRAP_W, 12 / 13).sites == (1, 2)
    assert planning.fewest_posts(TRAP, TRAP_W, 1.0).sites == (0, 1, 2)
    unreachable = np.vstack([TRAP, np.zeros((1, 3), dtype=bool)])
    assert planning.fewest_posts(unreachable, np.append(TRAP_W, 1.0), 1.0) is None


def test_a_time_limit_still_gives_a_plan_and_its_gap() -> None:
    rng = np.random.default_rng(3)
    cover = rng.random((400, 80)) < 0.04
    weights = rng.random(400)
    plan = planning.plan_posts(cover, weights, 8, time_limit_s=0.2)
    heuristic = planning.greedy_swap(cover, weights, 8)
    assert len(plan.sites) <= 8
    assert plan.covered >= heuristic.covered - 1e-9
    assert plan.bound >= plan.covered - 1e-9 and plan.gap_points >= 0.0


def test_time_bands() -> None:
    assert planning.time_band(datetime(2026, 5, 4, 8, 30)) == "morning_peak"  # a Monday
    assert planning.time_band(datetime(2026, 5, 4, 17, 0)) == "evening_peak"
    assert planning.time_band(datetime(2026, 5, 4, 13, 0)) == "off_peak"
    assert planning.time_band(datetime(2026, 5, 4, 23, 0)) == "night"
    assert planning.time_band(datetime(2026, 5, 4, 5, 59)) == "night"
    assert planning.time_band(datetime(2026, 5, 9, 8, 30)) == "weekend"  # a Saturday


def test_demand_is_smoothed_over_nearby_nodes() -> None:
    """Nodes 0, 150 and 1000 m east of the accident: the first two share its weight by a
    Gaussian of 150 m — exp(0) : exp(-0.5) = 1 : 0.60653, i.e. 0.62246 and 0.37754 — the far
    one gets nothing; an accident 2 km from any node gives all of it to the nearest."""
    nodes = np.array([[0.0, 0.0], [150.0, 0.0], [1000.0, 0.0]])
    weights = planning.smooth_demand(np.array([[0.0, 0.0], [3000.0, 0.0]]), nodes)
    assert weights == pytest.approx([0.62246, 0.37754, 1.0], abs=1e-5)


def test_travel_matrix_on_a_hand_measured_street() -> None:
    """One residential street 0.01° of longitude long at the equator (1,111.95 m); at the
    normal band's 20 km/h that is 200.15 s from one end to the other."""
    graph = graph_from_lines([("residential", [(0.0, 0.0), (0.005, 0.0), (0.01, 0.0)])])
    router = Router(graph)
    seconds = coverage.travel_matrix(router, [0.0, 0.01], [0.0, 0.0], [0.0, 0.01], [0.0, 0.0])
    metres = 2 * math.pi * 6_371_008.8 * 0.01 / 360
    ride = metres / (20 / 3.6)
    assert seconds.ravel() == pytest.approx([0.0, ride, ride, 0.0], abs=0.01)
    assert planning.coverage(seconds, 100.0).tolist() == [[True, False], [False, True]]


def test_a_plan_on_the_andorra_roads() -> None:
    """Real roads: five posts chosen among 40 spread sites cover at least what the greedy
    plan does, and every chosen site lies on the main road network."""
    graph = load_osm(needs.data(ANDORRA))
    router = Router(graph)
    main = coverage.main_component(graph)
    xy = coverage.local_xy(graph.lon, graph.lat, 42.5)
    sites = main[coverage.spread_sites(xy, main, 40)]
    demand = main[np.random.default_rng(1).choice(len(main), 150, replace=False)]
    seconds = coverage.travel_matrix(router, graph.lon[demand], graph.lat[demand],
                                     graph.lon[sites], graph.lat[sites])
    cover = planning.coverage(seconds)
    weights = np.ones(len(demand))
    plan = planning.plan_posts(cover, weights, 5, time_limit_s=5)
    assert plan.covered >= planning.covered_weight(cover, weights,
                                                   planning.greedy(cover, weights, 5))
    assert plan.method == "milp" and 0.0 < plan.share <= 1.0


def test_the_plan_posts_command(capsys, tmp_path) -> None:
    """One band's plan, and the map of hand-placed against proposed posts, which must open
    with no internet (nothing fetched from a CDN)."""
    from console.cli import main

    accidents = ANDORRA.parents[1] / "accidents" / "nyc_collisions_2020-09.csv"
    page = tmp_path / "posts.html"
    assert main(["plan-posts", "--osm", str(needs.data(ANDORRA)), "--accidents",
                 str(needs.data(accidents)), "--band", "night", "-k", "6", "--limit", "3",
                 "--map", str(page)]) == 0
    out = capsys.readouterr().out
    assert "night:" in out and "6 posts reach" in out and "held-out:" in out
    assert "hand-placed" in out and "proposed" in out
    html = page.read_text(encoding="utf-8")
    assert "建议执勤点 proposed posts" in html and "https://" not in html


def test_expected_covering_weighs_a_second_guide_against_a_new_post() -> None:
    """a (weight 10) is reached only from s0, b (weight 1) only from s1. Busy half the time:
    a second guide at s0 adds 10 × 0.5 × 0.5 = 2.5 > 1 × 0.5 for a first at s1, so both go to
    s0 (expected 10 × (1 − 0.25) = 7.5). Busy 1%: 10 × 0.99 × 0.01 = 0.099 < 0.99, so the
    second goes to s1 (expected 9.9 + 0.99 = 10.89)."""
    cover = np.array([[1, 0], [0, 1]], dtype=bool)
    weights = np.array([10.0, 1.0])
    assert planning.expected_greedy(cover, weights, 2, 0.5) == [0, 0]
    assert planning.expected_covered(cover, weights, [0, 0], 0.5) == pytest.approx(7.5)
    assert planning.expected_greedy(cover, weights, 2, 0.01) == [0, 1]
    assert planning.expected_covered(cover, weights, [0, 1], 0.01) == pytest.approx(10.89)


def test_expected_swap_climbs_out_of_the_greedy_trap() -> None:
    """Never busy, expected covering is maximal covering: the trap above, same way out."""
    first = planning.expected_greedy(TRAP, TRAP_W, 2, 1e-12)
    assert sorted(first) == [0, 1]
    assert sorted(planning.expected_swap(TRAP, TRAP_W, first, 1e-12)) == [1, 2]
