"""The desk without a window: alarms chosen from the hub's events, breaches kept until
acknowledged, events already held skipped, recommendations and the joint plan for the cases on
the hand-placed demo roster (tests/conftest.py: G01 and G02 guides near Dinghai, P01 a rider)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from console.desk import Desk
from console.settings import ConsoleSettings
from dispatch import events as ev
from dispatch.events import Event
from resources import scenario as scenarios
from tests.conftest import make_units

T0 = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def desk() -> Desk:
    scenario = scenarios.load()
    desk = Desk(scenario, ConsoleSettings.from_scenario(scenario, None))
    desk.state.__init__(make_units())  # the three hand-placed units
    return desk


def event(n: int, type_: str, minutes: float = 0, **payload) -> Event:
    return Event(type_, "hub", "ws", payload, T0 + timedelta(minutes=minutes), n)


def alert(n: int, lon: float = 122.1040, lat: float = 30.0170) -> Event:
    return event(n, ev.ALERT_RECEIVED, alert_id=f"D-{n}", received_at=T0.isoformat(),
                 location={"lon": lon, "lat": lat, "address": "环城南路"},
                 description="两车追尾,无人受伤,车辆能动")


def test_the_desk_needs_no_qt() -> None:
    """A separate interpreter: importing the desk loads neither Qt nor pyqtgraph."""
    code = ("import sys, console.desk; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=Path(__file__).resolve().parents[1])
    assert out.stdout.strip() == "[]"


def test_the_most_urgent_alarm_of_a_batch_sounds(desk) -> None:
    fresh, alarm = desk.take([alert(1), alert(2)])
    assert [e.id for e in fresh] == [1, 2] and alarm == "new_alert"
    _, alarm = desk.take([event(3, ev.CLOCK_ALARM, 6, case="1001", level="warn"),
                          event(4, ev.CLOCK_ALARM, 8, case="1002", level="breach")])
    assert alarm == "breach"
    _, alarm = desk.take([event(5, ev.RADIO_EMERGENCY, 9, unit="G02"), alert(6)])
    assert alarm == "emergency" and desk.emergencies() == ["G02"]
    _, alarm = desk.take([event(7, ev.UNIT_STATUS_SET, 10, unit="P01", status="busy")])
    assert alarm is None


def test_breaches_stay_until_acknowledged_and_held_events_are_skipped(desk) -> None:
    desk.take([alert(1), alert(2)])
    breach = event(3, ev.CLOCK_ALARM, 8, case="1001", level="breach")
    desk.take([breach])
    fresh, alarm = desk.take([breach])  # the same event again (a resumed line): nothing new
    assert fresh == [] and alarm is None and desk.breaches == ["1001"]
    desk.take([event(4, ev.CLOCK_ALARM, 8, case="1002", level="breach")])
    assert desk.breaches == ["1001", "1002"]
    desk.acknowledge_breaches()
    assert desk.breaches == [] and desk.open_count() == 2


def test_the_selected_case_gets_the_nearer_guide_first(desk) -> None:
    desk.take([alert(1)])
    desk.take([event(2, ev.INCIDENT_TRIAGED, 1, case="1001", outcome="triaged", reasons=[])])
    desk.selected = "1001"
    ranked = desk.recommend(T0 + timedelta(minutes=1))
    assert [r.unit_id for r in ranked][:2] == ["G01", "G02"]  # 0.2 km against 2.4 km
    assert desk.based_on(("1001", "G01")) == 2  # the version the command names
    plan = desk.joint_proposal(T0 + timedelta(minutes=1))
    assert plan is not None and plan.assignments[0][:2] == ("1001", "G01")


def test_a_second_call_nearby_is_a_likely_duplicate(desk) -> None:
    desk.take([alert(1), alert(2, lon=122.1041)])
    desk.selected = "1002"
    assert [d.case for d in desk.duplicates()] == ["1001"]
    desk.selected = None
    assert desk.duplicates() == [] and desk.verdict() is None


def test_an_emergency_names_the_unit_to_show(desk) -> None:
    desk.take([alert(1)])
    assert desk.new_emergency([]) is None
    fresh, _ = desk.take([event(2, ev.RADIO_EMERGENCY, 1, unit="G02")])
    assert desk.new_emergency(fresh).unit_id == "G02"
    fresh, _ = desk.take([event(3, ev.EMERGENCY_ACKED, 2, unit="G02")])
    assert desk.new_emergency(fresh) is None
