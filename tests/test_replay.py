"""The replay model on a hand-built morning: where every unit was, what every incident was
doing and what its 8-minute clock read, at chosen moments. Expected values are written down
from the day's script below, not computed by the code under test.

The morning (China time, 25 Nov 2026): case 1001 is received at 10:00:00 and triaged at
10:00:30; G01 is dispatched at 10:01:00, acknowledges at 10:01:20, rides from 10:01:30, is on
scene at 10:06:00; the case is closed at 10:20:00. G01 reports every minute from 10:00, moving
0.001° east each time from 122.100, 30.020; G02 reports at 10:00 (122.130, 30.010) and 10:05
(122.131, 30.011); P01 never reports (the roster puts it at 122.1032, 30.0162).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

import numpy as np
import pytest

from dispatch import events as ev
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus as S
from dispatch.replay import Playback, Replay, Tracks
from dispatch.service_hours import CHINA_TZ
from dispatch.state import CenterState, UnitStatus
from tests.conftest import make_units

START = datetime(2026, 11, 25, 10, 0, tzinfo=CHINA_TZ)
END = datetime(2026, 11, 25, 11, 0, tzinfo=CHINA_TZ)


def at(hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(2026, 11, 25, hh, mm, ss, tzinfo=CHINA_TZ)


def morning_events() -> list[Event]:
    alert = {"alert_id": "A-1", "received_at": at(10, 0).isoformat(),
             "location": {"lon": 122.106, "lat": 30.020, "address": "解放路"},
             "description": "两车刮擦", "caller_phone": "13800000000"}
    script = [(at(10, 0), ev.ALERT_RECEIVED, alert),
              (at(10, 0, 30), ev.INCIDENT_TRIAGED, {"case": "1001", "outcome": "triaged"}),
              (at(10, 1), ev.UNIT_DISPATCHED, {"case": "1001", "unit": "G01"}),
              (at(10, 1, 20), ev.PAGE_ACKED, {"case": "1001", "unit": "G01"}),
              (at(10, 1, 30), ev.UNIT_EN_ROUTE, {"case": "1001", "unit": "G01"}),
              (at(10, 6), ev.UNIT_ARRIVED, {"case": "1001", "unit": "G01"}),
              (at(10, 20), ev.INCIDENT_CLOSED, {"case": "1001"})]
    return [Event(kind, "dispatcher:test", "ws", payload, when, n + 1)
            for n, (when, kind, payload) in enumerate(script)]


def morning_fixes() -> dict[str, list[tuple[datetime, float, float]]]:
    """The morning's fixes, as the loader hands them over per unit (time, lon, lat)."""
    return {"G01": [(at(10, k), 122.100 + 0.001 * k, 30.020) for k in range(11)],
            "G02": [(at(10, 0), 122.130, 30.010), (at(10, 5), 122.131, 30.011)],
            "P01": []}


def as_tracks(fixes: dict[str, list[tuple[datetime, float, float]]]) -> Tracks:
    runs = {unit: (np.array([(t - START).total_seconds() for t, _, _ in run]),
                   np.array([x for _, x, _ in run]), np.array([y for _, _, y in run]))
            for unit, run in fixes.items()}
    return Tracks(START, (END - START).total_seconds(), runs)


@pytest.fixture(params=[120.0, 3600.0], ids=["keyframes every 2 min", "one keyframe"])
def replay(request) -> Replay:
    return Replay.fold(CenterState(make_units()), morning_events(), as_tracks(morning_fixes()),
                  START, END, keyframe_s=request.param)


def test_at_half_past_three_the_guide_rides_and_the_clock_reads_three_and_a_half(replay):
    frame = replay.frame(at(10, 3, 30))
    assert frame.position("G01") == pytest.approx((122.103, 30.020))
    assert frame.position("G02") == pytest.approx((122.130, 30.010))
    assert frame.state.units["G01"].status == UnitStatus.EN_ROUTE
    assert frame.state.incidents["1001"].status == S.EN_ROUTE
    clock = frame.clocks()["1001"]
    assert (clock.elapsed_s, clock.level, clock.stopped) == (210.0, "ok", False)
    assert frame.fix_age_s[frame.units.index("G01")] == 30.0
    assert frame.moving[frame.units.index("G01")]
    assert frame.course[frame.units.index("G01")] == pytest.approx(90.0)  # due east


def test_after_arrival_the_clock_stops_at_six_minutes_in_the_warning_band(replay):
    frame = replay.frame(at(10, 7))
    assert frame.state.incidents["1001"].status == S.ON_SCENE
    clock = frame.clocks()["1001"]
    assert (clock.elapsed_s, clock.level, clock.stopped) == (360.0, "warn", True)
    assert frame.position("G02") == pytest.approx((122.131, 30.011))
    assert frame.fix_age_s[frame.units.index("G02")] == 120.0
    assert not frame.stale()[frame.units.index("G02")]


def test_a_unit_that_never_reported_stands_where_the_start_state_saw_it(replay):
    frame = replay.frame(at(10, 30))
    assert frame.position("P01") == pytest.approx((122.1032, 30.0162))
    assert math.isinf(frame.fix_age_s[frame.units.index("P01")])


def test_scrubbing_back_after_the_end_shows_the_earlier_moment_again(replay):
    late = replay.frame(at(10, 25))
    assert late.open_incidents() == []
    assert late.state.units["G01"].status == UnitStatus.AVAILABLE
    early = replay.frame(at(10, 1, 10))
    assert early.state.incidents["1001"].status == S.DISPATCHED
    assert early.state.units["G01"].status == UnitStatus.DISPATCHED
    assert replay.frame(at(10, 25)).state.units["G01"].status == UnitStatus.AVAILABLE


def test_before_the_first_event_nothing_has_happened_yet(replay):
    frame = replay.frame(START)
    assert list(frame.state.incidents) == ["1001"]  # the alert at 10:00:00 itself
    assert replay.state_at(START - timedelta(minutes=5)).incidents.keys() == {"1001"}


def test_step_goes_event_by_event(replay):
    assert replay.step(at(10, 1)) == at(10, 1, 20)
    assert replay.step(at(10, 1), forward=False) == at(10, 0, 30)
    assert replay.step(at(10, 20)) == END
    assert replay.step(at(10, 0), forward=False) == START


def test_milestones_of_the_case(replay):
    assert replay.milestones("1001") == [
        (at(10, 0), S.RECEIVED), (at(10, 0, 30), S.TRIAGED), (at(10, 1), S.DISPATCHED),
        (at(10, 1, 20), S.ACKNOWLEDGED), (at(10, 1, 30), S.EN_ROUTE), (at(10, 6), S.ON_SCENE),
        (at(10, 20), S.CLOSED)]
    assert replay.milestones("9999") == []


def test_trails_reach_ten_minutes_back_with_one_break_per_unit(replay):
    xs, ys, joins = replay.tracks.trails(replay.tracks.seconds(at(10, 8)))
    np.testing.assert_allclose(xs, [122.100, 122.101, 122.102, 122.103, 122.104, 122.105,
                                    122.106, 122.107, 122.108, 122.130, 122.131])
    np.testing.assert_allclose(ys[-2:], [30.010, 30.011])
    assert joins.tolist() == [True] * 8 + [False, True, False]
    xs, _, joins = replay.tracks.trails(replay.tracks.seconds(at(10, 3, 30)))
    assert joins.tolist() == [True, True, True, False]  # G01's four; G02 has one: no trail
    xs, _, _ = replay.tracks.trails(replay.tracks.seconds(at(10, 20)))
    assert len(xs) == 0  # G01's last fix (10:10) alone, G02's are older than ten minutes


def test_playback_runs_at_its_rate_and_stops_at_the_end():
    clock = Playback(START, END, START, speed=60, playing=True)
    assert clock.advance(2.0) == at(10, 2)
    assert clock.faster(True) == 120
    clock.speed = 600
    assert clock.advance(10.0) == END
    assert not clock.playing
    assert clock.faster(True) == 600  # the top of the ladder
    assert clock.seek(END + timedelta(hours=1)) == END


def test_a_range_without_any_fix_shows_the_units_where_the_start_state_left_them():
    empty = as_tracks({"G01": [], "G02": [], "P01": []})
    replay = Replay.fold(CenterState(make_units()), morning_events(), empty, START, END)
    frame = replay.frame(at(10, 3))
    assert frame.position("G01") == pytest.approx((122.1060, 30.0180))
    assert frame.position("G02") == pytest.approx((122.1300, 30.0100))
    assert not frame.moving.any()


def test_a_trail_keeps_one_fix_per_quarter_minute_and_the_last():
    every_five = {"G01": [(START + timedelta(seconds=s), 122.0 + s / 1000, 30.0)
                          for s in range(0, 35, 5)], "G02": [], "P01": []}
    xs, _, joins = as_tracks(every_five).trails(32.0)
    np.testing.assert_allclose(xs, [122.000, 122.015, 122.030])  # 0 s, 15 s, 30 s
    assert joins.tolist() == [True, True, False]
    xs, _, _ = as_tracks(every_five).trails(27.0)
    np.testing.assert_allclose(xs, [122.000, 122.015, 122.025])  # and the last, 25 s


def test_a_unit_standing_still_leaves_no_scribble():
    jitter = {"G01": [(START + timedelta(seconds=s), 122.00001 + (s % 20) * 1e-6, 30.00001)
                      for s in range(0, 600, 10)], "G02": [], "P01": []}  # 1 m apart
    xs, _, joins = as_tracks(jitter).trails(595.0)
    assert len(xs) == 2  # where it stood first, and its last fix
    assert joins.tolist() == [True, False]
