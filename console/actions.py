"""Every action of the dispatcher's window in one table: its key, its menu, its help line and
the hub verb that decides who may use it.

The window builds its keys, its menu bar and the F1 help from this table, and enables an
action only when the session's role may send its verb (the hub refuses it anyway: roles are
enforced there). Adding an action is a row here and a method on the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from dispatch.lifecycle import IncidentStatus


@dataclass(frozen=True)
class ActionSpec:
    handler: str  # the window's method that runs it
    text: str  # source text, translated in the "Actions" context
    keys: tuple[str, ...]
    menu: str  # a key of MENUS
    verb: str | None = None  # the hub verb it sends: a role without it cannot use it
    args: tuple[Any, ...] = ()  # the handler's arguments
    work_key: bool = True  # acts only where the dispatcher works (queue, map, panels), so
    # typing in the command line is never taken for it; False: anywhere in the window


ACTIONS: tuple[ActionSpec, ...] = (  # handler, text, keys, menu, verb, ...
    ActionSpec("triage_selected", QT_TRANSLATE_NOOP("Actions", "Triage"),
               ("T",), "case", "triage"),
    ActionSpec("override_selected", QT_TRANSLATE_NOOP("Actions", "Override triage"),
               ("O",), "case", "override_triage"),
    ActionSpec("dispatch_choice", QT_TRANSLATE_NOOP("Actions", "Dispatch recommended guide"),
               ("Return", "Enter", "D"), "case", "dispatch", args=(0,)),
    ActionSpec("dispatch_choice", QT_TRANSLATE_NOOP("Actions", "Dispatch choice 1"),
               ("1",), "case", "dispatch", args=(0,)),
    ActionSpec("dispatch_choice", QT_TRANSLATE_NOOP("Actions", "Dispatch choice 2"),
               ("2",), "case", "dispatch", args=(1,)),
    ActionSpec("dispatch_choice", QT_TRANSLATE_NOOP("Actions", "Dispatch choice 3"),
               ("3",), "case", "dispatch", args=(2,)),
    ActionSpec("propose_joint",
               QT_TRANSLATE_NOOP("Actions", "Joint assignment of pending incidents"),
               ("J",), "case", "dispatch"),
    ActionSpec("refer_selected", QT_TRANSLATE_NOOP("Actions", "Refer to police"),
               ("P",), "case", "refer", args=(IncidentStatus.REFERRED_POLICE,)),
    ActionSpec("refer_selected", QT_TRANSLATE_NOOP("Actions", "Refer to 120"),
               ("A",), "case", "refer", args=(IncidentStatus.REFERRED_120,)),
    ActionSpec("merge_selected", QT_TRANSLATE_NOOP("Actions", "Merge into the likely duplicate"),
               ("M",), "case", "merge"),
    ActionSpec("keep_apart_selected", QT_TRANSLATE_NOOP("Actions", "Not a duplicate"),
               ("K",), "case", "keep_apart"),
    ActionSpec("close_selected", QT_TRANSLATE_NOOP("Actions", "Close incident…"),
               ("C",), "case", "close"),
    ActionSpec("reopen_selected", QT_TRANSLATE_NOOP("Actions", "Reopen incident…"),
               ("R",), "case", "reopen"),
    ActionSpec("acknowledge_breaches", QT_TRANSLATE_NOOP("Actions", "Acknowledge breaches"),
               ("Ctrl+B",), "case", None, work_key=False),
    ActionSpec("acknowledge_emergency", QT_TRANSLATE_NOOP("Actions", "Acknowledge emergency"),
               ("Ctrl+E",), "radio", "acknowledge_emergency", work_key=False),
    ActionSpec("zoom_to_open", QT_TRANSLATE_NOOP("Actions", "Map: all open incidents"),
               ("Z",), "map", None),
    ActionSpec("save_map_png", QT_TRANSLATE_NOOP("Actions", "Save the map as PNG"),
               ("Ctrl+S",), "map", None),
    ActionSpec("toggle_new_alerts",
               QT_TRANSLATE_NOOP("Actions", "Select each new alert as it comes"),
               ("Ctrl+G",), "view", None, work_key=False),
    ActionSpec("toggle_ended", QT_TRANSLATE_NOOP("Actions", "Show or hide ended cases"),
               ("Ctrl+H",), "view", None, work_key=False),
    ActionSpec("focus_command", QT_TRANSLATE_NOOP("Actions", "Command line"),
               ("/", "Ctrl+L"), "view", None, work_key=False),
    ActionSpec("focus_queue", QT_TRANSLATE_NOOP("Actions", "Focus queue"),
               ("Ctrl+1",), "view", None, work_key=False),
    ActionSpec("toggle_mute", QT_TRANSLATE_NOOP("Actions", "Mute sounds"),
               ("Ctrl+M",), "view", None),
    ActionSpec("scale_text", QT_TRANSLATE_NOOP("Actions", "Larger text"),
               ("Ctrl+=", "Ctrl++"), "view", None, args=(+1,), work_key=False),
    ActionSpec("scale_text", QT_TRANSLATE_NOOP("Actions", "Smaller text"),
               ("Ctrl+-",), "view", None, args=(-1,), work_key=False),
    ActionSpec("toggle_map_window", QT_TRANSLATE_NOOP("Actions", "Map in its own window"),
               ("Ctrl+Shift+M",), "view", None, work_key=False),
    ActionSpec("toggle_night", QT_TRANSLATE_NOOP("Actions", "Night colours"),
               ("Ctrl+Shift+N",), "view", None, work_key=False),
    ActionSpec("open_review", QT_TRANSLATE_NOOP("Actions", "Replay today…"),
               ("Ctrl+Shift+R",), "review", None, args=("replay",), work_key=False),
    ActionSpec("open_review", QT_TRANSLATE_NOOP("Actions", "KPI dashboard…"),
               ("Ctrl+Shift+K",), "review", None, args=("kpi",), work_key=False),
    ActionSpec("manage_users", QT_TRANSLATE_NOOP("Actions", "Users…"),
               ("Ctrl+Shift+U",), "file", "users", work_key=False),
    ActionSpec("quit_asking", QT_TRANSLATE_NOOP("Actions", "Quit"),
               ("Ctrl+Q",), "file", None, work_key=False),
    ActionSpec("show_help", QT_TRANSLATE_NOOP("Actions", "Keyboard help"),
               ("F1",), "help", None, work_key=False),
)

MENUS = {  # the menu bar, left to right
    "file": QT_TRANSLATE_NOOP("Actions", "&Console"),
    "case": QT_TRANSLATE_NOOP("Actions", "C&ase"),
    "radio": QT_TRANSLATE_NOOP("Actions", "&Radio"),
    "map": QT_TRANSLATE_NOOP("Actions", "&Map"),
    "view": QT_TRANSLATE_NOOP("Actions", "&View"),
    "review": QT_TRANSLATE_NOOP("Actions", "R&eview"),
    "help": QT_TRANSLATE_NOOP("Actions", "&Help"),
}
