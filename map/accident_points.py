"""Real accident points for planning and simulation experiments, carried onto a road graph.

There is no open accident record of the target city; the NYC collision sample
(`date;time;lng;lat;injured;killed`, ../shared/data/accidents/) gives real times and real
clustering, and `coverage.transplant` lays it over the road graph's area (the Andorra extract).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np

from map.coverage import main_component, transplant
from map.roads import RoadGraph


@dataclass(frozen=True)
class AccidentPoints:
    """Accidents on the graph: local time of each, and the road node it lies on."""

    when: list[datetime]
    node: np.ndarray
    scale: float  # metres on the graph per metre in the source city

    def days(self) -> list[date]:
        return sorted({t.date() for t in self.when})

    def on(self, days: set[date]) -> tuple[list[datetime], np.ndarray]:
        keep = [n for n, t in enumerate(self.when) if t.date() in days]
        return [self.when[n] for n in keep], self.node[keep]


def read_collisions(path: Path) -> tuple[list[datetime], np.ndarray, np.ndarray]:
    """Times (naive, the city's local clock) and lon/lat of the rows that have a position."""
    times, lon, lat = [], [], []
    with path.open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter=";"):
            if not row["lng"] or not row["lat"] or float(row["lat"]) == 0.0:
                continue
            times.append(datetime.strptime(f"{row['date']} {row['time']}", "%Y-%m-%d %H:%M"))
            lon.append(float(row["lng"]))
            lat.append(float(row["lat"]))
    return times, np.array(lon), np.array(lat)


def accidents_on(path: Path, graph: RoadGraph) -> AccidentPoints:
    times, lon, lat = read_collisions(path)
    nodes, scale = transplant(lon, lat, graph, main_component(graph))
    return AccidentPoints(times, nodes, scale)
