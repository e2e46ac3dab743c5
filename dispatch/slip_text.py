"""Signals read from the Chinese free text of a 110 slip, with negation and hedging in scope.

A guide sent alone to an injured person is the one error the joint program cannot afford, so
the reader errs towards "ask the caller": every mention is read as asserted, negated or hedged.
- The grammar is data (`SIGNAL_RULES`): each rule lists the patterns that raise it, the patterns
  that say the opposite ("人没事" is a negated injury), and the patterns that only imply it
  ("对方好像要走", "能不能开") and so always count as hedged.
- Scope is the clause: text is cut at punctuation and before contrast words (但是, 就是 ...), so
  "没有人受伤,但是对方说腰疼" reads as one negated and one asserted injury.
- A hedge anywhere in the clause (好像, 可能, 不知道有没有, 说不清 ...) outranks a negation in
  it: "不知道有没有人受伤" is a question, never "no injury".
- Injury words about a thing ("车被划伤了一道", "伤到了车灯") are not about a person.
Every signal keeps the clause, as written, that raised it: the console highlights it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

REFER_120 = "referred_120"
REFER_POLICE = "referred_police"


class Modality(StrEnum):
    ASSERTED = "asserted"
    NEGATED = "negated"
    HEDGED = "hedged"


@dataclass(frozen=True)
class SignalRule:
    code: str
    label: str
    patterns: tuple[str, ...]  # regexes that raise the signal
    refer_to: str | None  # None: a caution that at most asks the caller, never refers
    negative: tuple[str, ...] = ()  # regexes that say the opposite ("人没事")
    implied: tuple[str, ...] = ()  # regexes that only imply it: always hedged
    suspicion_refers: bool = False  # a hedged mention counts as said ("好像喝了酒")
    severe: tuple[str, ...] = ()  # regexes said even when hedged: "腿好像断了" is for 120
    negated_key: str | None = None  # evaluation name of a negated mention ("no_injury")
    about_people: bool = False  # drop a match whose words are about a thing, not a person
    not_after: str = ""  # drop a match right after these words ("电瓶车侧翻" is a rider down)


PEOPLE = ("人|者|员|司机|乘客|骑|手|脚|腿|头|脸|腰|背|胸|脖|孩|老|伙|女|男|士|客|爷|奶|妈|他|她|我|"
          "对方|三轮|电动车|电瓶车|自行车|单车|摩托")  # a rider's vehicle stands for the rider
THINGS = ("车|保险杠|后视镜|玻璃|漆|轮胎|油箱|水箱|护栏|栏杆|垃圾桶|电线杆|树|石墩|隔离|牌|路灯|柱|"
          "墙|桩")
_PEOPLE, _THINGS = re.compile(PEOPLE), re.compile(THINGS)
THING_AFTER = 6  # characters after a match searched for the thing it is about

_PERSON_SUBJECT = "人|孩子|小孩|老人|乘客|司机|驾驶员|大家|双方|我|对方|伤者"
_FINE = ("没事|没啥事|没什么事|冇事|无事|无碍|无大碍|没大碍|无恙|平安|安全|好好的|都好|勿要紧|"
         "不要紧|没问题")
TWO_WHEELERS = "电瓶车|电动车|自行车|单车|摩托车?|三轮车?"
_VULNERABLE_ROAD_USER = ("行人|路人|骑车|骑手|电动车|电瓶车|自行车|单车|三轮|摩托|外卖|快递|乘客|"
                         "小孩|孩子|老人|老太|大爷|学生|人(?!员)")

SIGNAL_RULES: tuple[SignalRule, ...] = (
    SignalRule("injury", "有人受伤", (
        r"受了?[点些]?[轻重]?伤", r"伤[者员势亡得]", r"人伤", r"[轻重]伤", r"伤[了到着]",
        r"[擦撞划割砸扭挫碰摔压烫烧打咬]伤", r"流血|出血|是血|有血|见血|血流|血迹|带血|见红",
        r"头?破了|撞破|擦破|磕破|开了个?口子", r"(?<!心)[疼痛](?!快)",
        r"晕|头昏|昏[迷倒过]|不省人事|叫不醒|意识不清|失去意识|没有?意识|没反应|抽搐",
        r"胸闷|胸口闷|喘不[上过]气|呼吸困难|恶心|想吐|呕吐|吐了|不舒服|难受",
        r"骨折|(腿|手|胳膊|骨头|肋骨).{0,3}断", r"(脖子|腿|手|腰|脚|胳膊).{0,3}[僵麻肿]",
        r"起不来|站不起来|爬不起来|起勿来|走不了路|走勿动|下不了车|躺在|躺着|倒地不起",
        r"(人|司机|驾驶员|乘客).{0,4}(卡在|压在)|被困|困在|压在车下|出不来",
        r"救护车|[打叫]了?120|送医|送[到去]?医院|前往医院|就医",
        r"撞飞|[甩飞摔]出去?", r"磕到|撞到头|撞了个?包|起了?个?包|扭到|扭了|崴了|夹了|夹伤",
        r"心慌|心悸|发黑|神志|意识模糊|口吐白沫|抽筋|脸色(发白|苍白)|不适|外伤|砸到|砸中",
        r"口子|肿|憋得慌|憋气|起不了|(脖子|腿|手|腰|脚|胳膊|身子?).{0,3}动不了",
    ), REFER_120, severe=(
        r"骨折|断了|昏迷|不省人事|叫不醒|失去意识|死亡|身亡|死了|没气了|没有呼吸|大出血",
    ), negative=(
        rf"({_PERSON_SUBJECT}).{{0,5}}?({_FINE})", r"(?<!车)(?<!车子)(没事|没啥事|没什么事|冇事)",
        r"人好的|人都好|[无没未]伤", r"还好|还行",
    ), implied=(r"人.{0,4}怎么样", r"有没有事|有事没事",  # a body part named: ask how it is
                r"头部|脑袋|眼睛|鼻子|脖子|颈椎|颈部|肩膀|胳膊|手腕|手指|手臂|胸口|后背|腰部|肚子|腹部",
                r"膝盖|脚踝|(?<!跑)腿"), negated_key="no_injury",
        about_people=True),
    SignalRule("person_down", "有人被撞倒或摔倒", (
        r"撞[倒翻飞]|[刮带蹭碰]倒|摔倒|摔了|摔下|跌倒|跌了|倒地|倒在|侧倒|[甩飞摔]出去?",
        r"撞[了到]?(行人|路人|人(?!家))",
        rf"({_VULNERABLE_ROAD_USER}).{{0,5}}被.{{0,5}}[撞刮剐碰蹭擦]",
        rf"({TWO_WHEELERS}).{{0,2}}(侧翻|翻了|翻倒)",
    ), None, about_people=True),
    SignalRule("vulnerable", "孕妇、老人或儿童在场", (
        r"孕妇|怀孕|见红|小孩|孩子|儿童|婴儿|宝宝|小朋友|老人|老太|大爷|大妈|老奶奶|老爷爷|老年人",
    ), None),
    SignalRule("fire", "车辆起火冒烟", (
        r"起火|着火|着了火|火苗|火光|冒火|冒烟|冒[黑白青]烟|有烟|浓烟|烧起来|烧着|自燃|燃烧|焦味|烧焦",
        r"冒出.{0,2}[烟火]|火星|火花",
    ), REFER_POLICE, implied=(r"冒热气|冒气|冒白气",)),
    SignalRule("fuel_leak", "燃油泄漏", (r"漏油|滴油|油箱.{0,3}[漏破]|汽油|柴油|燃油",),
               REFER_POLICE),
    SignalRule("hazardous_goods", "危化品车辆", (
        r"危化品|危险品|化学品|危险化学|油罐|槽罐|液化气|煤气罐|煤气瓶|氧气瓶|易燃|易爆",
        r"氢气|气瓶|危险货物|腐蚀性",
    ), REFER_POLICE),
    SignalRule("overturned", "车辆侧翻", (r"侧翻|翻车|翻了|翻到|翻进|翻倒|四轮朝天|底朝天",),
               REFER_POLICE, not_after=TWO_WHEELERS),
    SignalRule("drink_driving", "疑似酒驾毒驾", (
        r"酒驾|醉驾|酒后|酒气|酒味|喝了?酒|喝过酒|喝多|醉醺醺|醉酒|喝醉|吃了?老酒|饮酒|喝得|喝了不少",
        r"毒驾|吸毒|嗑药",
    ), REFER_POLICE, suspicion_refers=True),
    SignalRule("hit_and_run", "肇事逃逸", (
        r"逃逸|逃跑|逃掉|逃走|逃离|弃车|溜了|溜走|溜掉|开溜|跑掉|开跑|就跑",
        r"跑了(?![一两几半好]?[天趟次回遍家个])", r"开走了(?!的)|走掉了",
        r"(?<![可能以行])驶离现场|离开了?现场|[驾开]车离开|扬长而去|跑路|就走了|开着?车走了?",
    ), REFER_POLICE, negative=(
        r"(对方|双方|车主|司机).{0,4}(在现场|都在|在等|没走|没跑)|拦下|拦住",
    ), implied=(r"要跑|想跑|要走|想走|不见了|找不到人",)),
    SignalRule("party_absent", "对方不在现场", (
        r"车主不在|对方不在|不在现场|找不到车主|找不到对方|联系不上|留了电话|在外地",
    ), None),
    SignalRule("violence", "双方动手", (
        r"打起来|打架|动手|打人|斗殴|持刀|拿刀|拿着?(刀|棍|扳手|铁棍)|砸.{0,3}(车|玻璃)|扭打|厮打",
        r"肢体冲突|打伤|推搡|踹|踢了|打了我|砸人|要砸|拿砖|推了我|掐|扇了|耳光|拳",
    ), REFER_POLICE),
    SignalRule("not_movable", "车辆不能移动", (
        r"开不了|开不走|开不动|开勿动|无法行驶|不能行驶|无法移动|不能移动|挪不动|拖车",
        r"车.{0,6}(动不了|不能动)|无法启动|启动不了|打不着火",
    ), REFER_POLICE, negative=(
        r"能开|可以开|可开|能动|可动|可以动|能移动|可以移动|可移动|能挪|可以挪|挪开|挪到|挪至|移到",
        r"移至|靠边|开得动|开得了|能行驶|可以行驶|可行驶|正常行驶|正常开|挪车|推走|能走",
        r"(自行|可以|可|能)驶离|(能|可以|可|自己|得)开走|开得走|移车",
    ), implied=(r"能不能[开动走挪]|能否[开动行移]",), negated_key="movable"),
    SignalRule("multi_vehicle", "多车事故", (r"多车|[三四五六]车|[三四五六]辆|连环",), None),
)

# A negation scopes over a match when only filler stands between them: "无人受伤",
# "没有任何人员受伤", "均未见危险品" — but not "见势不妙开车溜了" or "人没事车能开".
NEGATION = re.compile(r"(没有|没|无|未|不|否认|冇|勿|非)[有人员均都也还再曾被过见发现任何一个]*$")
HEDGES = re.compile(r"好像|可能|估计|应该|似乎|大概|也许|不知|不清楚|不确定|说不清|说不好|"
                    r"有没有|能不能|是不是|还好|还行|不一定|吧|看不出")
# same-length corrections of common typos, so offsets in the text stay the writer's own
TYPOS = {"受商": "受伤", "骨拆": "骨折", "昏谜": "昏迷", "洒驾": "酒驾", "流学": "流血"}
_CLAUSES = re.compile(r"[^,,。;;!!??、\s]+")
_CONTRAST = re.compile(r"但是|但(?!是)|可是|不过|只是|就是|然而")


@dataclass(frozen=True)
class TextSignal:
    code: str
    label: str
    phrase: str  # the clause the signal was read in, as written
    modality: Modality
    refer_to: str | None

    @property
    def negated(self) -> bool:
        return self.modality == Modality.NEGATED

    @property
    def hedged(self) -> bool:
        return self.modality == Modality.HEDGED

    @property
    def key(self) -> str | None:
        """The name the evaluation corpus labels it with: `injury`, `injury?` (hedged),
        `no_injury` (negated); a negated signal with no name of its own says nothing."""
        if self.hedged:
            return f"{self.code}?"
        if self.negated:
            return _NEGATED_KEYS.get(self.code)
        return self.code


_NEGATED_KEYS = {r.code: r.negated_key for r in SIGNAL_RULES if r.negated_key}
_STRENGTH = {Modality.ASSERTED: 2, Modality.HEDGED: 1, Modality.NEGATED: 0}


def normalise(text: str) -> str:
    """Typos corrected in place; the length never changes, so clauses map back to the text."""
    for typo, right in TYPOS.items():
        text = text.replace(typo, right)
    return text


def clauses(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the clauses: punctuation ends one, a contrast word (但是 ...) starts one."""
    for part in _CLAUSES.finditer(text):
        cuts = [part.start(), *(m.start() + part.start() for m in _CONTRAST.finditer(part[0])
                                if m.start() > 0), part.end()]
        yield from ((a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a)


def _about_a_thing(clause: str, start: int, end: int) -> bool:
    """"伤到了车灯", "车身有擦伤": the words name a thing and no person is in sight."""
    if _PEOPLE.search(clause[start:end]):  # "有人被压在车下" names its person
        return False
    if _THINGS.match(clause[end:end + THING_AFTER].lstrip("了的路边上")):
        return True
    before = clause[:start]
    return bool(_THINGS.search(before)) and not _PEOPLE.search(clause)


def _negated(clause: str, start: int, matched: str) -> bool:
    if NEGATION.match(matched):  # "不舒服", "没反应" carry their own negation
        return False
    return bool(NEGATION.search(clause[:start]))


def _modality(rule: SignalRule, clause: str, match: re.Match, kind: str) -> Modality:
    if kind == "implied" or (kind != "severe" and HEDGES.search(clause)):
        return Modality.ASSERTED if rule.suspicion_refers else Modality.HEDGED
    negated = _negated(clause, match.start(), match[0])
    if kind == "negative":
        return Modality.ASSERTED if negated else Modality.NEGATED
    return Modality.NEGATED if negated else Modality.ASSERTED


def _read_clause(rule: SignalRule, clause: str) -> Modality | None:
    """The strongest reading of the rule in one clause: asserted over hedged over negated."""
    best: Modality | None = None
    for kind, patterns in (("positive", rule.patterns), ("severe", rule.severe),
                           ("negative", rule.negative), ("implied", rule.implied)):
        for pattern in patterns:
            for match in re.finditer(pattern, clause):
                if rule.about_people and _about_a_thing(clause, match.start(), match.end()):
                    continue
                if rule.not_after and re.search(f"(?:{rule.not_after})$", clause[:match.start()]):
                    continue
                modality = _modality(rule, clause, match, kind)
                if best is None or _STRENGTH[modality] > _STRENGTH[best]:
                    best = modality
    return best


def read_signals(text: str) -> list[TextSignal]:
    """All signals in the text, one per (signal, clause), in reading order."""
    text = text or ""
    normal = normalise(text)
    found = []
    for start, end in clauses(normal):
        for rule in SIGNAL_RULES:
            modality = _read_clause(rule, normal[start:end])
            if modality is not None:
                found.append(TextSignal(rule.code, rule.label, text[start:end], modality,
                                        rule.refer_to))
    return found
