"""Reading signals from the slip's Chinese free text: negation and hedging in their clause."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.slip_text import normalise, read_signals


def keys(text: str) -> set[str]:
    """The corpus names: `injury` said, `injury?` hedged, `no_injury` negated."""
    return {s.key for s in read_signals(text) if s.key}


@pytest.mark.parametrize(("text", "expected"), [
    ("两车追尾,无人受伤,车辆能动", {"no_injury", "movable"}),
    ("电动车与小车剐蹭,双方没有受伤", {"no_injury"}),
    ("路口两车碰撞,报警人说无人伤", {"no_injury"}),
    ("车辆相撞,有人受伤流血,需要救护车", {"injury"}),
    ("一人昏迷", {"injury"}),
    ("三车连环追尾,车动不了", {"multi_vehicle", "not_movable"}),
    ("小车起火冒烟", {"fire"}),
    ("对方疑似酒驾", {"drink_driving"}),
    ("对方好像喝了酒", {"drink_driving"}),  # a suspicion is enough for the police
    ("撞了就跑了,肇事车逃逸", {"hit_and_run"}),
    ("快递员跑了一天,两车碰擦", set()),
    ("一辆危化品槽罐车剐蹭", {"hazardous_goods"}),
    ("没有起火,没有人受伤", {"no_injury"}),
    ("不知道有没有人受伤", {"injury?"}),
    ("人应该没事", {"injury?"}),
    ("没有人受伤,但是对方说腰疼", {"no_injury", "injury"}),
    ("人没事就是手擦破了点皮", {"no_injury", "injury"}),
    ("车被划伤了一道", set()),
    ("伤到了车灯", set()),
    ("撞倒了路边的护栏", set()),
    ("行人被撞倒", {"person_down"}),
    ("见势不妙开车溜了", {"hit_and_run"}),
    ("人没事车能开", {"no_injury", "movable"}),
    ("车不能开了", {"not_movable"}),
    ("车能不能开不知道", {"not_movable?"}),
    ("一人受商", {"injury"}),
    ("对方洒驾", {"drink_driving"}),
])
def test_signals_with_negation_and_hedges(text, expected) -> None:
    assert keys(text) == expected


def test_each_signal_keeps_the_clause_that_produced_it() -> None:
    [signal] = read_signals("两车追尾,有人受伤流血")
    assert signal.phrase == "有人受伤流血" and signal.label == "有人受伤"
    [_, pain] = read_signals("没有人受伤,但是对方说腰疼")
    assert pain.phrase == "但是对方说腰疼" and not pain.negated


def test_a_typo_is_read_but_the_clause_is_shown_as_written() -> None:
    [signal] = read_signals("伤者骨拆")
    assert signal.code == "injury" and signal.phrase == "伤者骨拆"


@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text) -> None:
    for signal in read_signals(text):
        assert signal.phrase and signal.phrase in text


@given(st.text(max_size=200))
def test_corrections_keep_every_offset(text) -> None:
    assert len(normalise(text)) == len(text)


@given(st.text(max_size=60), st.text(max_size=60))
def test_no_signal_reaches_across_a_full_stop(first, second) -> None:
    """Scope is the clause: what one sentence says never negates or hedges the next."""
    assert read_signals(f"{first}。{second}") == read_signals(first) + read_signals(second)


NEGATED_INJURY = ["无人受伤", "双方没有受伤", "人员均未受伤", "人没事", "没伤着"]
HEDGES = ["不知道", "好像", "可能", "说不清", "不确定"]


@given(st.sampled_from(HEDGES), st.sampled_from(NEGATED_INJURY))
def test_a_hedge_outranks_a_negation_in_its_clause(hedge, clause) -> None:
    assert keys(hedge + clause) == {"injury?"}
