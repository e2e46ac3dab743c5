"""What the core refuses, as a code and its values, so each console says it in its language.

The hub, the protocol and the logs carry the English sentence (`str()` of the refusal); a
console carries the code and the values too and puts them into its own translated template
(console/texts.py), so a Chinese desk never reads "cannot go from received to dispatched".
"""

from __future__ import annotations

from typing import Any

TEMPLATES: dict[str, str] = {
    "illegal_transition": "incident {case}: cannot go from {current} to {target}; "
                          "allowed: {allowed}",
    "conflict": "incident {case} changed meanwhile (now {status}); look again before acting",
    "unknown_unit": "no unit {unit}",
    "unknown_incident": "no incident {case}",
    "override_needs_reason": "an override needs a reason",
    "answer_not_yes_no": "answer {answer} is neither yes nor no",
    "no_open_question": "incident {case} has no open question; triage it first",
    "merge_into_itself": "an incident cannot be merged into itself",
    "incident_not_open": "incident {case} is {status}, not open",
    "unit_not_available": "unit {unit} is {status}, not available",
    "status_set_by_job": "status {status} is set by the job, not by hand",
    "unit_on_incident": "unit {unit} is on incident {case}; close or refer it first",
    "no_emergency": "unit {unit} has no emergency to acknowledge",
    "radio_taken": "radio {radio} already belongs to {unit}",
    "nothing_to_recall": "incident {case} is {status}: no guide on the way to recall",
    "recall_needs_reason": "a recall needs a reason (the guide is told it)",
    "text_too_long": "{what} is {length} characters; a radio page takes at most {limit}",
    "unknown_disposition": "{disposition!r} is not how a case ends; one of: {known}",
    "not_reopenable": "incident {case} is {status}: only a closed, referred or cancelled case "
                      "can be reopened",
    "reopen_needs_reason": "reopening needs a reason (it stays in the case's timeline)",
}


class Refusal(ValueError):
    def __init__(self, code: str, **values: Any) -> None:
        self.code = code
        self.values = {key: str(value) for key, value in values.items()}
        super().__init__(TEMPLATES[code].format(**self.values))
