"""The dispatcher's command line: `/d 1023 G07`, `/s G07 av`, `/r 1023 police`, `/m 1023 1019`.

The grammar is a table (verb → action and argument kinds), so parsing, completion and the help
overlay all read the same source. Parsing only checks shape and names; the commands in
dispatch/commands.py check the state when the action runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from dispatch.dispositions import DISPOSITIONS
from dispatch.state import UnitStatus


class CommandError(ValueError):
    """A command line that cannot be understood; the message tells the dispatcher why."""


@dataclass(frozen=True)
class Verb:
    action: str
    args: tuple[str, ...]  # argument kinds: case, unit, status, target
    help: str


VERBS: dict[str, Verb] = {
    "d": Verb("dispatch", ("case", "unit"), "/d 案件号 单位 — 派遣并呼叫"),
    "t": Verb("triage", ("case",), "/t 案件号 — 初分"),
    "a": Verb("answer_question", ("case", "answer"), "/a 案件号 y|n — 记录报警人对核实问题的回答"),
    "r": Verb("refer", ("case", "target"), "/r 案件号 police|120 — 移交"),
    "m": Verb("merge", ("case", "case"), "/m 案件号 并入案件号 — 合并重复警单"),
    "k": Verb("keep_apart", ("case", "case"), "/k 案件号 案件号 — 不是重复"),
    "c": Verb("close", ("case", "disposition"),
              "/c 案件号 处理结果 — 结案(settled 现场协商 claim 理赔 police 交警接手 "
              "left 当事人已离开 no_accident 无事故)"),
    "o": Verb("reopen", ("case", "text"), "/o 案件号 理由 — 重开已结、已移交或已取消的案件"),
    "u": Verb("recall", ("case", "text"), "/u 案件号 理由 — 撤回派遣(电台通知引导员),可改派"),
    "s": Verb("status", ("unit", "status"),
              "/s 单位 av|bz|br|off — 设置单位状态(空闲/忙/休息/下班)"),
    "p": Verb("page", ("unit", "text"), "/p 单位 文字|#编号 — 呼叫单位(#1…常用语)"),
    "g": Verb("group_page", ("group", "text"), "/g 服务区|all 文字|#编号 — 群呼"),
    "map": Verb("map_radio", ("radio", "unit"), "/map 队号/台号 单位 — 登记电台编号"),
    "f": Verb("follow", ("unit",), "/f 单位 — 地图跟随单位"),
    "z": Verb("zoom_fit", (), "/z — 地图显示全部未结案件(停止跟随)"),
    "poll": Verb("poll", ("unit",), "/poll 单位 — 查询单位当前位置"),
    "find": Verb("find", ("text",), "/find 案件号|车牌|单位|地址 — 查找并定位"),
}
STATUS_WORDS = {"av": UnitStatus.AVAILABLE, "bz": UnitStatus.BUSY, "br": UnitStatus.ON_BREAK,
                "off": UnitStatus.OFF_DUTY}
TARGET_WORDS = {"police": "referred_police", "120": "referred_120"}
# the caller's answer to the question exactly as asked ("有没有人受伤?" — n: nobody is hurt)
ANSWER_WORDS = {"y": "yes", "yes": "yes", "是": "yes", "有": "yes", "n": "no", "no": "no",
                "否": "no", "没有": "no"}
KIND_WORDS = {"case": "案件", "unit": "单位", "status": "状态", "target": "移交对象",
              "group": "群组", "radio": "电台编号", "answer": "回答(y 或 n)",
              "disposition": "处理结果"}
CANNED = {  # canned pages, `#1` in the command line
    "1": "请回电指挥中心", "2": "请报告当前位置", "3": "注意安全,减速慢行", "4": "请返回执勤点",
}
_RADIO = re.compile(r"^(\d{1,3})/([A-Za-z0-9-]{1,12})$")


@dataclass(frozen=True)
class Parsed:
    action: str
    args: tuple[str, ...]


def _text(word: str, canned: dict[str, str]) -> str:
    if word.startswith("#"):
        if word[1:] not in canned:
            raise CommandError(f"没有常用语 {word};可用:" + " ".join(f"#{k}" for k in canned))
        return canned[word[1:]]
    return word


def parse(line: str, cases: Iterable[str], units: Iterable[str], groups: Iterable[str] = (),
          canned: dict[str, str] = CANNED) -> Parsed:
    words = line.strip().split()
    if not words or not words[0].startswith("/"):
        raise CommandError("命令以 / 开头,例如 /d 1023 G07")
    verb = VERBS.get(words[0][1:].lower())
    if verb is None:
        raise CommandError(f"未知命令 {words[0]};可用:" + " ".join(f"/{v}" for v in VERBS))
    free_text = bool(verb.args) and verb.args[-1] == "text"
    if len(words) - 1 < len(verb.args) or (not free_text and len(words) - 1 > len(verb.args)):
        raise CommandError(f"用法:{verb.help}")
    if free_text:  # the text is the rest of the line, spaces and all
        words = [*words[:len(verb.args)], " ".join(words[len(verb.args):])]
    known = {"case": {c: c for c in cases}, "unit": {u.upper(): u for u in units},
             "status": {w: str(s) for w, s in STATUS_WORDS.items()}, "target": TARGET_WORDS,
             "group": {g.lower(): g for g in (*groups, "all")}, "answer": ANSWER_WORDS,
             "disposition": {d: d for d in DISPOSITIONS}}
    args = []
    for kind, word in zip(verb.args, words[1:], strict=True):
        if kind == "text":
            value = _text(word, canned)
        elif kind == "radio":
            value = word if _RADIO.match(word) else None
        else:
            value = known[kind].get(word.upper() if kind == "unit" else word.lower())
        if value is None:
            raise CommandError(f"未知{KIND_WORDS[kind]} {word}")
        args.append(value)
    return Parsed(verb.action, tuple(args))


def completions(line: str, cases: Iterable[str], units: Iterable[str]) -> list[str]:
    """Whole-line completions for what has been typed so far."""
    words = line.split(" ")
    if len(words) == 1:
        return [f"/{v} " for v in VERBS if f"/{v}".startswith(words[0].lower())]
    verb = VERBS.get(words[0][1:].lower())
    position = len(words) - 2
    if verb is None or position >= len(verb.args):
        return []
    pool = {"case": sorted(cases), "unit": sorted(units), "status": list(STATUS_WORDS),
            "target": list(TARGET_WORDS), "text": [f"#{k}" for k in CANNED], "group": ["all"],
            "radio": [], "answer": ["y", "n"], "disposition": list(DISPOSITIONS),
            }[verb.args[position]]
    prefix = " ".join(words[:-1])
    return [f"{prefix} {p}" for p in pool if p.lower().startswith(words[-1].lower())]
