"""The command line at the top of the window: Tab completes from the grammar, ↑/↓ history.

Completion is done on Tab rather than in a popup: a popup takes the keyboard focus, and a
dispatcher's Enter must run the line, never land in a list.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QLineEdit, QWidget

from console.texts import command_error_text
from dispatch.command_bar import CommandError, Parsed, completions, parse

MAX_HISTORY = 200


class CommandBar(QLineEdit):
    """Emits `command(Parsed)` for a well-formed line, `rejected(str)` with the reason if not,
    `hint(str)` with the choices when Tab finds several."""

    command = Signal(object)
    rejected = Signal(str)
    hint = Signal(str)
    done = Signal()  # Escape: hand the keyboard back to the queue

    def __init__(self, names: Callable[[], tuple[list[str], list[str], list[str]]],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("commandBar")
        self.setPlaceholderText(self.tr("/d 1023 G07 dispatch · /s G07 av status · "
                                         "/r 1023 police refer · /m 1023 1019 merge · Tab"))
        self._names = names  # () → (case numbers, unit ids, group names), read when needed
        self.history: list[str] = []
        self._cursor = 0
        self.returnPressed.connect(self._run)

    def summon(self) -> None:
        """The dispatcher pressed / (or Ctrl+L): a fresh line starting with /, or a line left
        from a refused command selected whole, so what is typed next replaces it instead of
        running into it (and ← or End keep it for mending)."""
        self.setFocus()
        if self.text():
            self.selectAll()
        else:
            self.setText("/")

    def complete(self) -> None:
        cases, units, _groups = self._names()
        found = completions(self.text(), cases, units)
        if not found:
            return
        common = os.path.commonprefix(found)
        if len(common) > len(self.text()):
            self.setText(common)
        if len(found) > 1:
            self.hint.emit("  ".join(f.split(" ")[-1] or f for f in found[:20]))

    def _run(self) -> None:
        line = self.text().strip()
        if not line:
            return
        cases, units, groups = self._names()
        try:
            parsed: Parsed = parse(line, cases, units, groups)
        except CommandError as exc:
            self.rejected.emit(command_error_text(exc.code, exc.values))
            return
        self.history = [h for h in self.history if h != line][-MAX_HISTORY + 1:] + [line]
        self._cursor = len(self.history)
        self.clear()
        self.command.emit(parsed)

    def event(self, event) -> bool:  # Qt override: Tab completes instead of moving focus
        if event.type() == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Tab:
            self.complete()
            return True
        return super().event(event)

    def keyPressEvent(self, event) -> None:  # Qt override: history and Escape
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self.history:
            step = -1 if key == Qt.Key.Key_Up else 1
            self._cursor = max(0, min(len(self.history), self._cursor + step))
            self.setText(self.history[self._cursor] if self._cursor < len(self.history) else "")
            return
        if key == Qt.Key.Key_Escape:
            self.clear()
            self.done.emit()
            return
        super().keyPressEvent(event)
