"""Does an alert qualify for the joint program? Rules on structured fields, each with a reason.

The dispatcher sees every reason, so each rule says in words what it found, and an unknown field
is a caution to check with the caller rather than a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dispatch.config import ProgramRules

ZoneLookup = Callable[[float, float], str | None]

REFER_120 = "referred_120"
REFER_POLICE = "referred_police"


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

    @property
    def referral(self) -> str | None:
        """Where an ineligible alert goes: 120 outranks police when someone is hurt."""
        targets = {r.refer_to for r in self.reasons if r.blocking}
        if REFER_120 in targets:
            return REFER_120
        return REFER_POLICE if targets else None


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


RULES = (_injuries, _movable, _loss)


def assess(structured: dict[str, Any], lon: float, lat: float, rules: ProgramRules,
           zone_at: ZoneLookup) -> Eligibility:
    reasons = [rule(structured, rules) for rule in RULES]
    zone = zone_at(lon, lat)
    if zone is None:
        reasons.append(Reason("outside_zone", "不在警保联动服务区内:移交交警", True, REFER_POLICE))
    else:
        reasons.append(Reason("inside_zone", f"位于服务区「{zone}」", False))
    return Eligibility(not any(r.blocking for r in reasons), tuple(reasons))
