"""One line of the radio operator's log, as the engine reports it and the console shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime


@dataclass(frozen=True)
class RadioLogEntry:
    """One line of the radio operator's log: every frame in or out, and every rejection."""

    port: str
    direction: str  # "in", "out" or "rejected"
    unit: str
    text: str
    raw: bytes
    time: datetime = field(default_factory=lambda: datetime.now(UTC))
