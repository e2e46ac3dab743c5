"""The 8-minute clock: warning at 6, breach at 8, stopped on scene, recorded once each."""

from __future__ import annotations

from datetime import timedelta

from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.clocks import BREACH, OK, STOPPED, WARN, clock_of
from dispatch.config import ZHOUSHAN
from tests.test_dispatch_core import SLIP


def received(state, actor):
    state.apply(commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor))
    incident = state.incidents["1001"]
    return incident, incident.received_at


def test_levels_over_time(state, actor) -> None:
    incident, t0 = received(state, actor)
    assert clock_of(incident, t0 + timedelta(minutes=5)).level == OK
    assert clock_of(incident, t0 + timedelta(minutes=6, seconds=1)).level == WARN
    assert clock_of(incident, t0 + timedelta(minutes=8)).level == BREACH


def test_alarms_are_recorded_once_and_stop_on_scene(state, actor) -> None:
    incident, t0 = received(state, actor)
    assert commands.clock_alarms(state, t0 + timedelta(minutes=3), actor) == []
    warn = commands.clock_alarms(state, t0 + timedelta(minutes=7), actor)
    assert [(e.type, e.payload["level"]) for e in warn] == [(ev.CLOCK_ALARM, WARN)]
    state.apply(warn[0])
    assert commands.clock_alarms(state, t0 + timedelta(minutes=7, seconds=30), actor) == []
    [breach] = commands.clock_alarms(state, t0 + timedelta(minutes=9), actor)
    state.apply(breach)
    assert commands.clock_alarms(state, t0 + timedelta(minutes=20), actor) == []
    assert incident.alarms == {WARN, BREACH}


def test_straight_to_breach_skips_nothing(state, actor) -> None:
    _, t0 = received(state, actor)  # e.g. a console that was down during the warning window
    [alarm] = commands.clock_alarms(state, t0 + timedelta(minutes=12), actor)
    assert alarm.payload["level"] == BREACH


def test_clock_stops_on_scene_and_not_for_referrals(state, actor) -> None:
    incident, t0 = received(state, actor)
    incident.history.append((t0 + timedelta(minutes=5), "on_scene"))
    c = clock_of(incident, t0 + timedelta(hours=1))
    assert c.stopped and c.elapsed_s == 300 and c.level == OK
    incident.status = "referred_police"
    assert clock_of(incident, t0 + timedelta(hours=1)).level == STOPPED
