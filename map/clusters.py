"""Many markers at low zoom: incidents aggregate into counted bubbles; units never do.

Clustering a fleet hides exactly what a dispatcher looks for (Traccar users complain that two
riders parked at one post show as one), so units that share a spot are fanned out around it
instead. Incidents cluster on a grid anchored to the map (cells a power-of-two fraction of a
degree), so panning never reshuffles the bubbles; only zooming to another level does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

CELL_PX = 56.0  # a cluster cell is about this wide on screen
FAN_PX = 12.0  # co-located units spread on a circle this far from their spot
TOUCH_PX = 8.0  # units closer than this on screen count as one spot


@dataclass(frozen=True)
class Clusters:
    members: np.ndarray  # int[n]: each point's cluster
    x: np.ndarray  # cluster centres (mean of members)
    y: np.ndarray
    counts: np.ndarray

    def singletons(self) -> np.ndarray:
        """Mask of the points alone in their cell: drawn as themselves."""
        return self.counts[self.members] == 1


def cell_size(pixel_width: float) -> float:
    """A cell about CELL_PX wide, snapped to a power of two of a degree (stable while
    panning, one size per zoom level)."""
    wanted = pixel_width * CELL_PX
    if not math.isfinite(wanted) or wanted <= 0:  # a view not laid out yet: one cell
        return 360.0
    return 2.0 ** math.floor(math.log2(max(wanted, 1e-9)))


def grid_clusters(x: np.ndarray, y: np.ndarray, cell: float) -> Clusters:
    if len(x) == 0:
        empty = np.array([], dtype=float)
        return Clusters(np.array([], dtype=int), empty, empty, np.array([], dtype=int))
    keys = np.stack([np.floor(x / cell), np.floor(y / cell)], axis=1)
    _, members, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    members = members.ravel()
    cx = np.bincount(members, weights=x) / counts
    cy = np.bincount(members, weights=y) / counts
    return Clusters(members, cx, cy, counts)


def fan_out(x: np.ndarray, y: np.ndarray, pixel_x: float,
            pixel_y: float) -> tuple[np.ndarray, np.ndarray]:
    """Positions where units sharing a spot (within TOUCH_PX) stand apart on a small circle,
    in the same view coordinates; lone units keep their own position."""
    if len(x) < 2:
        return x, y
    keys = np.stack([np.round(x / (pixel_x * TOUCH_PX)), np.round(y / (pixel_y * TOUCH_PX))],
                    axis=1)
    _, group, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    group = group.ravel()
    shared = counts[group] > 1
    if not shared.any():
        return x, y
    order = np.argsort(group, kind="stable")
    rank = np.empty(len(x), dtype=int)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank[order] = np.arange(len(x)) - starts[group[order]]
    angle = 2 * math.pi * rank / counts[group]
    radius = FAN_PX + 2.0 * np.maximum(counts[group] - 3, 0)  # a crowd gets a wider circle
    fx = np.where(shared, x + radius * np.sin(angle) * pixel_x, x)
    fy = np.where(shared, y + radius * np.cos(angle) * pixel_y, y)
    return fx, fy
