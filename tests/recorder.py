"""A listener that records what the engine reports, for tests that run without Qt."""

from __future__ import annotations

import queue

from dispatch.events import Event
from hub.radio_log import RadioLogEntry


class Recorder:
    def __init__(self) -> None:
        self.events: queue.Queue[Event] = queue.Queue()
        self.radio: list[RadioLogEntry] = []
        self.links: list[tuple[str, str, str]] = []

    def events_appended(self, events: list[Event]) -> None:
        for event in events:
            self.events.put(event)

    def radio_logged(self, entry: RadioLogEntry) -> None:
        self.radio.append(entry)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self.links.append((link, status, detail))

    def wait_for(self, predicate, timeout: float = 10.0) -> Event:
        while True:
            event = self.events.get(timeout=timeout)
            if predicate(event):
                return event
