"""Shifts: parsing the roster's windows, on duty or not, and what ranking and assignment make
of a shift that is over or about to end."""

from __future__ import annotations

import json
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch import geodesy, snapshot
from dispatch.assignment import joint_plan, propose
from dispatch.config import TravelModel
from dispatch.recommend import recommend
from dispatch.service_hours import CHINA_TZ
from dispatch.shifts import DAY_NAMES, ShiftWindow, on_shift, parse_shift, seconds_left
from dispatch.state import CenterState, Incident
from resources import scenario as scenarios
from tests.conftest import make_units

SCENE = (122.1035, 30.0165)
WHEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # Wednesday 16:00 in Zhoushan


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHINA_TZ)


# -- parsing and the clock ----------------------------------------------------------------------

@pytest.mark.parametrize(("spec", "moment", "left_s"), [
    ("07:00-19:00", "2026-11-25T12:00", 7 * 3600),
    ("07:00-19:00", "2026-11-25T19:00", 0),  # the end is exclusive
    ("07:00-19:00", "2026-11-25T06:59", 0),
    ("19:00-07:00", "2026-11-25T23:00", 8 * 3600),  # across midnight, before it
    ("19:00-07:00", "2026-11-26T03:00", 4 * 3600),  # across midnight, after it
    ("19:00-07:00", "2026-11-26T06:59", 60),
    ("19:00-07:00", "2026-11-26T12:00", 0),
    (["07:00-12:00", "14:00-19:00"], "2026-11-25T13:00", 0),  # lunch break
    (["07:00-12:00", "12:00-19:00"], "2026-11-25T08:00", 11 * 3600),  # windows join up
    ("Wed 08:00-08:00", "2026-11-25T09:00", 23 * 3600),  # a 24-hour duty
    ("Fri 19:00-07:00", "2026-11-28T03:00", 4 * 3600),  # Saturday morning: Friday's night
    ("Fri 19:00-07:00", "2026-11-29T03:00", 0),  # Sunday morning: no Saturday night shift
    ("Mon-Fri 00:00-24:00", "2026-11-25T03:00", (2 * 24 + 21) * 3600),  # until Saturday 00:00
    ("周一-周五 08:30-17:30", "2026-11-28T10:00", 0),  # Saturday
    ("Fri-Mon 10:00-11:00", "2026-11-30T10:30", 1800),  # a day range wrapping past Sunday
])
def test_seconds_left_on_shift(spec, moment, left_s) -> None:
    shift = parse_shift(spec)
    assert seconds_left(shift, at(moment)) == left_s
    assert on_shift(shift, at(moment)) is (left_s > 0)


@pytest.mark.parametrize("spec", [["07:00-19:00", "19:00-07:00"], "00:00-24:00",
                                  ["Mon-Thu 00:00-24:00", "Fri-Sun 00:00-24:00"]])
def test_duty_that_never_ends(spec) -> None:
    assert seconds_left(parse_shift(spec), at("2026-11-25T12:00")) == math.inf


def test_no_shift_is_always_on_duty() -> None:
    assert seconds_left(None, WHEN) == math.inf and on_shift(None, WHEN)


def test_shift_is_read_in_china_time() -> None:
    shift = parse_shift("07:00-19:00")
    assert on_shift(shift, datetime(2026, 11, 25, 0, 30, tzinfo=UTC))  # 08:30 in Zhoushan
    assert not on_shift(shift, datetime(2026, 11, 25, 12, 0, tzinfo=UTC))  # 20:00


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="UTC offset"):
        seconds_left(parse_shift("07:00-19:00"), datetime(2026, 11, 25, 12))


@pytest.mark.parametrize(("spec", "message"), [
    ("", "expected \\[days\\] HH:MM-HH:MM"),
    ("07:00", "expected \\[days\\] HH:MM-HH:MM"),
    ("Mon Fri 07:00-19:00", "expected \\[days\\] HH:MM-HH:MM"),
    ("7-19", "'7' is not a time like 07:00"),
    ("07:00-25:00", "'25:00' is not a time of day"),
    ("07:60-19:00", "'07:60' is not a time of day"),
    ("24:00-07:00", "24:00 only as an end"),
    ("Moon 07:00-19:00", "unknown day 'Moon'"),
    ("Mon-,Fri 07:00-19:00", "unknown day ''"),
    ("Mon- 07:00-19:00", "unknown day ''"),
    ([], "expected a window like"),
    (7, "expected a window like"),
    (["07:00-19:00", None], "expected a window like"),
])
def test_bad_shift_says_what_is_wrong(spec, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_shift(spec)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 1439), st.integers(0, 1439))
def test_a_window_and_its_complement_cover_every_minute_once(a, b) -> None:
    if a == b:
        return
    window, complement = parse_shift(f"{_clock(a)}-{_clock(b)}"), parse_shift(
        f"{_clock(b)}-{_clock(a)}")
    day = at("2026-11-25T00:00")
    for minute in range(24 * 60):
        moment = day + timedelta(minutes=minute)
        assert on_shift(window, moment) != on_shift(complement, moment)


def _covers(windows: tuple[ShiftWindow, ...], moment: datetime) -> bool:
    """The plain reading of the windows, minute arithmetic only: the reference for the spans."""
    local = moment.astimezone(CHINA_TZ)
    since_midnight = local.hour * 60 + local.minute + local.second / 60
    return any((local.date() - timedelta(days=back)).weekday() in w.days
               and 0 <= since_midnight + back * 24 * 60 - w.start_min < w.length_min
               for w in windows for back in (0, 1))


WINDOW_SPECS = st.builds(
    lambda days, start, end: f"{','.join(DAY_NAMES[d][:3] for d in sorted(days))} "
                             f"{_clock(start)}-{'24:00' if end == 1440 else _clock(end)}",
    st.frozensets(st.integers(0, 6), min_size=1), st.integers(0, 1439), st.integers(0, 1440))
MOMENTS = st.datetimes(datetime(2024, 1, 1), datetime(2030, 1, 1),
                       timezones=st.sampled_from([CHINA_TZ, UTC])).map(
    lambda d: d.replace(microsecond=0))


@settings(max_examples=300, deadline=None)
@given(st.lists(WINDOW_SPECS, min_size=1, max_size=4), MOMENTS, st.floats(0, 1, exclude_max=True))
def test_seconds_left_agrees_with_the_windows(specs, now, fraction) -> None:
    shift = parse_shift(specs)
    left = seconds_left(shift, now)
    assert (left > 0) is _covers(shift.windows, now)
    if 0 < left < math.inf:
        assert _covers(shift.windows, now + timedelta(seconds=math.floor(left * fraction)))
        assert _covers(shift.windows, now + timedelta(seconds=left - 1))
        assert not _covers(shift.windows, now + timedelta(seconds=left))
    elif left == math.inf:
        assert _covers(shift.windows, now + timedelta(days=9 * fraction))


@given(st.frozensets(st.integers(0, 6), min_size=1), st.integers(0, 1439), st.integers(0, 1440))
def test_parsed_window_is_what_was_written(days, start, end) -> None:
    spec = (f"{','.join(DAY_NAMES[d] for d in sorted(days))} "
            f"{_clock(start)}-{'24:00' if end == 1440 else _clock(end)}")
    [window] = parse_shift(spec).windows
    assert (window.days, window.start_min) == (days, start)
    assert window.length_min == ((end - start) % 1440 or 1440)


# -- ranking ------------------------------------------------------------------------------------

@pytest.fixture
def units() -> dict:
    """G01 next to the scene; G02 a little further, still well inside 8 minutes."""
    state = CenterState(make_units())
    state.units["G02"].lon, state.units["G02"].lat = geodesy.offset(*SCENE, 0, 1200)
    return state.units


def test_shift_ending_before_the_job_is_done_moves_a_unit_down(units) -> None:
    assert [r.unit_id for r in recommend(units.values(), *SCENE, WHEN, TravelModel())] == [
        "G01", "G02"]
    units["G01"].shift = parse_shift("04:00-16:12")  # 12 minutes left at 16:00
    ranked = recommend(units.values(), *SCENE, WHEN, TravelModel())
    assert [r.unit_id for r in ranked] == ["G02", "G01"]
    assert "距下班12分钟,降权" in ranked[1].reasons
    assert "距下班" not in ranked[0].reason


def test_shift_that_covers_the_job_is_not_penalised(units) -> None:
    units["G01"].shift = parse_shift("04:00-17:00")  # an hour left: ETA + 30 min fits
    ranked = recommend(units.values(), *SCENE, WHEN, TravelModel())
    assert ranked[0].unit_id == "G01" and "距下班" not in ranked[0].reason


def test_off_shift_unit_is_not_recommended(units) -> None:
    units["G01"].shift = parse_shift("19:00-07:00")  # night shift, off at 16:00
    assert "G01" not in [r.unit_id for r in recommend(units.values(), *SCENE, WHEN,
                                                      TravelModel())]
    night = datetime(2026, 11, 25, 18, 0, tzinfo=UTC)  # 02:00 in Zhoushan
    assert recommend(units.values(), *SCENE, night, TravelModel())[0].unit_id == "G01"


# -- joint assignment ---------------------------------------------------------------------------

def _incident(case: str, lon: float, lat: float) -> Incident:
    return Incident(case, f"A-{case}", WHEN - timedelta(minutes=1), lon, lat, "", "", "", {})


def test_joint_plan_leaves_off_shift_units_out(units) -> None:
    guides = [units["G01"], units["G02"]]
    incidents = [_incident("1001", *SCENE)]
    assert propose(incidents, guides, WHEN, TravelModel(), None).assignments[0][1] == "G01"
    units["G01"].shift = parse_shift("Mon-Fri 08:00-12:00")
    proposal = propose(incidents, guides, WHEN, TravelModel(), None)
    assert [unit for _, unit, _ in proposal.assignments] == ["G02"]
    units["G02"].shift = parse_shift("Sat,Sun 00:00-24:00")
    assert propose(incidents, guides, WHEN, TravelModel(), None) is None


def test_joint_plan_prefers_the_unit_whose_shift_covers_the_job(units) -> None:
    guides = [units["G01"], units["G02"]]
    incidents = [_incident("1001", *SCENE)]
    units["G01"].shift = parse_shift("04:00-16:12")
    proposal = propose(incidents, guides, WHEN, TravelModel(), None)
    assert [unit for _, unit, _ in proposal.assignments] == ["G02"]
    assert proposal.joint.late_count == proposal.greedy.late_count == 0


def test_shift_penalty_never_makes_the_joint_plan_later() -> None:
    etas = np.array([[100.0, 200.0], [60.0, 900.0]])
    penalty = np.array([[0.0, 300.0], [300.0, 0.0]])  # the pairs that are on time: penalised
    assert joint_plan(etas, [250.0, 200.0], penalty_s=penalty).pairs == ((0, 1), (1, 0))


# -- roster and snapshot ------------------------------------------------------------------------

def _scenario_file(tmp_path, shifts: dict) -> scenarios.Scenario:
    doc = json.loads(scenarios.DEMO_SCENARIO.read_text(encoding="utf-8"))
    for unit in doc["units"]:
        if unit["unit_id"] in shifts:
            unit["shift"] = shifts[unit["unit_id"]]
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return scenarios.load(path)


def test_demo_roster_has_no_shifts_and_is_always_on_duty() -> None:
    assert all(u.shift is None for u in scenarios.load().roster())


def test_scenario_units_carry_their_shift(tmp_path) -> None:
    roster = {u.unit_id: u for u in _scenario_file(
        tmp_path, {"G01": "07:00-19:00", "G02": ["Mon-Fri 19:00-07:00", "Sat,Sun 00:00-24:00"]},
    ).roster()}
    assert roster["G01"].shift == parse_shift("07:00-19:00")
    assert len(roster["G02"].shift.windows) == 2
    assert roster["G03"].shift is None
    assert not on_shift(roster["G01"].shift, WHEN + timedelta(hours=4))  # 20:00


def test_bad_shift_in_the_scenario_names_the_unit(tmp_path) -> None:
    scenario = _scenario_file(tmp_path, {"G02": "7 to 19"})
    with pytest.raises(ValueError, match="unit G02: shift '7 to 19'"):
        scenario.roster()


def test_snapshot_takes_shifts_from_the_roster() -> None:
    roster = make_units()
    roster[0].shift = parse_shift("07:00-19:00")
    state = CenterState(roster)
    doc = json.loads(json.dumps(snapshot.to_document(state)))  # stays plain JSON
    edited = make_units()
    edited[0].shift = parse_shift("19:00-07:00")
    restored = snapshot.from_document(doc, edited)
    assert restored.units["G01"].shift == parse_shift("19:00-07:00")
    assert restored.units["G02"].shift is None
