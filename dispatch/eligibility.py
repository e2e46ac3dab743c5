"""Does an alert qualify for the joint program? Rules on the slip, each with a reason.

Structured fields and the free text are both read; where they disagree the safer reading wins
(a slip whose text says someone is bleeding is referred even if its injury box says no). An
unknown field is a caution to check with the caller, not a silent pass. The dispatcher sees
every reason and may override; the override is logged with its own reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dispatch.config import ProgramRules
from dispatch.service_hours import in_service
from dispatch.slip_text import REFER_120, REFER_POLICE, TextSignal, read_signals
from dispatch.state import Incident

ZoneLookup = Callable[[float, float], Iterable[tuple[str, str]]]  # → (zone name, zone kind)

EXCLUSIONS = {  # structured flags that take an accident out of the program
    "drink_driving": "疑似酒驾", "hit_and_run": "肇事逃逸", "hazardous_goods": "危化品车辆",
    "fire": "车辆起火",
}


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    blocking: bool
    refer_to: str | None = None


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...]
    signals: tuple[TextSignal, ...] = ()

    @property
    def referral(self) -> str | None:
        """Where an ineligible alert goes: 120 outranks police when someone is hurt."""
        targets = {r.refer_to for r in self.reasons if r.blocking}
        if REFER_120 in targets:
            return REFER_120
        return REFER_POLICE if targets else None


@dataclass(frozen=True)
class Slip:
    """What eligibility reads of an incident."""

    structured: dict[str, Any]
    description: str
    lon: float
    lat: float
    received_at: datetime


def _injuries(s: dict[str, Any], _rules: ProgramRules) -> Reason:
    value = s.get("injuries")
    if value is None:
        return Reason("injuries_unknown", "是否有人受伤未知,请与报警人核实", False)
    if value:
        return Reason("injuries", "有人受伤:移交120与交警", True, REFER_120)
    return Reason("no_injuries", "无人受伤", False)


def _movable(s: dict[str, Any], _rules: ProgramRules) -> Reason:
    value = s.get("vehicles_movable")
    if value is None:
        return Reason("movable_unknown", "车辆能否移动未知,请核实", False)
    if not value:
        return Reason("not_movable", "车辆不能移动:移交交警", True, REFER_POLICE)
    return Reason("movable", "车辆可以移动", False)


def _loss(s: dict[str, Any], rules: ProgramRules) -> Reason:
    value = s.get("estimated_loss_cny")
    limit = rules.max_estimated_loss_cny
    if value is None:
        return Reason("loss_unknown", "估损金额未知", False)
    if value > limit:
        return Reason("loss_over_limit", f"估损¥{value:,.0f}超过上限¥{limit:,.0f}:移交交警",
                      True, REFER_POLICE)
    return Reason("loss_within_limit", f"估损¥{value:,.0f}在上限¥{limit:,.0f}以内", False)


def _exclusions(s: dict[str, Any], _rules: ProgramRules) -> list[Reason]:
    return [Reason(code, f"{label}:移交交警", True, REFER_POLICE)
            for code, label in EXCLUSIONS.items() if s.get(code)]


def _text(signals: list[TextSignal]) -> list[Reason]:
    reasons = []
    for signal in signals:
        if signal.negated:
            reasons.append(Reason(f"text_no_{signal.code}", f"警单文字「{signal.phrase}」:否定",
                                  False))
        elif signal.refer_to is None:
            reasons.append(Reason(f"text_{signal.code}",
                                  f"警单文字「{signal.phrase}」:{signal.label},请留意", False))
        else:
            target = "120" if signal.refer_to == REFER_120 else "交警"
            reasons.append(Reason(f"text_{signal.code}", f"警单文字「{signal.phrase}」:"
                                  f"{signal.label},移交{target}", True, signal.refer_to))
    return reasons


def _zone(slip: Slip, rules: ProgramRules, zones_at: ZoneLookup) -> Reason:
    zones = list(zones_at(slip.lon, slip.lat))
    if not zones:
        return Reason("outside_zone", "不在警保联动服务区内:移交交警", True, REFER_POLICE)
    for name, kind in zones:
        if in_service(kind, slip.received_at, rules.schedules, rules.holidays):
            return Reason("inside_zone", f"位于服务区「{name}」,在服务时段内", False)
    names = "、".join(name for name, _ in zones)
    return Reason("outside_hours", f"服务区「{names}」此时不在服务时段:移交交警", True,
                  REFER_POLICE)


def assess(slip: Slip, rules: ProgramRules, zones_at: ZoneLookup) -> Eligibility:
    s = slip.structured
    signals = read_signals(slip.description)
    reasons = [_injuries(s, rules), _movable(s, rules), _loss(s, rules), *_exclusions(s, rules),
               *_text(signals), _zone(slip, rules, zones_at)]
    return Eligibility(not any(r.blocking for r in reasons), tuple(reasons), tuple(signals))


def assess_incident(incident: Incident, rules: ProgramRules, zones_at: ZoneLookup) -> Eligibility:
    return assess(Slip(incident.structured, incident.description, incident.lon, incident.lat,
                       incident.received_at), rules, zones_at)
