"""The hub client's listener as Qt signals: the one door from the I/O thread into the UI thread.

These signals are emitted on the client's thread; because this object lives on the UI thread,
Qt delivers them queued and in the order they were emitted, so receivers run on the UI thread,
may touch widgets, and see the snapshot before the events that follow it.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from dispatch.events import Event
from dispatch.state import CenterState
from hub.radio_log import RadioLogEntry


class HubSignals(QObject):
    session_opened = Signal(str, str, list)  # user, role, verbs; emitted off the UI thread
    snapshot_received = Signal(object)  # CenterState; emitted off the UI thread
    events_appended = Signal(list)  # list[Event]; emitted off the UI thread
    radio_logged = Signal(object)  # RadioLogEntry; emitted off the UI thread
    link_changed = Signal(str, str, str)  # link, status, detail; emitted off the UI thread
    command_failed = Signal(str)  # a dispatcher command the core refused; off the UI thread


class SignalListener:
    """Adapts the HubListener protocol to HubSignals (signal names cannot double as method
    names on a QObject)."""

    def __init__(self, signals: HubSignals) -> None:
        self.signals = signals

    def session_opened(self, user: str, role: str, verbs: list[str]) -> None:
        self.signals.session_opened.emit(user, role, verbs)

    def snapshot_received(self, state: CenterState) -> None:
        self.signals.snapshot_received.emit(state)

    def events_appended(self, events: list[Event]) -> None:
        self.signals.events_appended.emit(events)

    def radio_logged(self, entry: RadioLogEntry) -> None:
        self.signals.radio_logged.emit(entry)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self.signals.link_changed.emit(link, status, detail)
