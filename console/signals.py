"""The engine's listener as Qt signals: the one door from the I/O thread into the UI thread.

These signals are emitted on the engine's thread; because this object lives on the UI thread,
Qt delivers them queued, so receivers run on the UI thread and may touch widgets.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dispatch.events import Event
from hub.radio_log import RadioLogEntry


class EngineSignals(QObject):
    events_appended = Signal(list)  # list[Event]; emitted off the UI thread
    radio_logged = Signal(object)  # RadioLogEntry; emitted off the UI thread
    link_changed = Signal(str, str, str)  # link, status, detail; emitted off the UI thread
    command_failed = Signal(str)  # a dispatcher command the core refused; off the UI thread


class SignalListener:
    """Adapts the EngineListener protocol to EngineSignals (signal names cannot double as
    method names on a QObject)."""

    def __init__(self, signals: EngineSignals) -> None:
        self.signals = signals

    def events_appended(self, events: list[Event]) -> None:
        self.signals.events_appended.emit(events)

    def radio_logged(self, entry: RadioLogEntry) -> None:
        self.signals.radio_logged.emit(entry)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self.signals.link_changed.emit(link, status, detail)
