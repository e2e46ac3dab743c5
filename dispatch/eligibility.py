"""Does an alert qualify for the joint program? Three outcomes, each with its reasons.

- eligible: needs positive evidence that nobody is hurt and the cars can move — the slip's
  structured fields, the text ("人没事,车能开") or the caller's answer. Silence is not evidence.
- referred: to 120 when someone is hurt, to the police for the other risks (fire, fuel, dangerous
  goods, overturned, drink, fleeing, violence, not movable) and for area, hours and loss.
- verify: injury, movability or the other party's presence is unknown, hedged or only implied;
  the dispatcher asks the caller the question given, and the answer (an event) re-runs triage.
Structured fields and the free text are both read; where they disagree the safer reading wins
(a slip whose text says someone is bleeding is referred even if its injury box says no). The
dispatcher sees every reason and may override; the override is logged with its own reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dispatch.config import ProgramRules
from dispatch.service_hours import in_service
from dispatch.slip_text import REFER_120, REFER_POLICE, TextSignal, read_signals
from dispatch.state import Incident
from dispatch.working_calendar import CalendarUnknown

ZoneLookup = Callable[[float, float], Iterable[tuple[str, str]]]  # → (zone name, zone kind)
ELIGIBLE, VERIFY = "eligible", "verify"

EXCLUSIONS = {  # structured flags that take an accident out of the program
    "drink_driving": "疑似酒驾", "hit_and_run": "肇事逃逸", "hazardous_goods": "危化品车辆",
    "fire": "车辆起火",
}


@dataclass(frozen=True)
class Question:
    """What the dispatcher asks the caller; `safe_answer` is the answer ("no", False, to "has
    anyone been hurt?") that clears the concern, the other one refers."""

    topic: str
    text: str
    safe_answer: bool


# One question per topic; a hedged signal asks the question of its topic.
QUESTIONS: dict[str, Question] = {q.topic: q for q in (
    Question("injury", "现场有没有人受伤?有没有人头晕、哪里疼、流血或身体不舒服?", False),
    Question("person_down", "被撞倒或摔倒的人现在能自己站起来吗?有没有哪里疼、流血?", False),
    Question("vulnerable", "车上的孕妇、老人或小孩有没有哪里不舒服?", False),
    Question("movable", "事故车辆还能开动、挪到路边吗?", True),
    Question("party", "对方车辆和驾驶人还在现场吗?", True),
    Question("fire", "车辆有没有冒烟、起火或烧焦味?", False),
    Question("fuel_leak", "车辆有没有漏油、汽油味?", False),
    Question("hazardous_goods", "车上装的是不是危化品、液化气等危险物品?", False),
    Question("overturned", "有没有车辆翻倒?", False),
    Question("violence", "双方有没有动手或拿东西打砸?", False),
)}
# the topic a hedged signal asks about; its refer target when the answer is not the safe one
TOPIC_OF = {"injury": "injury", "person_down": "person_down", "vulnerable": "vulnerable",
            "not_movable": "movable", "hit_and_run": "party", "party_absent": "party",
            "fire": "fire", "fuel_leak": "fuel_leak", "hazardous_goods": "hazardous_goods",
            "overturned": "overturned", "violence": "violence"}
INJURY_TOPICS = frozenset({"injury", "person_down", "vulnerable"})


@dataclass(frozen=True)
class Reason:
    code: str
    text: str
    blocking: bool
    refer_to: str | None = None


@dataclass(frozen=True)
class Eligibility:
    """The verdict: reasons (blocking ones refer), the signals read, and the questions to ask."""

    reasons: tuple[Reason, ...]
    signals: tuple[TextSignal, ...] = ()
    questions: tuple[Question, ...] = ()

    @property
    def referral(self) -> str | None:
        """Where an ineligible alert goes: 120 outranks police when someone is hurt."""
        targets = {r.refer_to for r in self.reasons if r.blocking}
        if REFER_120 in targets:
            return REFER_120
        return REFER_POLICE if targets else None

    @property
    def outcome(self) -> str:
        """eligible, verify, referred_120 or referred_police."""
        return self.referral or (VERIFY if self.questions else ELIGIBLE)

    @property
    def eligible(self) -> bool:
        return self.outcome == ELIGIBLE

    @property
    def question(self) -> Question | None:
        """The first question to ask; answering it re-runs triage, which asks the next."""
        return self.questions[0] if self.questions and self.referral is None else None


@dataclass(frozen=True)
class Slip:
    """What eligibility reads of an incident; `answers` maps a question's topic to whether the
    caller's answer cleared it."""

    structured: dict[str, Any]
    description: str
    lon: float
    lat: float
    received_at: datetime
    answers: Mapping[str, bool] = field(default_factory=dict)


def _refer(code: str, text: str, to: str) -> Reason:
    target = "120" if to == REFER_120 else "交警"
    return Reason(code, f"{text}:移交{target}", True, to)


def _answered(answers: Mapping[str, bool]) -> list[Reason]:
    reasons = []
    for topic, cleared in answers.items():
        asked = QUESTIONS[topic].text
        if cleared:
            reasons.append(Reason(f"answered_{topic}", f"报警人答复「{asked}」:已排除", False))
        else:
            to = REFER_120 if topic in INJURY_TOPICS else REFER_POLICE
            reasons.append(_refer(f"answered_{topic}", f"报警人答复「{asked}」:属实", to))
    return reasons


def _text_reasons(signals: Iterable[TextSignal]) -> list[Reason]:
    reasons = []
    for signal in signals:
        quoted = f"警单文字「{signal.phrase}」"
        if signal.negated:
            reasons.append(Reason(f"text_no_{signal.code}", f"{quoted}:否定{signal.label}", False))
        elif signal.hedged:
            reasons.append(Reason(f"text_hedged_{signal.code}",
                                  f"{quoted}:可能{signal.label},需核实", False))
        elif signal.refer_to is None:
            reasons.append(Reason(f"text_{signal.code}", f"{quoted}:{signal.label},请留意",
                                  False))
        else:
            reasons.append(_refer(f"text_{signal.code}", f"{quoted}:{signal.label}",
                                  signal.refer_to))
    return reasons


def _structured_reasons(s: Mapping[str, Any]) -> list[Reason]:
    """The slip's boxes; an empty box says nothing (None is not False)."""
    reasons = [_refer(code, label, REFER_POLICE) for code, label in EXCLUSIONS.items()
               if s.get(code)]
    injuries, movable = s.get("injuries"), s.get("vehicles_movable")
    if injuries:
        reasons.append(_refer("injuries", "有人受伤", REFER_120))
    elif injuries is False:
        reasons.append(Reason("no_injuries", "无人受伤", False))
    if movable is False:
        reasons.append(_refer("not_movable", "车辆不能移动", REFER_POLICE))
    elif movable:
        reasons.append(Reason("movable", "车辆可以移动", False))
    return reasons


def _open_topics(signals: list[TextSignal], s: Mapping[str, Any],
                 answers: Mapping[str, bool]) -> list[str]:
    """The topics still to ask about, in the order a dispatcher asks them."""
    def said(code: str, how: str) -> bool:
        return any(x.code == code and x.modality == how for x in signals)

    no_injury = said("injury", "negated") or s.get("injuries") is False
    party_here = said("hit_and_run", "negated")  # "对方在现场" outweighs "好像要走"
    wanted = [x.code for x in signals if x.hedged and not (x.code == "hit_and_run" and party_here)]
    wanted += [x.code for x in signals if x.code in ("person_down", "party_absent")
               and x.modality == "asserted"]
    if said("vulnerable", "asserted") and not no_injury:
        wanted.append("vulnerable")
    if not no_injury:
        wanted.append("injury")
    if not (said("not_movable", "negated") or s.get("vehicles_movable") is True):
        wanted.append("not_movable")
    topics = dict.fromkeys(TOPIC_OF[code] for code in wanted if code in TOPIC_OF)
    settled = set(answers) | (INJURY_TOPICS if INJURY_TOPICS & set(answers) else set())
    return [t for t in topics if t not in settled]


def judge(structured: Mapping[str, Any], description: str,
          answers: Mapping[str, bool] | None = None) -> Eligibility:
    """The verdict on what the slip says and the caller answered, before area, hours and loss
    (the evaluation corpus is scored on this)."""
    answers = answers or {}
    signals = read_signals(description)
    reasons = [*_structured_reasons(structured), *_text_reasons(signals), *_answered(answers)]
    questions = tuple(QUESTIONS[t] for t in _open_topics(signals, structured, answers))
    for q in questions:
        reasons.append(Reason(f"ask_{q.topic}", f"请与报警人核实:{q.text}", False))
    return Eligibility(tuple(reasons), tuple(signals), questions)


def _loss(s: Mapping[str, Any], rules: ProgramRules) -> Reason:
    value = s.get("estimated_loss_cny")
    limit = rules.max_estimated_loss_cny
    if value is None:
        return Reason("loss_unknown", "估损金额未知", False)
    if value > limit:
        return _refer("loss_over_limit", f"估损¥{value:,.0f}超过上限¥{limit:,.0f}", REFER_POLICE)
    return Reason("loss_within_limit", f"估损¥{value:,.0f}在上限¥{limit:,.0f}以内", False)


def _zone(slip: Slip, rules: ProgramRules, zones_at: ZoneLookup) -> Reason:
    zones = list(zones_at(slip.lon, slip.lat))
    if not zones:
        return _refer("outside_zone", "不在警保联动服务区内", REFER_POLICE)
    unknown: CalendarUnknown | None = None
    for name, kind in zones:
        try:
            if in_service(kind, slip.received_at, rules.schedules, rules.calendar):
                return Reason("inside_zone", f"位于服务区「{name}」,在服务时段内", False)
        except CalendarUnknown as exc:  # refuse to guess; another zone may still decide
            unknown = exc
    if unknown is not None:
        return _refer("calendar_unknown", f"无法判断服务时段:{unknown}", REFER_POLICE)
    names = "、".join(name for name, _ in zones)
    return _refer("outside_hours", f"服务区「{names}」此时不在服务时段", REFER_POLICE)


def assess(slip: Slip, rules: ProgramRules, zones_at: ZoneLookup) -> Eligibility:
    core = judge(slip.structured, slip.description, slip.answers)
    reasons = (*core.reasons, _loss(slip.structured, rules), _zone(slip, rules, zones_at))
    return Eligibility(reasons, core.signals, core.questions)


def assess_incident(incident: Incident, rules: ProgramRules, zones_at: ZoneLookup) -> Eligibility:
    return assess(Slip(incident.structured, incident.description, incident.lon, incident.lat,
                       incident.received_at, incident.answers), rules, zones_at)
