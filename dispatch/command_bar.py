"""The dispatcher's command line: `/d 1023 G07`, `/s G07 av`, `/r 1023 police`, `/m 1023 1019`.

The grammar is a table (verb → action and argument kinds), so parsing, completion and the help
overlay all read the same source. Parsing only checks shape and names; the commands in
dispatch/commands.py check the state when the action runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

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
    "r": Verb("refer", ("case", "target"), "/r 案件号 police|120 — 移交"),
    "m": Verb("merge", ("case", "case"), "/m 案件号 并入案件号 — 合并重复警单"),
    "k": Verb("keep_apart", ("case", "case"), "/k 案件号 案件号 — 不是重复"),
    "c": Verb("close", ("case",), "/c 案件号 — 结案"),
    "s": Verb("status", ("unit", "status"), "/s 单位 av|bz|off — 设置单位状态"),
}
STATUS_WORDS = {"av": UnitStatus.AVAILABLE, "bz": UnitStatus.BUSY, "off": UnitStatus.OFF_DUTY}
TARGET_WORDS = {"police": "referred_police", "120": "referred_120"}
KIND_WORDS = {"case": "案件", "unit": "单位", "status": "状态", "target": "移交对象"}


@dataclass(frozen=True)
class Parsed:
    action: str
    args: tuple[str, ...]


def parse(line: str, cases: Iterable[str], units: Iterable[str]) -> Parsed:
    words = line.strip().split()
    if not words or not words[0].startswith("/"):
        raise CommandError("命令以 / 开头,例如 /d 1023 G07")
    verb = VERBS.get(words[0][1:].lower())
    if verb is None:
        raise CommandError(f"未知命令 {words[0]};可用:" + " ".join(f"/{v}" for v in VERBS))
    if len(words) - 1 != len(verb.args):
        raise CommandError(f"用法:{verb.help}")
    known = {"case": {c: c for c in cases}, "unit": {u.upper(): u for u in units},
             "status": {w: str(s) for w, s in STATUS_WORDS.items()}, "target": TARGET_WORDS}
    args = []
    for kind, word in zip(verb.args, words[1:], strict=True):
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
            "target": list(TARGET_WORDS)}[verb.args[position]]
    prefix = " ".join(words[:-1])
    return [f"{prefix} {p}" for p in pool if p.lower().startswith(words[-1].lower())]
