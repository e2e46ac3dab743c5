"""All units' ETAs to one incident with one reverse shortest-path search (scipy csgraph).

Units drive *to* the incident, so the search runs from the incident over the transposed graph
and stops at the horizon that matters; every unit's ETA is then a lookup. Positions are
snapped to the nearest road node with a k-d tree in a local metric projection; the snap
distance is ridden at a slow off-network speed so a unit far from any road is not flattered.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from dispatch.config import ROAD_CLASSES
from dispatch.geodesy import EARTH_RADIUS_M
from dispatch.recommend import ROAD_SEARCH_FLOOR_S
from map.roads import RoadGraph

# e-motorcycle speeds in km/h by road class, per time band (a center tunes these)
SPEEDS_KMH: Mapping[str, Mapping[str, float]] = {
    "normal": {"trunk": 40, "primary": 35, "secondary": 32, "tertiary": 28,
               "unclassified": 25, "residential": 20, "living_street": 10, "service": 15},
    "peak": {"trunk": 28, "primary": 25, "secondary": 24, "tertiary": 22,
             "unclassified": 22, "residential": 18, "living_street": 10, "service": 12},
    "night": {"trunk": 45, "primary": 40, "secondary": 36, "tertiary": 30,
              "unclassified": 28, "residential": 22, "living_street": 10, "service": 15},
}
OFF_NETWORK_KMH = 15.0
HORIZON_S = 15 * 60.0  # beyond this a unit is ranked by straight line, flagged as such


def time_band(moment: datetime) -> str:
    hour = moment.hour + moment.minute / 60
    if 7 <= hour < 9 or 11 <= hour < 13 or 17 <= hour < 19:
        return "peak"
    return "night" if hour >= 22 or hour < 6 else "normal"


class Router:
    def __init__(self, graph: RoadGraph, speeds: Mapping[str, Mapping[str, float]] = SPEEDS_KMH):
        self.graph = graph
        self._lat0 = math.radians(float(np.mean(graph.lat))) if graph.node_count else 0.0
        self._tree = cKDTree(self._project(graph.lon, graph.lat))
        self._reversed = {band: self._seconds_matrix(table).T.tocsr()
                          for band, table in speeds.items()}
        self._metres: csr_matrix | None = None  # built when first asked for a road distance
        self._snapped: dict[tuple[float, float], tuple[int, float]] = {}
        self._main: tuple[np.ndarray, cKDTree] | None = None  # for `path`, built when asked
        self._forward: dict[str, csr_matrix] = {}

    def _project(self, lon, lat) -> np.ndarray:
        x = np.radians(np.asarray(lon, dtype=float)) * math.cos(self._lat0) * EARTH_RADIUS_M
        y = np.radians(np.asarray(lat, dtype=float)) * EARTH_RADIUS_M
        return np.column_stack([x, y])

    def _seconds_matrix(self, table: Mapping[str, float]) -> csr_matrix:
        g = self.graph
        speed_ms = np.array([table[c] / 3.6 for c in ROAD_CLASSES])[g.edge_class]
        seconds = np.maximum(g.edge_m / speed_ms, 1e-3)  # csgraph drops explicit zeros
        n = g.node_count
        # parallel edges: keep the fastest (sum_duplicates would add them up)
        order = np.lexsort((seconds, g.edge_to, g.edge_from))
        f, t, s = g.edge_from[order], g.edge_to[order], seconds[order]
        first = np.ones(len(f), dtype=bool)
        first[1:] = (f[1:] != f[:-1]) | (t[1:] != t[:-1])
        return csr_matrix((s[first], (f[first], t[first])), shape=(n, n))

    def road_distance_m(self, lon1: float, lat1: float, lon2: float, lat2: float,
                        limit_m: float = 2000.0) -> float:
        """Metres along the roads (either direction) between two points, inf beyond
        `limit_m`; the snap gaps at both ends count as straight lines."""
        if self._metres is None:
            g = self.graph
            self._metres = csr_matrix((np.maximum(g.edge_m, 1e-3), (g.edge_from, g.edge_to)),
                                      shape=(g.node_count, g.node_count))
        (a, b), (gap_a, gap_b) = self.snap([lon1, lon2], [lat1, lat2])
        metres = dijkstra(self._metres, directed=False, indices=int(a), limit=limit_m)
        return float(metres[int(b)] + gap_a + gap_b)

    def path(self, lon1: float, lat1: float, lon2: float, lat2: float, band: str = "normal",
             kerb_m: float = 30.0) -> list[tuple[float, float]]:
        """The fastest way along the roads (one-ways kept) from one point to another: the road
        nodes ridden through, then the destination itself when it is within `kerb_m` of the
        road (else the ride ends on the road). Both ends are taken to the nearest node of the
        network's largest strongly connected part, so a way always exists (a car park's
        one-way stub or a road cut by the extract's edge would strand the rider)."""
        if self._main is None:
            _count, label = connected_components(self._reversed[band], directed=True,
                                                 connection="strong")
            main = np.flatnonzero(label == np.bincount(label).argmax())
            self._main = main, cKDTree(self._project(self.graph.lon[main], self.graph.lat[main]))
        main, tree = self._main
        (_start_gap, kerb), (i, j) = tree.query(self._project([lon1, lon2], [lat1, lat2]))
        a, b = main[i], main[j]
        forward = self._forward.get(band)
        if forward is None:
            forward = self._forward[band] = self._reversed[band].T.tocsr()
        _seconds, previous = dijkstra(forward, directed=True, indices=int(a),
                                      return_predecessors=True)
        nodes = [int(b)]
        while nodes[-1] != a:
            nodes.append(int(previous[nodes[-1]]))
        g = self.graph
        way = [(float(g.lon[n]), float(g.lat[n])) for n in reversed(nodes)]
        return way + [(lon2, lat2)] if kerb <= kerb_m else way

    def snap(self, lon: Sequence[float], lat: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """Nearest road node and the distance to it in metres, for each point."""
        distance, node = self._tree.query(self._project(lon, lat))
        return node, distance

    def snap_units(self, lon: Sequence[float],
                   lat: Sequence[float]) -> tuple[np.ndarray, np.ndarray]:
        """`snap`, remembered per position: a unit reports once a second but the console
        ranks on every refresh, and a k-d tree query costs ~1.4 µs a point (most of an
        all-units ETA on a city graph) where a dictionary lookup costs a tenth of that."""
        keys = list(zip(lon, lat, strict=True))
        known = list(map(self._snapped.get, keys))
        if len(self._snapped) > 200_000:  # positions of a long shift: start afresh
            self._snapped.clear()
        missing = [n for n, hit in enumerate(known) if hit is None]
        if len(missing) * 2 > len(keys):  # most have moved: one query for all
            nodes, gaps = self.snap(lon, lat)
            self._snapped.update(zip(keys, zip(nodes.tolist(), gaps.tolist(), strict=True),
                                     strict=True))
            return nodes, gaps
        if missing:
            nodes, gaps = self.snap([keys[n][0] for n in missing], [keys[n][1] for n in missing])
            for n, node, gap in zip(missing, nodes.tolist(), gaps.tolist(), strict=True):
                known[n] = self._snapped[keys[n]] = (node, gap)
        if not known:
            return np.empty(0, dtype=int), np.empty(0)
        nodes, gaps = zip(*known, strict=True)
        return np.array(nodes), np.array(gaps)

    def etas_to(self, lon: float, lat: float, unit_lon: Sequence[float],
                unit_lat: Sequence[float], band: str = "normal",
                horizon_s: float = HORIZON_S) -> np.ndarray:
        """Seconds for each unit to reach (lon, lat); inf beyond the horizon or unreachable."""
        [target], [target_gap] = self.snap([lon], [lat])
        seconds = dijkstra(self._reversed[band], directed=True, indices=int(target),
                           limit=horizon_s)
        if len(unit_lon) == 0:
            return np.empty(0)
        nodes, gaps = self.snap_units(unit_lon, unit_lat)
        off_network = (gaps + target_gap) / (OFF_NETWORK_KMH / 3.6)
        return seconds[nodes] + off_network


FIRST_HORIZON_S = ROAD_SEARCH_FLOOR_S  # most incidents have their units within it: searched first
ENOUGH_REACHED = 3


class UnitEtas:
    """The router as the core's ETA function: units (anything with .lon/.lat) → seconds.

    The search first stops at 10 minutes, which covers the 8-minute target and usually
    reaches enough units; only when fewer than three are reached does it go on to the full
    horizon. `local_time` converts the moment to the center's clock for the time band."""

    def __init__(self, router: Router, local_time: Callable[[datetime], datetime]) -> None:
        self.router = router
        self.local_time = local_time

    def __call__(self, units: Sequence, lon: float, lat: float, when: datetime) -> np.ndarray:
        band = time_band(self.local_time(when))
        xs, ys = [u.lon for u in units], [u.lat for u in units]
        etas = self.router.etas_to(lon, lat, xs, ys, band, FIRST_HORIZON_S)
        if np.count_nonzero(np.isfinite(etas)) < min(ENOUGH_REACHED, len(units)):
            etas = self.router.etas_to(lon, lat, xs, ys, band)
        return etas
