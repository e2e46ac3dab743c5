"""Three outcomes of triage: eligible on positive evidence only, referred with the reason, and
verify with the question to ask; the caller's answer is an event that re-runs triage."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN, ProgramRules
from dispatch.eligibility import Slip, assess, assess_incident, judge
from dispatch.lifecycle import IncidentStatus
from dispatch.service_hours import DEFAULT_SCHEDULES, ServiceWindow
from dispatch.state import CenterState, Unit

ALWAYS = ProgramRules(schedules={"always": (ServiceWindow(time(0), time.max),)})


def everywhere(lon: float, lat: float) -> list[tuple[str, str]]:
    return [("定海城区", "always")]


@pytest.mark.parametrize(("structured", "text", "outcome", "topic"), [
    ({"injuries": False, "vehicles_movable": True}, "两车刮擦", "eligible", None),
    ({}, "两车追尾,无人受伤,车辆能动", "eligible", None),
    ({}, "两车追尾", "verify", "injury"),  # silence is not evidence
    ({}, "两车追尾,无人受伤", "verify", "movable"),
    ({"vehicles_movable": True}, "好像有人受伤", "verify", "injury"),
    ({"injuries": False, "vehicles_movable": True}, "好像有人受伤", "verify", "injury"),
    ({"injuries": False, "vehicles_movable": True}, "外卖员被撞倒了", "verify", "person_down"),
    ({}, "车上有孕妇,车能开", "verify", "vulnerable"),
    ({"injuries": False, "vehicles_movable": True}, "对方好像要走", "verify", "party"),
    ({"injuries": False, "vehicles_movable": True}, "车好像在冒烟", "verify", "fire"),
    ({"injuries": False, "vehicles_movable": True}, "司机说头晕", "referred_120", None),
    ({"injuries": True}, "人没事,车能开", "referred_120", None),
    ({"injuries": False, "vehicles_movable": True}, "对方喝了酒", "referred_police", None),
    ({}, "车辆自燃,人没事", "referred_police", None),
    ({"vehicles_movable": False}, "人没事", "referred_police", None),
])
def test_three_outcomes(structured, text, outcome, topic) -> None:
    result = judge(structured, text)
    assert result.outcome == outcome
    assert (result.question.topic if result.question else None) == topic


def test_a_referral_outranks_a_question_and_120_outranks_police() -> None:
    result = judge({}, "好像有人受伤,车着火了,司机腿疼")
    assert result.outcome == "referred_120" and result.question is None


def test_an_answer_settles_its_topic() -> None:
    hedged = {"vehicles_movable": True}, "不知道有没有人受伤"
    assert judge(*hedged, answers={"injury": True}).outcome == "eligible"
    assert judge(*hedged, answers={"injury": False}).outcome == "referred_120"
    knocked = {"injuries": False, "vehicles_movable": True}, "行人被撞倒,说还好"
    assert judge(*knocked, answers={"person_down": True}).outcome == "eligible"
    fled = {"injuries": False, "vehicles_movable": True}, "对方好像要走"
    assert judge(*fled, answers={"party": False}).outcome == "referred_police"


def test_a_year_without_a_calendar_is_refused_with_the_reason() -> None:
    rules = ProgramRules(schedules=DEFAULT_SCHEDULES)
    slip = Slip({"injuries": False, "vehicles_movable": True}, "", 122.1, 30.0,
                datetime(2027, 3, 3, 2, 0, tzinfo=UTC))
    result = assess(slip, rules, lambda lon, lat: [("城区支路", "non_arterial")])
    [reason] = [r for r in result.reasons if r.code == "calendar_unknown"]
    assert reason.blocking and "2027年" in reason.text and "不作猜测" in reason.text


SAFE_CLAUSES = ["两车追尾", "车能开", "人没事", "车辆剐蹭", "对方在现场", "无人受伤", "车可以移动",
                "双方要求快处", "保险杠掉了", "好像", "车上有小孩"]


@given(st.lists(st.sampled_from(SAFE_CLAUSES), max_size=6),
       st.sampled_from(["司机说头晕", "腿疼站不起来", "伤者昏迷", "有人流血", "一人受伤"]),
       st.sampled_from([None, True, False]), st.sampled_from([None, True, False]))
def test_a_said_injury_always_goes_to_120(clauses, injury, injuries, movable) -> None:
    structured = {k: v for k, v in (("injuries", injuries), ("vehicles_movable", movable))
                  if v is not None}
    text = ",".join([*clauses, injury])
    assert judge(structured, text).outcome == "referred_120"


@given(st.text(max_size=80))
def test_eligible_only_on_positive_evidence(text) -> None:
    """Whatever the text, an eligible verdict without structured fields means the text itself
    said that nobody is hurt and the cars can move."""
    result = judge({}, text)
    if result.eligible:
        said = {(s.code, s.negated) for s in result.signals}
        assert ("injury", True) in said and ("not_movable", True) in said


@given(st.text(max_size=80), st.sampled_from(["不知道有没有人受伤", "好像有人受伤", "人应该没事"]))
def test_a_hedged_injury_is_never_eligible(text, hedge) -> None:
    structured = {"injuries": False, "vehicles_movable": True}
    assert not judge(structured, f"{text},{hedge}").eligible


def test_verify_waits_and_the_answer_re_runs_triage() -> None:
    state = CenterState([Unit("G01", "引导员1", "guide", 100, "1001")])
    actor = commands.Actor("dispatcher:test", "ws1")
    doc = {"alert_id": "Q-1", "received_at": "2026-11-25T08:00:00+08:00",
           "location": {"lon": 122.1035, "lat": 30.0165, "address": "定海 解放路"},
           "description": "行人被撞倒,不知道有没有受伤",
           "structured": {"vehicles_movable": True}}
    state.apply(commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor).with_id(1))
    case = state.by_alert["Q-1"]

    def rules(incident):
        return assess_incident(incident, ALWAYS, everywhere)

    asked = commands.triage(state, case, rules(state.incidents[case]), actor)
    assert asked.type == ev.QUESTION_ASKED and asked.payload["topic"] == "injury"
    state.apply(asked)
    incident = state.incidents[case]
    assert incident.status == IncidentStatus.RECEIVED  # neither referred nor passed
    assert incident.question.startswith("现场有没有人受伤")
    with pytest.raises(ValueError, match="neither yes nor no"):
        commands.parse_answer("maybe")
    answered, follow = commands.answer_question(state, case, commands.parse_answer("no"), rules,
                                                actor)
    assert answered.payload == {"case": case, "topic": "injury", "question": incident.question,
                                "answer": False, "cleared": True}
    for event in (answered, follow):
        state.apply(event)
    assert follow.type == ev.INCIDENT_TRIAGED
    assert state.incidents[case].status == IncidentStatus.TRIAGED
    assert state.incidents[case].answers == {"injury": True}
    assert state.incidents[case].question is None


def test_an_answer_that_confirms_the_risk_refers() -> None:
    state = CenterState([])
    actor = commands.Actor("dispatcher:test", "ws1")
    doc = {"alert_id": "Q-2", "received_at": "2026-11-25T08:00:00+08:00",
           "location": {"lon": 122.1035, "lat": 30.0165, "address": "定海"},
           "description": "两车追尾,人没事", "structured": {}}
    state.apply(commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor))
    case = state.by_alert["Q-2"]

    def rules(incident):
        return assess_incident(incident, ALWAYS, everywhere)

    state.apply(commands.triage(state, case, rules(state.incidents[case]), actor))
    assert state.incidents[case].question_topic == "movable"
    with pytest.raises(ValueError, match="no open question"):
        commands.answer_question(_untriaged(state, case), case, True, rules, actor)
    events = commands.answer_question(state, case, False, rules, actor)  # cannot move
    for event in events:
        state.apply(event)
    assert state.incidents[case].status == IncidentStatus.REFERRED_POLICE
    assert any("属实" in r for r in state.incidents[case].reasons)


def _untriaged(state: CenterState, case: str) -> CenterState:
    fork = state.fork([ev.Event(ev.QUESTION_ANSWERED, "x", "ws", {"case": case})])
    fork.incidents[case].question = fork.incidents[case].question_topic = None
    return fork
