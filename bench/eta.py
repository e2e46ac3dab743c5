"""All-units ETA + ranking for one incident: scipy reverse search vs networkx, same run.

Also: how straight-line ranking compares with road ranking on the Andorra graph (share of
incidents where it picks a slower unit, 8-minute reach), and joint assignment of 20 incidents
× 300 units. Prints figures; asserts nothing.

    .venv/bin/python bench/eta.py
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import numpy as np

from dispatch.assignment import greedy_plan, joint_plan
from dispatch.config import ROAD_CLASSES, TravelModel
from dispatch.recommend import recommend
from dispatch.state import Unit
from map.roads import RoadGraph, load_osm
from map.routing import (
    ENOUGH_REACHED,
    FIRST_HORIZON_S,
    HORIZON_S,
    SPEEDS_KMH,
    Router,
    UnitEtas,
)

ANDORRA = Path(__file__).resolve().parents[2] / "shared/data/osm/andorra.osm.pbf"
NOW = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # 10:00 in Zhoushan: the "normal" band
RNG = np.random.default_rng(2026)


def grid_graph(side: int) -> RoadGraph:
    """A side×side street grid (~100 m blocks) with every fifth street a primary road."""
    ys, xs = np.divmod(np.arange(side * side), side)
    lon, lat = 122.0 + xs * 0.00104, 29.9 + ys * 0.0009
    idx = np.arange(side * side).reshape(side, side)
    pairs = [(idx[:, :-1].ravel(), idx[:, 1:].ravel(), np.repeat(np.arange(side), side - 1)),
             (idx[:-1, :].ravel(), idx[1:, :].ravel(), np.tile(np.arange(side), side - 1))]
    f = np.concatenate([a for a, _, _ in pairs] + [b for _, b, _ in pairs])
    t = np.concatenate([b for _, b, _ in pairs] + [a for a, _, _ in pairs])
    street = np.concatenate([s for _, _, s in pairs] * 2)
    cls = np.where(street % 5 == 0, ROAD_CLASSES.index("primary"),
                   ROAD_CLASSES.index("residential")).astype(np.int8)
    return RoadGraph(lon, lat, f.astype(np.int32), t.astype(np.int32),
                     np.full(len(f), 100.0), cls)


def units_on(graph: RoadGraph, n: int) -> list[Unit]:
    nodes = RNG.integers(0, graph.node_count, n)
    return [Unit(f"G{k:03d}", "", "guide", 100, str(k), lon=float(graph.lon[v]),
                 lat=float(graph.lat[v]), fix_time=NOW) for k, v in enumerate(nodes)]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[int(q * (len(ordered) - 1))]


def time_ours(graph: RoadGraph, units: list[Unit], targets: np.ndarray,
              rank: bool, moving: bool = False) -> list[float]:
    """`moving`: every unit has a new position at every query (nothing snapped before)."""
    etas = UnitEtas(Router(graph), lambda m: m)
    samples = []
    for k, v in enumerate(targets):
        lon, lat = float(graph.lon[v]), float(graph.lat[v])
        if moving:
            for u in units:
                u.lon += 1e-7 * (k + 1)
        start = time.perf_counter()
        if rank:
            recommend(units, lon, lat, NOW, TravelModel(), etas)
        else:
            etas(units, lon, lat, NOW)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def reversed_networkx(graph: RoadGraph) -> nx.DiGraph:
    """The road graph in networkx, edges reversed and weighted in seconds (normal band)."""
    speeds = SPEEDS_KMH["normal"]
    g = nx.DiGraph()
    seconds = graph.edge_m / np.array([speeds[c] / 3.6 for c in ROAD_CLASSES])[graph.edge_class]
    g.add_weighted_edges_from(zip(graph.edge_to.tolist(), graph.edge_from.tolist(),
                                  seconds.tolist(), strict=True), weight="s")
    return g


def time_networkx(graph: RoadGraph, units: list[Unit], targets: np.ndarray) -> list[float]:
    """The same search with networkx: reversed graph, same cutoffs, same snapped unit nodes."""
    g = reversed_networkx(graph)
    router = Router(graph)
    nodes, _ = router.snap([u.lon for u in units], [u.lat for u in units])
    samples = []
    for v in targets:
        start = time.perf_counter()
        lengths = nx.single_source_dijkstra_path_length(g, int(v), cutoff=FIRST_HORIZON_S,
                                                        weight="s")
        etas = [lengths.get(int(n), np.inf) for n in nodes]
        if sum(np.isfinite(etas)) < ENOUGH_REACHED:  # the same two-step search as ours
            lengths = nx.single_source_dijkstra_path_length(g, int(v), cutoff=HORIZON_S,
                                                            weight="s")
            [lengths.get(int(n), np.inf) for n in nodes]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def time_networkx_full(graph: RoadGraph, units: list[Unit], targets: np.ndarray) -> list[float]:
    """networkx as one would first write it: a whole reverse search, no horizon."""
    g = reversed_networkx(graph)
    nodes, _ = Router(graph).snap([u.lon for u in units], [u.lat for u in units])
    samples = []
    for v in targets:
        start = time.perf_counter()
        lengths = nx.single_source_dijkstra_path_length(g, int(v), weight="s")
        [lengths.get(int(n), np.inf) for n in nodes]
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def _fmt(samples: list[float]) -> str:
    return f"p50 {statistics.median(samples):.2f} ms, p95 {percentile(samples, 0.95):.2f} ms"


def compare(name: str, graph: RoadGraph, n_units: int = 300, n_targets: int = 300) -> None:
    units = units_on(graph, n_units)
    targets = RNG.integers(0, graph.node_count, n_targets)
    search = time_ours(graph, units, targets, rank=False)
    moved = time_ours(graph, units, targets, rank=False, moving=True)
    ranked = time_ours(graph, units, targets, rank=True)
    theirs = time_networkx(graph, units, targets[:60])
    full = time_networkx_full(graph, units, targets[:20])
    ratio = statistics.median(theirs) / statistics.median(search)
    ratio_full = statistics.median(full) / statistics.median(search)
    print(f"{name}: {graph.node_count} nodes, {len(graph.edge_m)} edges, {n_units} units, "
          f"horizon {FIRST_HORIZON_S / 60:.0f} min, then {HORIZON_S / 60:.0f} if < 3 reached")
    print(f"  all-units ETA, scipy reverse search:      {_fmt(search)}")
    print(f"    every unit moved since the last query:  {_fmt(moved)}")
    print(f"  all-units ETA, networkx (same search):    {_fmt(theirs)}  (×{ratio:.0f} at p50)")
    print(f"  networkx whole search, no horizon:        {_fmt(full)}  (×{ratio_full:.0f} at p50)")
    print(f"  ETA + ranking + explanations (top 3):     {_fmt(ranked)}")


def straight_vs_road(graph: RoadGraph, n_units: int, n_targets: int = 1000) -> None:
    router = Router(graph)
    nodes = RNG.integers(0, graph.node_count, n_units)
    slower = reach_road = reach_line = 0
    coslat = np.cos(np.radians(np.mean(graph.lat)))
    for v in RNG.integers(0, graph.node_count, n_targets):
        etas = router.etas_to(graph.lon[v], graph.lat[v], graph.lon[nodes], graph.lat[nodes],
                              horizon_s=np.inf)
        line = np.hypot((graph.lon[nodes] - graph.lon[v]) * coslat, graph.lat[nodes] - graph.lat[v])
        by_line, by_road = int(np.argmin(line)), int(np.argmin(etas))
        slower += etas[by_line] > etas[by_road] + 1e-6
        reach_road += etas[by_road] <= 480
        reach_line += etas[by_line] <= 480
    print(f"  {n_units} units, {n_targets} incidents: straight-line picks a slower unit for "
          f"{100 * slower / n_targets:.1f}%; 8-min reach road {100 * reach_road / n_targets:.1f}%"
          f" vs straight-line {100 * reach_line / n_targets:.1f}%")


def joint(graph: RoadGraph, n_units: int) -> None:
    router = Router(graph)
    units = RNG.integers(0, graph.node_count, n_units)
    incidents = RNG.integers(0, graph.node_count, 20)
    start = time.perf_counter()
    etas = np.array([router.etas_to(graph.lon[i], graph.lat[i], graph.lon[units],
                                    graph.lat[units], horizon_s=np.inf) for i in incidents])
    elapsed = RNG.uniform(0, 300, 20)
    built = time.perf_counter()
    plan = joint_plan(etas, elapsed)
    solved = time.perf_counter()
    greedy = greedy_plan(etas, elapsed)
    print(f"  joint assignment 20 incidents × {n_units} units: "
          f"ETAs {1000 * (built - start):.1f} ms, Hungarian {1000 * (solved - built):.2f} ms; "
          f"late: joint {plan.late_count} "
          f"({plan.lateness_s / 60:.1f} min) vs greedy {greedy.late_count} "
          f"({greedy.lateness_s / 60:.1f} min)")


def main() -> None:
    if ANDORRA.exists():
        andorra = load_osm(ANDORRA)
        compare("Andorra (OSM)", andorra)
        for n in (10, 20, 40):
            straight_vs_road(andorra, n)
        joint(andorra, 300)
        joint(andorra, 30)
    else:
        print(f"{ANDORRA} missing: Andorra figures skipped")
    compare("grid 224×224", grid_graph(224))


if __name__ == "__main__":
    main()
