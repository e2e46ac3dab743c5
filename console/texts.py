"""Strings that are chosen at run time (statuses, column headers), declared for lupdate.

Qt's lupdate only sees literal strings; listing these here lets the .ts file carry them, and
`status_text` / `header_text` look them up through the installed translator.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QTranslator

I18N = Path(__file__).resolve().parents[1] / "resources" / "i18n"
STATUS_LABELS = {
    "received": QT_TRANSLATE_NOOP("Status", "New alert"),
    "triaged": QT_TRANSLATE_NOOP("Status", "Triaged"),
    "dispatched": QT_TRANSLATE_NOOP("Status", "Dispatched"),
    "acknowledged": QT_TRANSLATE_NOOP("Status", "Acknowledged"),
    "en_route": QT_TRANSLATE_NOOP("Status", "En route"),
    "on_scene": QT_TRANSLATE_NOOP("Status", "On scene"),
    "evidence_collected": QT_TRANSLATE_NOOP("Status", "Evidence collected"),
    "claim_filed": QT_TRANSLATE_NOOP("Status", "Claim filed"),
    "closed": QT_TRANSLATE_NOOP("Status", "Closed"),
    "referred_police": QT_TRANSLATE_NOOP("Status", "Referred to police"),
    "referred_120": QT_TRANSLATE_NOOP("Status", "Referred to 120"),
    "duplicate": QT_TRANSLATE_NOOP("Status", "Duplicate"),
    "escalated": QT_TRANSLATE_NOOP("Status", "Escalated"),
    "cancelled": QT_TRANSLATE_NOOP("Status", "Cancelled"),
    "available": QT_TRANSLATE_NOOP("Status", "Available"),
    "busy": QT_TRANSLATE_NOOP("Status", "Busy"),
    "off_duty": QT_TRANSLATE_NOOP("Status", "Off duty"),
    "on_break": QT_TRANSLATE_NOOP("Status", "On break"),
    "returning": QT_TRANSLATE_NOOP("Status", "Returning to post"),
    "emergency": QT_TRANSLATE_NOOP("Status", "EMERGENCY"),
    "gps_stuck": QT_TRANSLATE_NOOP("Status", "GPS stuck"),
}

DISPOSITION_LABELS = {  # dispatch/dispositions.py
    "settled": QT_TRANSLATE_NOOP("Disposition", "Settled on the spot"),
    "claim": QT_TRANSLATE_NOOP("Disposition", "Insurance claim filed"),
    "police": QT_TRANSLATE_NOOP("Disposition", "Taken over by traffic police"),
    "left": QT_TRANSLATE_NOOP("Disposition", "Parties had left"),
    "no_accident": QT_TRANSLATE_NOOP("Disposition", "No accident (false call)"),
}

OTHER_TEXTS = (
    QT_TRANSLATE_NOOP("Header", "Case"),
    QT_TRANSLATE_NOOP("Header", "Age"),
    QT_TRANSLATE_NOOP("Header", "Status"),
    QT_TRANSLATE_NOOP("Header", "Place"),
    QT_TRANSLATE_NOOP("Header", "Slip"),
    QT_TRANSLATE_NOOP("Header", "Unit"),
    QT_TRANSLATE_NOOP("Header", "Name"),
    QT_TRANSLATE_NOOP("Header", "Insurer"),
    QT_TRANSLATE_NOOP("Header", "Fix age"),
    QT_TRANSLATE_NOOP("Header", "Job"),
    QT_TRANSLATE_NOOP("Field", "injuries"),
    QT_TRANSLATE_NOOP("Field", "vehicles_movable"),
    QT_TRANSLATE_NOOP("Field", "estimated_loss_cny"),
    QT_TRANSLATE_NOOP("Field", "vehicles"),
    QT_TRANSLATE_NOOP("Field", "plates"),
    QT_TRANSLATE_NOOP("Field", "yes"),
    QT_TRANSLATE_NOOP("Field", "no"),
)


def status_text(status: str) -> str:
    return QCoreApplication.translate("Status", STATUS_LABELS.get(status, status))


def header_text(header: str) -> str:
    return QCoreApplication.translate("Header", header)


def field_text(name: str, value: object) -> tuple[str, str]:
    """A structured slip field and its value as the dispatcher reads them."""
    if isinstance(value, bool):
        shown = QCoreApplication.translate("Field", "yes" if value else "no")
    elif isinstance(value, list):
        shown = ", ".join(map(str, value))
    else:
        shown = str(value)
    return QCoreApplication.translate("Field", name), shown


# The core's refusals (dispatch/refusals.py) in the console's words: %1… are the values in
# the order given; statuses are translated too.
REFUSAL_TEXTS = {
    "illegal_transition": (QT_TRANSLATE_NOOP("Refusal", "Case %1 cannot go from %2 to %3"),
                           ("case", "current", "target")),
    "conflict": (QT_TRANSLATE_NOOP("Refusal", "Case %1 changed meanwhile (now %2): look "
                                              "again before acting"), ("case", "status")),
    "unknown_unit": (QT_TRANSLATE_NOOP("Refusal", "No unit %1"), ("unit",)),
    "unknown_incident": (QT_TRANSLATE_NOOP("Refusal", "No case %1"), ("case",)),
    "override_needs_reason": (QT_TRANSLATE_NOOP("Refusal", "An override needs a reason"), ()),
    "answer_not_yes_no": (QT_TRANSLATE_NOOP("Refusal", "Answer %1 is neither yes nor no"),
                          ("answer",)),
    "no_open_question": (QT_TRANSLATE_NOOP("Refusal", "Case %1 has no open question; triage "
                                                      "it first"), ("case",)),
    "merge_into_itself": (QT_TRANSLATE_NOOP("Refusal", "A case cannot be merged into itself"),
                          ()),
    "incident_not_open": (QT_TRANSLATE_NOOP("Refusal", "Case %1 is %2, not open"),
                          ("case", "status")),
    "unit_not_available": (QT_TRANSLATE_NOOP("Refusal", "%1 is %2, not available"),
                           ("unit", "status")),
    "status_set_by_job": (QT_TRANSLATE_NOOP("Refusal", "Status %1 is set by the job, not by "
                                                       "hand"), ("status",)),
    "unit_on_incident": (QT_TRANSLATE_NOOP("Refusal", "%1 is on case %2: close or refer it "
                                                      "first"), ("unit", "case")),
    "no_emergency": (QT_TRANSLATE_NOOP("Refusal", "%1 has no emergency to acknowledge"),
                     ("unit",)),
    "radio_taken": (QT_TRANSLATE_NOOP("Refusal", "Radio %1 already belongs to %2"),
                    ("radio", "unit")),
    "nothing_to_recall": (QT_TRANSLATE_NOOP("Refusal", "Case %1 is %2: no guide on the way to "
                                                       "recall"), ("case", "status")),
    "recall_needs_reason": (QT_TRANSLATE_NOOP("Refusal", "A recall needs a reason (the guide "
                                                         "is told it)"), ()),
    "text_too_long": (QT_TRANSLATE_NOOP("Refusal", "The text is %1 characters; a radio page "
                                                   "takes at most %2"), ("length", "limit")),
    "unknown_disposition": (QT_TRANSLATE_NOOP("Refusal", "“%1” is not how a case ends; one of: "
                                                         "%2"), ("disposition", "known")),
    "not_reopenable": (QT_TRANSLATE_NOOP("Refusal", "Case %1 is %2: only a closed, referred or "
                                                    "cancelled case can be reopened"),
                       ("case", "status")),
    "reopen_needs_reason": (QT_TRANSLATE_NOOP("Refusal", "Reopening needs a reason (it stays in "
                                                         "the case's timeline)"), ()),
}
_STATUS_VALUES = {"current", "target", "status"}


def refusal_text(refusal: str | None, values: dict[str, str], fallback: str) -> str:
    """The hub's refusal in this console's language; its English sentence if the code is
    one this console does not know (a newer hub)."""
    if refusal not in REFUSAL_TEXTS:
        return fallback
    template, keys = REFUSAL_TEXTS[refusal]
    text = QCoreApplication.translate("Refusal", template)
    for n, key in enumerate(keys, 1):
        value = values.get(key, "")
        text = text.replace(f"%{n}", status_text(value) if key in _STATUS_VALUES else value)
    return text


def disposition_text(code: str | None) -> str:
    """How a case ended, in this console's language (the code itself if unknown)."""
    if code not in DISPOSITION_LABELS:
        return code or ""
    return QCoreApplication.translate("Disposition", DISPOSITION_LABELS[code])


VERB_HELP = {  # the command line's verbs (dispatch/command_bar.py), one help line each
    "d": QT_TRANSLATE_NOOP("CommandBar", "/d CASE UNIT — dispatch and page"),
    "t": QT_TRANSLATE_NOOP("CommandBar", "/t CASE — triage"),
    "a": QT_TRANSLATE_NOOP("CommandBar", "/a CASE y|n — the caller's answer to the question"),
    "r": QT_TRANSLATE_NOOP("CommandBar", "/r CASE police|120 — refer"),
    "m": QT_TRANSLATE_NOOP("CommandBar", "/m CASE INTO — merge a duplicate alert"),
    "k": QT_TRANSLATE_NOOP("CommandBar", "/k CASE CASE — not a duplicate"),
    "c": QT_TRANSLATE_NOOP("CommandBar", "/c CASE HOW — close (settled, claim, police, left, "
                                         "no_accident)"),
    "o": QT_TRANSLATE_NOOP("CommandBar", "/o CASE REASON — reopen a closed, referred or "
                                         "cancelled case"),
    "u": QT_TRANSLATE_NOOP("CommandBar", "/u CASE REASON — recall the guide (told by radio); "
                                         "send another"),
    "s": QT_TRANSLATE_NOOP("CommandBar", "/s UNIT av|bz|br|off — set a unit's status "
                                         "(available, busy, on break, off duty)"),
    "p": QT_TRANSLATE_NOOP("CommandBar", "/p UNIT TEXT|#N — page a unit (#1… canned)"),
    "g": QT_TRANSLATE_NOOP("CommandBar", "/g ZONE|all TEXT|#N — page a group"),
    "map": QT_TRANSLATE_NOOP("CommandBar", "/map FLEET/ID UNIT — register a radio id"),
    "f": QT_TRANSLATE_NOOP("CommandBar", "/f UNIT — follow a unit on the map"),
    "z": QT_TRANSLATE_NOOP("CommandBar", "/z — the map shows every open incident (stops "
                                         "following)"),
    "poll": QT_TRANSLATE_NOOP("CommandBar", "/poll UNIT — ask a unit's radio for its position"),
    "find": QT_TRANSLATE_NOOP("CommandBar", "/find CASE|PLATE|UNIT|ADDRESS — find and show"),
}
COMMAND_ERRORS = {  # dispatch/command_bar.CommandError codes → text, with its values' keys
    "not_a_command": (QT_TRANSLATE_NOOP("CommandBar", "A command starts with /, e.g. "
                                                      "/d 1023 G07"), ()),
    "unknown_verb": (QT_TRANSLATE_NOOP("CommandBar", "Unknown command %1; known: %2"),
                     ("word", "known")),
    "unknown_word": (QT_TRANSLATE_NOOP("CommandBar", "Unknown %1: %2"), ("kind", "word")),
    "no_canned": (QT_TRANSLATE_NOOP("CommandBar", "No canned message %1; known: %2"),
                  ("word", "known")),
}
KIND_LABELS = {  # what a command's argument is, for "unknown …"
    "case": QT_TRANSLATE_NOOP("CommandBar", "case"),
    "unit": QT_TRANSLATE_NOOP("CommandBar", "unit"),
    "status": QT_TRANSLATE_NOOP("CommandBar", "status"),
    "target": QT_TRANSLATE_NOOP("CommandBar", "referral target"),
    "group": QT_TRANSLATE_NOOP("CommandBar", "group"),
    "radio": QT_TRANSLATE_NOOP("CommandBar", "radio id"),
    "answer": QT_TRANSLATE_NOOP("CommandBar", "answer (y or n)"),
    "disposition": QT_TRANSLATE_NOOP("CommandBar", "way a case ends"),
}


def verb_help(letter: str) -> str:
    return QCoreApplication.translate("CommandBar", VERB_HELP[letter])


def command_error_text(code: str, values: dict[str, str]) -> str:
    """A command line the bar cannot read, said in this console's language."""
    if code == "usage":
        return QCoreApplication.translate("CommandBar", "Usage: %1").replace(
            "%1", verb_help(values["verb"]))
    template, keys = COMMAND_ERRORS[code]
    text = QCoreApplication.translate("CommandBar", template)
    for n, key in enumerate(keys, 1):
        value = values.get(key, "")
        if key == "kind":
            value = QCoreApplication.translate("CommandBar", KIND_LABELS.get(value, value))
        text = text.replace(f"%{n}", value)
    return text


def status_words(language: str) -> Callable[[str], str]:
    """Status names for pages written outside any window (the day map): read straight from
    the catalogue, since a command without a QApplication has no installed translator."""
    translator = QTranslator()
    if language == "en" or not translator.load(str(I18N / f"jingbao_{language}.qm")):
        return lambda status: STATUS_LABELS.get(status, status)

    def said(status: str) -> str:
        source = STATUS_LABELS.get(status, status)
        return translator.translate("Status", source) or source

    return said
