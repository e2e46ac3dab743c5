"""A guide the road search did not reach is never ranked as near as its straight line says.

Hand-worked: guide A is 1.0 km from the scene as the crow flies but across a ridge, so the
road search (which always covers 10 minutes) does not reach it; guide B is 3.0 km away and
6 minutes (360 s) by road. By straight line A would be 1.0 km × 1.4 / (25 km/h) ≈ 202 s and
win; A cannot be nearer than the search's 600 s, so B must be recommended first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from dispatch import geodesy
from dispatch.config import TravelModel
from dispatch.recommend import recommend
from dispatch.state import Unit


def test_an_unreached_guide_ranks_behind_one_six_minutes_away_by_road() -> None:
    now = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
    scene = (122.10, 30.02)
    a_lon, a_lat = geodesy.offset(*scene, 1000.0, 0.0)
    b_lon, b_lat = geodesy.offset(*scene, 3000.0, 0.0)
    units = [Unit("A", "A", "guide", 100, "1", lon=a_lon, lat=a_lat, fix_time=now),
             Unit("B", "B", "guide", 100, "2", lon=b_lon, lat=b_lat, fix_time=now)]

    def road(pool, lon, lat, when):
        return np.array([np.inf if u.unit_id == "A" else 360.0 for u in pool])

    ranked = recommend(units, *scene, now, TravelModel(), road)
    assert [r.unit_id for r in ranked] == ["B", "A"]
    assert ranked[0].eta_s == 360.0 and ranked[1].eta_s >= 600.0
