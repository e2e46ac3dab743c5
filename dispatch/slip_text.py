"""Signals read from the Chinese free text of a 110 slip, with negation.

The grammar is data: each signal lists the phrases that raise it. A phrase is negated when a
negation word (无, 没有, 未, 不 ...) stands just before it in the same clause, so "无人受伤" and
"双方没有受伤" clear the injury signal while "有人受伤流血" raises it. Every signal keeps the clause
that produced it, because the dispatcher must see why the console thinks so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

REFER_120 = "referred_120"
REFER_POLICE = "referred_police"


@dataclass(frozen=True)
class SignalRule:
    code: str
    label: str
    phrases: tuple[str, ...]
    refer_to: str | None  # None: a caution shown to the dispatcher, not a reason to refer


SIGNAL_RULES: tuple[SignalRule, ...] = (
    SignalRule("injury", "有人受伤",
               ("受伤", "流血", "昏迷", "人伤", "伤者", "伤员", "骨折", "救护车", "晕倒"),
               REFER_120),
    SignalRule("fire", "车辆起火", ("起火", "着火", "冒烟", "燃烧"), REFER_POLICE),
    SignalRule("drink_driving", "疑似酒驾", ("酒驾", "醉驾", "酒后驾驶", "喝了酒", "喝酒"),
               REFER_POLICE),
    SignalRule("hit_and_run", "肇事逃逸", ("逃逸", "逃跑", "跑了", "开走了"), REFER_POLICE),
    SignalRule("hazardous_goods", "危化品车辆", ("危化品", "危险品", "槽罐车", "油罐车"),
               REFER_POLICE),
    SignalRule("not_movable", "车辆不能移动",
               ("动不了", "不能动", "无法移动", "不能移动", "开不了"), REFER_POLICE),
    SignalRule("multi_vehicle", "多车事故", ("多车", "三车", "四车", "五车", "连环"), None),
)

NEGATIONS = ("没有", "无", "没", "未", "不", "否认")
NEGATION_WINDOW = 4  # characters looked back from a phrase, inside its clause
_CLAUSE = re.compile(r"[^,,。;;!!??、\s]+")


@dataclass(frozen=True)
class TextSignal:
    code: str
    label: str
    phrase: str  # the clause the phrase was found in, as written
    negated: bool
    refer_to: str | None


def _negated(clause: str, at: int, phrase: str) -> bool:
    before = clause[max(0, at - NEGATION_WINDOW):at]
    # a phrase that itself starts with a negation ("不能动") is not negated by it
    return any(n in before for n in NEGATIONS) and not phrase.startswith(NEGATIONS)


def read_signals(text: str) -> list[TextSignal]:
    """All signals in the text, one per (signal, clause); a positive mention in any clause wins
    over a negated one in another."""
    found: dict[tuple[str, str], TextSignal] = {}
    for clause in _CLAUSE.findall(text or ""):
        for rule in SIGNAL_RULES:
            for phrase in rule.phrases:
                at = clause.find(phrase)
                if at < 0:
                    continue
                signal = TextSignal(rule.code, rule.label, clause, _negated(clause, at, phrase),
                                    rule.refer_to)
                key = (rule.code, clause)
                if key not in found or (found[key].negated and not signal.negated):
                    found[key] = signal
    return list(found.values())
