"""The core's rules: lifecycle, eligibility, recommendation, commands folded into state."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch import commands, geodesy
from dispatch import events as ev
from dispatch.alerts import SlipRejected, parse_alert_slip
from dispatch.config import ZHOUSHAN, ProgramRules, TravelModel
from dispatch.eligibility import Slip, assess
from dispatch.lifecycle import TRANSITIONS, IllegalTransition, IncidentStatus
from dispatch.recommend import RankingPolicy, recommend
from dispatch.refusals import Refusal
from dispatch.search import search
from dispatch.service_hours import ServiceWindow
from dispatch.state import UnitStatus

SLIP = {
    "alert_id": "A-1",
    "received_at": "2026-11-25T08:00:00+08:00",
    "caller_phone": "13800000000",
    "location": {"lon": 122.1035, "lat": 30.0165, "address": "定海 解放路"},
    "description": "两车追尾 无人受伤",
    "structured": {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 2000},
}


def zone_everywhere(lon: float, lat: float) -> list[tuple[str, str]]:
    return [("定海城区", "always")]


ALWAYS = ProgramRules(schedules={"always": (ServiceWindow(time(0), time.max),)})
WHEN = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)


def slip(structured: dict, text: str = "") -> Slip:
    return Slip(structured, text, 122.1, 30.0, WHEN)


def receive(state, actor, doc=SLIP):
    event = commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)
    state.apply(event)
    return state.by_alert[doc["alert_id"]]


def test_alert_slip_rejects_outside_region_with_reason() -> None:
    doc = {**SLIP, "location": {"lon": 121.47, "lat": 31.23, "address": "上海"}}
    with pytest.raises(SlipRejected, match="outside the region"):
        parse_alert_slip(doc, ZHOUSHAN)


@pytest.mark.parametrize(
    ("mutation", "reason"),
    [
        ({"alert_id": ""}, "alert_id"),
        ({"received_at": "yesterday"}, "ISO 8601"),
        ({"received_at": "2026-11-25T08:00:00"}, "UTC offset"),
        ({"location": {"lon": "x", "lat": 30.0}}, "location.lon"),
        ({"structured": {"injuries": "no"}}, "structured.injuries"),
    ],
)
def test_alert_slip_rejects_bad_fields(mutation, reason) -> None:
    with pytest.raises(SlipRejected, match=reason):
        parse_alert_slip({**SLIP, **mutation}, ZHOUSHAN)


@given(st.recursive(st.none() | st.booleans() | st.floats() | st.text(),
                    lambda c: st.lists(c) | st.dictionaries(st.text(), c), max_leaves=20))
def test_alert_slip_parser_never_crashes(doc) -> None:
    try:
        slip = parse_alert_slip(doc, ZHOUSHAN)
    except SlipRejected:
        return
    assert ZHOUSHAN.contains(slip.lon, slip.lat)


def test_eligibility_injuries_refer_to_120() -> None:
    result = assess(slip({"injuries": True, "vehicles_movable": True}), ALWAYS, zone_everywhere)
    assert not result.eligible
    assert result.referral == "referred_120"
    assert any("受伤" in r.text for r in result.reasons)


def test_eligibility_outside_zone_and_over_limit() -> None:
    result = assess(slip({"injuries": False, "estimated_loss_cny": 50_000}), ALWAYS,
                    lambda lon, lat: [])
    codes = {r.code for r in result.reasons if r.blocking}
    assert codes == {"loss_over_limit", "outside_zone"}
    assert result.referral == "referred_police"


def test_text_signal_overrules_a_structured_no_injury() -> None:
    result = assess(slip({"injuries": False, "vehicles_movable": True}, "两车相撞,有人流血"),
                    ALWAYS, zone_everywhere)
    assert not result.eligible and result.referral == "referred_120"
    assert any("有人流血" in r.text for r in result.reasons if r.blocking)


def test_negated_text_is_shown_but_does_not_block() -> None:
    result = assess(slip({"injuries": False, "vehicles_movable": True}, "追尾,无人受伤"),
                    ALWAYS, zone_everywhere)
    assert result.eligible
    assert any("无人受伤" in r.text and "否定" in r.text for r in result.reasons)


def test_structured_exclusions_refer_to_police() -> None:
    result = assess(slip({"injuries": False, "drink_driving": True}), ALWAYS, zone_everywhere)
    assert not result.eligible and result.referral == "referred_police"


def test_recommend_nearest_available_guide(state) -> None:
    ranked = recommend(state.units.values(), 122.1035, 30.0165, WHEN, TravelModel())
    assert [r.unit_id for r in ranked] == ["G01", "G02"]  # a guide arrives within 8 min
    assert ranked[0].eta_s < ranked[1].eta_s
    assert "无路网" in ranked[0].reason
    state.units["G01"].status = UnitStatus.DISPATCHED
    assert [r.unit_id for r in recommend(state.units.values(), 122.125, 30.011, WHEN,
                                         TravelModel())] == ["G02"]


def test_police_rider_offered_when_no_guide_within_target(state) -> None:
    far = geodesy.offset(122.1035, 30.0165, 0, 6000)
    for unit_id in ("G01", "G02"):
        state.units[unit_id].lon, state.units[unit_id].lat = far
    ranked = recommend(state.units.values(), 122.1035, 30.0165, WHEN, TravelModel())
    assert ranked[0].unit_id == "P01" and "交警铁骑" in ranked[0].reason
    assert {r.unit_id for r in ranked[1:]} == {"G01", "G02"}


def test_stale_positions_are_penalised_or_excluded(state) -> None:
    for unit in state.units.values():
        unit.fix_time = WHEN
    state.units["G01"].fix_time = WHEN - timedelta(minutes=10)
    ranked = recommend(state.units.values(), 122.1035, 30.0165, WHEN, TravelModel())
    # G01: 0.3 km × 1.4 at 25 km/h ≈ 60 s, +180 s for its 10-minute-old fix = 240 s, still
    # ahead of G02's 2.7 km ≈ 535 s: penalised, not passed over, and the reason says why
    assert ranked[0].unit_id == "G01" and "陈旧" in ranked[0].reason
    strict = RankingPolicy(exclude_stale=True)
    ranked = recommend(state.units.values(), 122.1035, 30.0165, WHEN, TravelModel(),
                       policy=strict)
    assert "G01" not in [r.unit_id for r in ranked]


def test_road_etas_replace_the_straight_line(state) -> None:
    def road(units, lon, lat, when):
        return [600.0 if u.unit_id == "G01" else 120.0 for u in units]

    ranked = recommend(state.units.values(), 122.1035, 30.0165, WHEN, TravelModel(), road)
    assert [r.unit_id for r in ranked] == ["G02", "G01"]  # G01 is nearer but slower by road
    assert ranked[0].by_road and "道路ETA 2.0" in ranked[0].reason


def test_full_path_through_commands(state, actor) -> None:
    case = receive(state, actor)
    result = assess(slip(state.incidents[case].structured), ALWAYS, zone_everywhere)
    state.apply(commands.triage(state, case, result, actor))
    state.apply(commands.dispatch_unit(state, case, "G01", 60, actor))
    assert state.units["G01"].status == UnitStatus.DISPATCHED
    state.apply(actor.event(ev.PAGE_ACKED, {"unit": "G01", "seq": 1, "case": case}))
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1040, "lat": 30.0170,
                                               "speed_kmh": 25.0}))
    progress = commands.progress_from_position(state, "G01", actor)
    assert [e.type for e in progress] == [ev.UNIT_EN_ROUTE]
    for e in progress:
        state.apply(e)
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1035, "lat": 30.0166}))
    assert commands.progress_from_position(state, "G01", actor) == []  # one fix is not arrival
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1036, "lat": 30.0165}))
    arrival = commands.progress_from_position(state, "G01", actor)
    assert [e.type for e in arrival] == [ev.UNIT_ARRIVED]
    assert arrival[0].payload["fixes_inside"] == 2
    state.apply(arrival[0])
    state.apply(commands.close(state, case, "settled", actor))
    incident = state.incidents[case]
    assert incident.status == IncidentStatus.CLOSED
    assert [s for _, s in incident.history] == [
        "received", "triaged", "dispatched", "acknowledged", "en_route", "on_scene", "closed"]
    assert state.units["G01"].status == UnitStatus.AVAILABLE


def test_illegal_transition_raises_and_changes_nothing(state, actor) -> None:
    case = receive(state, actor)
    with pytest.raises(IllegalTransition, match="cannot go from received to closed"):
        commands.close(state, case, "settled", actor)
    with pytest.raises(IllegalTransition):
        commands.dispatch_unit(state, case, "G01", 60, actor)
    assert state.incidents[case].status == IncidentStatus.RECEIVED
    assert state.units["G01"].status == UnitStatus.AVAILABLE


def test_unknown_unit_is_refused(state, actor) -> None:
    case = receive(state, actor)
    with pytest.raises(commands.UnknownUnit):
        commands.dispatch_unit(state, case, "G99", 60, actor)


@given(st.lists(st.sampled_from(list(IncidentStatus)), max_size=30))
def test_state_machine_only_follows_the_table(moves) -> None:
    from dispatch.state import CenterState

    state = CenterState([])
    actor = commands.Actor("t", "w")
    state.apply(commands.receive_alert(parse_alert_slip(SLIP, ZHOUSHAN), actor))
    incident = state.incidents["1001"]
    for target in moves:
        before = incident.status
        try:
            state._move("1001", target, datetime.now(UTC))
        except IllegalTransition:
            assert target not in TRANSITIONS[before]
            assert incident.status == before
        else:
            assert target in TRANSITIONS[before]


def test_stuck_gps_is_flagged_after_repeated_fixes_while_moving(state, actor) -> None:
    for _ in range(6):
        state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.2, "lat": 30.0,
                                                   "speed_kmh": 30.0}))
    assert state.stuck_units() == ["G02"]
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.2001, "lat": 30.0,
                                               "speed_kmh": 30.0}))
    assert state.stuck_units() == []
    for _ in range(8):  # standing still with speed 0 is not stuck
        state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1, "lat": 30.0}))
    assert state.stuck_units() == []


def test_arrival_by_the_radios_status_code(state, actor) -> None:
    case = receive(state, actor)
    state.apply(commands.triage(state, case, assess(slip(state.incidents[case].structured),
                                                    ALWAYS, zone_everywhere), actor))
    state.apply(commands.dispatch_unit(state, case, "G02", 60, actor))
    far = {"unit": "G02", "lon": 122.125, "lat": 30.011, "speed_kmh": 0.0}
    state.apply(actor.event(ev.UNIT_POSITION, far))
    assert commands.progress_from_position(state, "G02", actor) == []
    state.apply(actor.event(ev.UNIT_POSITION, {**far, "radio_status": 3}))  # "arrived" key
    [arrived] = commands.progress_from_position(state, "G02", actor)
    assert arrived.type == ev.UNIT_ARRIVED and arrived.payload["by"] == "radio_status"
    state.apply(actor.event(ev.UNIT_POSITION, {**far, "radio_status": 3}))
    assert not state.units["G02"].radio_status_changed  # held, not pressed again


def test_search_by_case_plate_unit_and_address(state, actor) -> None:
    doc = {**SLIP, "structured": {**SLIP["structured"], "plates": ["浙LA12345"]}}
    case = receive(state, actor, doc)
    assert search(state, case) == ("incident", case)
    assert search(state, "la123") == ("incident", case)
    assert search(state, "g02") == ("unit", "G02")
    assert search(state, "解放路") == ("incident", case)
    assert search(state, "沈家门") is None and search(state, " ") is None


def test_a_guide_recalled_before_arrival_frees_the_case_for_another(state, actor) -> None:
    case = receive(state, actor)
    result = assess(slip(state.incidents[case].structured), ALWAYS, zone_everywhere)
    state.apply(commands.triage(state, case, result, actor))
    with pytest.raises(Refusal, match="no guide on the way") as refused:
        commands.recall(state, case, "wrong guide", actor)
    assert refused.value.code == "nothing_to_recall"
    state.apply(commands.dispatch_unit(state, case, "G01", 60, actor))
    with pytest.raises(Refusal, match="needs a reason"):
        commands.recall(state, case, "  ", actor)
    with pytest.raises(Refusal, match="at most 100") as refused:
        commands.recall(state, case, "x" * 101, actor)  # said on the air: bounded
    assert refused.value.values == {"what": "reason", "length": "101", "limit": "100"}
    recalled = commands.recall(state, case, "G02 is nearer", actor)
    assert recalled.payload == {"case": case, "unit": "G01", "reason": "G02 is nearer"}
    state.apply(recalled)
    incident = state.incidents[case]
    assert (incident.status, incident.unit_id) == (IncidentStatus.TRIAGED, None)
    assert (state.units["G01"].status, state.units["G01"].incident) == (UnitStatus.AVAILABLE,
                                                                         None)
    assert state.units["G01"].jobs == 0  # a recalled dispatch is not a job done
    state.apply(commands.dispatch_unit(state, case, "G02", 60, actor))  # reassigned
    assert state.units["G02"].incident == case


def _g02_sent(state, actor) -> str:
    """A new case, triaged, with G02 dispatched to it."""
    case = receive(state, actor)
    state.apply(commands.triage(state, case, assess(slip(state.incidents[case].structured),
                                                    ALWAYS, zone_everywhere), actor))
    state.apply(commands.dispatch_unit(state, case, "G02", 60, actor))
    return case


def _on_scene(state, actor) -> str:
    """A case with G02 on the scene (its radio's "arrived" key)."""
    case = _g02_sent(state, actor)
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.125, "lat": 30.011,
                                               "radio_status": 3}))
    [arrived] = commands.progress_from_position(state, "G02", actor)
    state.apply(arrived)
    return case


def test_the_job_done_key_closes_the_case_on_the_scene_as_settled(state, actor) -> None:
    case = _on_scene(state, actor)
    at = {"unit": "G02", "lon": 122.125, "lat": 30.011}
    state.apply(actor.event(ev.UNIT_POSITION, {**at, "radio_status": 4}))  # "job done" key
    [closed] = commands.progress_from_position(state, "G02", actor)
    assert (closed.type, closed.actor) == (ev.INCIDENT_CLOSED, "radio:G02")
    assert closed.payload == {"case": case, "disposition": "settled", "by": "radio_status"}
    state.apply(closed)
    assert state.incidents[case].disposition == "settled"
    assert state.units["G02"].status == UnitStatus.AVAILABLE
    state.apply(actor.event(ev.UNIT_POSITION, {**at, "radio_status": 4}))  # held: nothing
    assert commands.progress_from_position(state, "G02", actor) == []


def test_the_job_done_key_on_the_way_changes_nothing_and_frees_a_busy_unit(state, actor) -> None:
    _g02_sent(state, actor)
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G02", "lon": 122.3, "lat": 30.1,
                                               "radio_status": 4}))
    assert commands.progress_from_position(state, "G02", actor) == []  # not there yet
    state.apply(actor.event(ev.UNIT_STATUS_SET, {"unit": "G01", "status": "busy"}))
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1, "lat": 30.0,
                                               "radio_status": 4}))
    [free] = commands.progress_from_position(state, "G01", actor)
    assert free.payload == {"unit": "G01", "status": "available", "by": "radio_status"}
    state.apply(commands.set_unit_status(state, "G01", UnitStatus.ON_BREAK, actor))
    assert state.units["G01"].status == "on_break"
    assert "G01" not in {r.unit_id for r in recommend(
        state.units.values(), 122.1, 30.0, datetime.now(UTC), TravelModel())}  # resting
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1, "lat": 30.0,
                                               "radio_status": 0}))
    state.apply(actor.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1, "lat": 30.0,
                                               "radio_status": 4}))  # back from the break
    [back] = commands.progress_from_position(state, "G01", actor)
    assert back.payload["status"] == "available"


def test_closing_names_how_the_case_ended(state, actor) -> None:
    case = _on_scene(state, actor)
    with pytest.raises(Refusal) as refused:
        commands.close(state, case, "fixed", actor)
    assert refused.value.code == "unknown_disposition"
    state.apply(commands.close(state, case, "claim", actor))
    assert state.incidents[case].disposition == "claim"


def test_an_ended_case_is_reopened_with_a_reason_and_waits_for_a_unit(state, actor) -> None:
    closed = _on_scene(state, actor)
    state.apply(commands.close(state, closed, "left", actor))
    referred = receive(state, actor, {**SLIP, "alert_id": "110-REOPEN-2"})
    state.apply(commands.refer(state, referred, IncidentStatus.REFERRED_POLICE, actor))
    for case in (closed, referred):
        event = commands.reopen(state, case, " 交警退回,需派引导员 ", actor)
        assert event.payload["reason"] == "交警退回,需派引导员"
        state.apply(event)
        incident = state.incidents[case]
        assert incident.status == IncidentStatus.TRIAGED and incident.unit_id is None
        assert incident.reopened == ["交警退回,需派引导员"] and incident.disposition is None
    assert state.incidents[closed].history[-1][1] == IncidentStatus.TRIAGED
    state.apply(commands.dispatch_unit(state, closed, "G02", 60, actor))  # sent again
    for case, reason, code in ((closed, "x", "not_reopenable"), (referred, "  ",
                                                                  "reopen_needs_reason")):
        if code == "reopen_needs_reason":
            state.apply(commands.refer(state, case, IncidentStatus.REFERRED_120, actor))
        with pytest.raises(Refusal) as refused:
            commands.reopen(state, case, reason, actor)
        assert refused.value.code == code
