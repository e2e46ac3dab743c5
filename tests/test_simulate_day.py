"""The operations simulation: a hand-timed morning, then the real roads and accident sample."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.cli import main
from dispatch import kpi
from dispatch.geodesy import distance_m
from dispatch.simulation import Accident, Setup, simulate
from dispatch.state import CenterState, Unit
from map import day_simulation as ds
from tests import needs

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
TEN = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)
METRES_PER_DEGREE = 2 * math.pi * 6_371_008.8 / 360  # 111,195.08 m along the equator


def ride_at_10_m_s(lon1: float, lat1: float, lon2: float, lat2: float, _when) -> float:
    return distance_m(lon1, lat1, lon2, lat2) / 10.0


def test_a_hand_timed_morning() -> None:
    """Guides at A (0°, 0°) and B (0.02°, 0°) on the equator; rides at 10 m/s; 30 s to
    dispatch and 30 s to acknowledge; 600 s on scene.

    10:00 at 0.005°: A is nearer (556 m) → ride 55.60 s, response 60 + 55.60 = 115.60 s;
    A is busy until 715.60 s.
    10:01 at 0.006°: A busy, B rides 0.014° = 1,556.73 m in 155.67 s → response 215.67 s.
    10:02 at 0°: both busy; A frees first (10:11:55.60), still at 0.005° (home only at
    771.20 s), rides 55.60 s after the 30 s ack → on scene at 801.20 s, response 681.20 s:
    a breach, charged to "no unit free" (595.60 s from receipt to dispatch > 120 s).
    8-minute rate 2/3; nearest-rank p50 = 215.67 s, p90 = 681.20 s.
    """
    step = 0.005 * METRES_PER_DEGREE / 10.0  # 55.5975 s
    accidents = [Accident(TEN, 0.005, 0.0, 600.0),
                 Accident(TEN + timedelta(minutes=1), 0.006, 0.0, 600.0),
                 Accident(TEN + timedelta(minutes=2), 0.0, 0.0, 600.0)]
    events = simulate(accidents, Setup([(0.0, 0.0), (0.02, 0.0)], ride_at_10_m_s, None))
    lines = kpi.timelines(events)
    assert [lines[c].units for c in ("1001", "1002", "1003")] == [["G01"], ["G02"], ["G01"]]
    assert [t.response_s() for t in lines.values()] == pytest.approx(
        [60 + step, 60 + 0.014 * METRES_PER_DEGREE / 10, 715.5975 + 30 + step - 120], abs=1e-3)
    assert kpi.arrival_rate(lines.values()) == pytest.approx(2 / 3)
    assert kpi.response_percentiles(lines.values())[90] == pytest.approx(681.195, abs=1e-3)
    assert kpi.breaches(lines.values()) == [
        kpi.Breach("1003", pytest.approx(681.195, abs=1e-3), (kpi.NO_UNIT_FREE,))]
    state = CenterState([Unit("G01", "G01", "guide", 1, "1"), Unit("G02", "G02", "guide", 1, "2")])
    for e in events:  # the simulated log is one the center's state machine accepts
        state.apply(e)
    assert {i.status for i in state.incidents.values()} == {"closed"}


@pytest.fixture(scope="module")
def experiment() -> ds.Experiment:
    return ds.load(needs.data(DATA / "osm" / "andorra.osm.pbf"),
                   needs.data(DATA / "accidents" / "nyc_collisions_2020-09.csv"))


def test_a_held_out_day_on_the_andorra_roads(experiment) -> None:
    """Planned on the first three days, judged on the fourth: every accident of the day is
    handled, and the figures come from the KPI functions."""
    day = experiment.test_days[0]
    posts = ds.planned_posts(experiment, ds.planning_instance(experiment), 6, time_limit_s=5)
    assert len(posts) == 6
    figures = ds.figures(ds.run(experiment, [day], posts, "road", share=0.1))
    assert figures.incidents == len(ds.accidents_of(experiment, day, 0.1)) > 0
    assert 0.0 < figures.rate <= 1.0
    assert figures.percentiles[50] <= figures.percentiles[90] <= figures.percentiles[95]


def test_hand_posts_are_the_busiest_spots_apart(experiment) -> None:
    posts = ds.hand_posts(experiment, 8)
    assert len(posts) == 8
    assert min(distance_m(*a, *b) for n, a in enumerate(posts) for b in posts[n + 1:]) >= 990


def test_the_simulate_day_command(experiment, capsys) -> None:
    assert main(["simulate-day", "--osm", str(DATA / "osm" / "andorra.osm.pbf"),
                 "--accidents", str(DATA / "accidents" / "nyc_collisions_2020-09.csv"),
                 "--guides", "5", "--share", "0.05", "--days", "1", "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "8分钟到达率" in out and "p95" in out
