"""Reading signals from the slip's Chinese free text, negations included."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.slip_text import read_signals


def positives(text: str) -> set[str]:
    return {s.code for s in read_signals(text) if not s.negated}


def negatives(text: str) -> set[str]:
    return {s.code for s in read_signals(text) if s.negated}


@pytest.mark.parametrize(("text", "raised", "cleared"), [
    ("两车追尾,无人受伤,车辆能动", set(), {"injury"}),
    ("电动车与小车剐蹭,双方没有受伤", set(), {"injury"}),
    ("路口两车碰撞,报警人说无人伤", set(), {"injury"}),
    ("车辆相撞,有人受伤流血,需要救护车", {"injury"}, set()),
    ("一人昏迷", {"injury"}, set()),
    ("三车连环追尾,车动不了", {"multi_vehicle", "not_movable"}, set()),
    ("小车起火冒烟", {"fire"}, set()),
    ("对方疑似酒驾", {"drink_driving"}, set()),
    ("撞了就跑了,肇事车逃逸", {"hit_and_run"}, set()),
    ("一辆危化品槽罐车剐蹭", {"hazardous_goods"}, set()),
    ("没有起火,没有人受伤", set(), {"fire", "injury"}),
    ("车辆能动,未见危险品", set(), {"hazardous_goods"}),
])
def test_signals_and_negations(text, raised, cleared) -> None:
    assert positives(text) == raised
    assert negatives(text) == cleared


def test_each_signal_keeps_the_clause_that_produced_it() -> None:
    [signal] = read_signals("两车追尾,有人受伤流血")
    assert signal.phrase == "有人受伤流血" and signal.label == "有人受伤"


@given(st.text(max_size=200))
def test_any_text_is_read_without_error(text) -> None:
    for signal in read_signals(text):
        assert signal.phrase and signal.phrase in text
