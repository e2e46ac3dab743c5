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
    """A command line that cannot be understood: a code and its values, which the console
    says in the dispatcher's language (console/texts.py); the English message is for logs."""

    MESSAGES = {
        "not_a_command": "a command starts with /, e.g. /d 1023 G07",
        "unknown_verb": "unknown command {word}; known: {known}",
        "usage": "usage of /{verb}",
        "unknown_word": "unknown {kind}: {word}",
        "no_canned": "no canned message {word}; known: {known}",
    }

    def __init__(self, code: str, **values: str) -> None:
        self.code, self.values = code, values
        super().__init__(self.MESSAGES[code].format(**values))


@dataclass(frozen=True)
class Verb:
    action: str
    args: tuple[str, ...]  # argument kinds: case, unit, status, target, ...


VERBS: dict[str, Verb] = {  # the letter typed → the action and its arguments' kinds
    "d": Verb("dispatch", ("case", "unit")),
    "t": Verb("triage", ("case",)),
    "a": Verb("answer_question", ("case", "answer")),
    "r": Verb("refer", ("case", "target")),
    "m": Verb("merge", ("case", "case")),
    "k": Verb("keep_apart", ("case", "case")),
    "c": Verb("close", ("case", "disposition")),
    "o": Verb("reopen", ("case", "text")),
    "u": Verb("recall", ("case", "text")),
    "s": Verb("status", ("unit", "status")),
    "p": Verb("page", ("unit", "text")),
    "g": Verb("group_page", ("group", "text")),
    "map": Verb("map_radio", ("radio", "unit")),
    "f": Verb("follow", ("unit",)),
    "z": Verb("zoom_fit", ()),
    "poll": Verb("poll", ("unit",)),
    "find": Verb("find", ("text",)),
}
STATUS_WORDS = {"av": UnitStatus.AVAILABLE, "bz": UnitStatus.BUSY, "br": UnitStatus.ON_BREAK,
                "off": UnitStatus.OFF_DUTY}
TARGET_WORDS = {"police": "referred_police", "120": "referred_120"}
# the caller's answer to the question exactly as asked ("有没有人受伤?" — n: nobody is hurt)
ANSWER_WORDS = {"y": "yes", "yes": "yes", "是": "yes", "有": "yes", "n": "no", "no": "no",
                "否": "no", "没有": "no"}
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
            raise CommandError("no_canned", word=word, known=" ".join(f"#{k}" for k in canned))
        return canned[word[1:]]
    return word


def parse(line: str, cases: Iterable[str], units: Iterable[str], groups: Iterable[str] = (),
          canned: dict[str, str] = CANNED) -> Parsed:
    words = line.strip().split()
    if not words or not words[0].startswith("/"):
        raise CommandError("not_a_command")
    letter = words[0][1:].lower()
    verb = VERBS.get(letter)
    if verb is None:
        raise CommandError("unknown_verb", word=words[0], known=" ".join(f"/{v}" for v in VERBS))
    free_text = bool(verb.args) and verb.args[-1] == "text"
    if len(words) - 1 < len(verb.args) or (not free_text and len(words) - 1 > len(verb.args)):
        raise CommandError("usage", verb=letter)
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
            raise CommandError("unknown_word", kind=kind, word=word)
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
