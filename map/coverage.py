"""Road travel-time matrices and demand for post planning and the operations simulation.

dispatch/planning.py works on a demand × sites matrix of seconds; this module computes it from
the road graph with the same router the console ranks units by (one reverse search per demand
point, cut at the horizon), so a plan's "within 8 minutes" means what the dispatcher sees.
It also carries accident points from another city onto the graph's area for experiments.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from dispatch.geodesy import EARTH_RADIUS_M
from map.roads import RoadGraph
from map.routing import Router


def local_xy(lon: Sequence[float] | np.ndarray, lat: Sequence[float] | np.ndarray,
             lat0: float) -> np.ndarray:
    """Metres east/north in an equirectangular projection about latitude `lat0` (degrees):
    exact enough over a city for kernels and nearest-neighbour queries."""
    x = np.radians(np.asarray(lon, dtype=float)) * math.cos(math.radians(lat0)) * EARTH_RADIUS_M
    y = np.radians(np.asarray(lat, dtype=float)) * EARTH_RADIUS_M
    return np.column_stack([x, y])


def travel_matrix(router: Router, demand_lon: Sequence[float], demand_lat: Sequence[float],
                  site_lon: Sequence[float], site_lat: Sequence[float], band: str = "normal",
                  horizon_s: float = 10 * 60.0) -> np.ndarray:
    """Seconds from each site to each demand point (demand × sites), inf beyond the horizon."""
    out = np.full((len(demand_lon), len(site_lon)), np.inf)
    for i, (lon, lat) in enumerate(zip(demand_lon, demand_lat, strict=True)):
        out[i] = router.etas_to(float(lon), float(lat), site_lon, site_lat, band, horizon_s)
    return out


def main_component(graph: RoadGraph) -> np.ndarray:
    """Nodes of the largest strongly connected part: a post or an accident on a cut-off
    fragment (a one-way stub, a car park) would be unreachable or could never leave."""
    n = graph.node_count
    adjacency = csr_matrix((np.ones(len(graph.edge_from)), (graph.edge_from, graph.edge_to)),
                           shape=(n, n))
    _, label = connected_components(adjacency, directed=True, connection="strong")
    return np.flatnonzero(label == np.argmax(np.bincount(label)))


def spread_sites(nodes_xy: np.ndarray, candidates: np.ndarray, count: int) -> np.ndarray:
    """`count` candidate sites spread evenly by farthest-point sampling: each next site is the
    candidate farthest from all chosen, so candidates cover the area, not only its densest
    street grid. Returns indices into `candidates`, deterministic."""
    xy = nodes_xy[candidates]
    chosen = [int(np.argmin(xy[:, 0] + xy[:, 1]))]
    nearest = np.linalg.norm(xy - xy[chosen[0]], axis=1)
    for _ in range(min(count, len(candidates)) - 1):
        nxt = int(np.argmax(nearest))
        chosen.append(nxt)
        nearest = np.minimum(nearest, np.linalg.norm(xy - xy[nxt], axis=1))
    return np.array(chosen)


def transplant(lon: np.ndarray, lat: np.ndarray, graph: RoadGraph,
               nodes: np.ndarray) -> tuple[np.ndarray, float]:
    """Carry accident points from another city onto the graph's area, keeping their pattern:
    one uniform scale (same in x and y, so clusters keep their shape) and shift that fits the
    points' 2nd–98th percentile box into that of the road nodes, then each point to the
    nearest of `nodes` (accidents happen on roads). Returns each point's node and the scale."""
    src = local_xy(lon, lat, float(np.median(lat)))
    dst = local_xy(graph.lon[nodes], graph.lat[nodes], float(np.median(graph.lat[nodes])))
    s_lo, s_hi = np.percentile(src, [2, 98], axis=0)
    d_lo, d_hi = np.percentile(dst, [2, 98], axis=0)
    scale = float(np.min((d_hi - d_lo) / (s_hi - s_lo)))
    moved = (src - (s_lo + s_hi) / 2) * scale + (d_lo + d_hi) / 2
    _, nearest = cKDTree(dst).query(moved)
    return nodes[nearest], scale
