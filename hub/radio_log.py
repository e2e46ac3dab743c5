"""One line of the radio operator's log, as the engine reports it and the console shows it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dispatch import events as ev
from dispatch.events import Event

RADIO_EVENTS = (ev.PAGE_SENT, ev.PAGE_ACKED, ev.PAGE_FAILED, ev.RADIO_EMERGENCY,
                ev.EMERGENCY_ACKED, ev.POSITION_POLLED, ev.VOICE_PAGE)


@dataclass(frozen=True)
class RadioLogEntry:
    """One line of the radio operator's log: every frame in or out, and every rejection."""

    port: str
    direction: str  # "in", "out" or "rejected"
    unit: str
    text: str
    raw: bytes
    time: datetime = field(default_factory=lambda: datetime.now(UTC))


def _port_of(event: Event) -> str:
    if event.payload.get("port"):
        return event.payload["port"]
    return event.actor.removeprefix("radio:") if event.actor.startswith("radio:") else "-"


def lines_from_log(events: Iterable[Event]) -> list[RadioLogEntry]:
    """The radio log's lines as the log holds them, for an operator's log after a restart:
    what went on the air and what came back (the frames themselves are not kept, nor the
    rejections of garbage, which were never facts)."""
    lines = []
    for e in events:
        p, unit = e.payload, e.payload.get("unit", "")
        if e.type == ev.PAGE_SENT:
            again = f"(第{p['attempt']}次) " if p.get("attempt", 1) > 1 else ""
            line = (_port_of(e), "out", again + p["text"])
        elif e.type == ev.PAGE_ACKED:
            line = (_port_of(e), "in", f"确认 ack #{p['seq']}")
        elif e.type == ev.PAGE_FAILED:
            line = ("-", "rejected", f"未应答 no ack after {p['attempts']} attempts (#{p['seq']})")
        elif e.type == ev.RADIO_EMERGENCY:
            line = (_port_of(e), "in", "紧急报警 EMERGENCY")
        elif e.type == ev.EMERGENCY_ACKED:
            line = ("-", "out", f"紧急报警已确认 emergency acknowledged by {e.actor}")
        elif e.type == ev.POSITION_POLLED:
            line = (_port_of(e), "out", "位置查询 position poll")
        elif e.type == ev.VOICE_PAGE:
            line = ("voice", "out" if p.get("ok") else "rejected",
                    f"语音 voice: {p['text']}" if p.get("ok") else str(p.get("error")))
        else:
            continue
        lines.append(RadioLogEntry(line[0], line[1], unit, line[2], b"", e.time))
    return lines
