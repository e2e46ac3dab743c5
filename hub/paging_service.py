"""Paging on the engine loop: encode for the port's protocol, send, resend, escalate, log.

The rules live in radio/pager.py; this adapter turns them into radio frames and events. Every
attempt is a page_sent event (with its attempt number), every ack a page_acked, and a page
that exhausted its attempts a page_failed, which escalates its incident to the dispatcher.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from dispatch import events as ev
from dispatch.commands import Actor
from dispatch.events import Event
from dispatch.state import CenterState
from radio.bridge import SerialBridge
from radio.pager import Page, Pager, PagerPolicy
from radio.protocols import kiss, paging

log = logging.getLogger(__name__)

CENTER_CALLSIGN = "CENTER"


def encode(protocol: str, page: Page, state: CenterState) -> bytes | None:
    """The page as this port's protocol carries it; None where it cannot page."""
    unit = state.units[page.unit_id]
    incident = state.incidents.get(page.case or "")
    if protocol == "gateway":
        lon, lat = (incident.lon, incident.lat) if incident else (0.0, 0.0)
        return paging.encode_page(paging.Page(page.seq, unit.fleet, unit.radio_id, lon, lat,
                                              page.text))
    if protocol == "kiss":
        msg_id = str(page.seq % 100000)  # APRS message ids are at most 5 characters
        return kiss.encode_message(CENTER_CALLSIGN, unit.radio_id, page.text, msg_id)
    return None


def encode_poll(protocol: str, unit_id: str, state: CenterState) -> bytes | None:
    """A position request in this port's protocol: the gateway's $PJBPL, or APRS ?APRSP."""
    unit = state.units[unit_id]
    if protocol == "gateway":
        return paging.encode_poll(unit.fleet, unit.radio_id)
    if protocol == "kiss":
        return kiss.encode_message(CENTER_CALLSIGN, unit.radio_id, "?APRSP", "0")
    return None


def pending_from_log(events: list[Event]) -> tuple[list[Page], int]:
    """Pages on air when the console stopped (sent, neither acked nor failed), and the last
    sequence number used, so a restart resumes them and never reuses a number."""
    on_air: dict[int, Page] = {}
    last = 0
    for e in events:
        seq = e.payload["seq"]
        if e.type == ev.PAGE_SENT:
            on_air[seq] = Page(seq, e.payload["unit"], e.payload["text"], e.payload.get("case"),
                               attempts=e.payload.get("attempt", 1))
            last = max(last, seq)
        else:
            on_air.pop(seq, None)
    return list(on_air.values()), last


class PagingService:
    """Owned by the engine; every method runs on the engine loop. What happened on the air is
    a fact handed to `record`, which writes it in order (and retries while the database is
    away), so paging never waits for the database."""

    def __init__(self, state: Callable[[], CenterState], bridges: dict[str, SerialBridge],
                 record: Callable[[list[Event]], None], radio_log: Callable,
                 log_events: list[Event], policy: PagerPolicy = PagerPolicy()) -> None:  # noqa: B008
        self._state, self._bridges, self._record, self._radio_log = (state, bridges, record,
                                                                      radio_log)
        self.pager = Pager(policy)
        self.heard_on: dict[str, str] = {}  # unit → the port it was last heard on
        pending, self._seq = pending_from_log(log_events)
        for page in pending:
            self.pager.restore(page, time.monotonic())

    def heard(self, unit_id: str, port: str) -> None:
        self.heard_on[unit_id] = port

    def _ports_for(self, unit_id: str) -> list[tuple[str, SerialBridge]]:
        """The port the unit was last heard on first (a radio on the second gateway is out of
        the first one's reach), then the others in order, for a unit not heard yet or a port
        that is down."""
        ports = list(self._bridges.items())
        heard = self.heard_on.get(unit_id)
        return sorted(ports, key=lambda item: item[0] != heard)

    def page(self, unit_id: str, text: str, case: str | None, actor: Actor) -> int:
        self._seq += 1
        on_air = self.pager.submit(Page(self._seq, unit_id, text, case), time.monotonic())
        if on_air is not None:
            self._transmit(on_air, actor)
        else:
            self._radio_log("-", "out", unit_id, f"排队 queued #{self._seq}: {text}", b"")
        return self._seq

    def _transmit(self, page: Page, actor: Actor) -> None:
        port, frame = self._send(page)
        self._record([actor.event(ev.PAGE_SENT, {
            "case": page.case, "unit": page.unit_id, "seq": page.seq, "text": page.text,
            "attempt": page.attempts, "port": port, "delivered": frame is not None})])
        note = f"(第{page.attempts}次) " if page.attempts > 1 else ""
        self._radio_log(port or "-", "out", page.unit_id, note + page.text, frame or b"")

    def _send(self, page: Page) -> tuple[str, bytes | None]:
        for name, bridge in self._ports_for(page.unit_id):
            frame = encode(bridge.config.protocol, page, self._state())
            if frame is not None and bridge.send(frame):
                return name, frame
        log.warning("page #%d to %s: no port could send it", page.seq, page.unit_id)
        return "", None

    def withdraw(self, unit_id: str, case: str, actor: Actor) -> None:
        """The unit was taken off the case: its pages for it are not resent (nor resumed
        after a restart), and what waited behind them goes on air."""
        dropped, following = self.pager.withdraw(unit_id, case, time.monotonic())
        if dropped:
            self._record([actor.event(ev.PAGE_WITHDRAWN, {"unit": unit_id, "seq": p.seq,
                                                          "case": case}) for p in dropped])
        if following is not None:
            self._transmit(following, actor)

    def poll(self, unit_id: str, actor: Actor) -> str:
        """Ask a unit's radio for its position now, where it was last heard if that port can."""
        for name, bridge in self._ports_for(unit_id):
            frame = encode_poll(bridge.config.protocol, unit_id, self._state())
            if frame is not None and bridge.send(frame):
                self._record([actor.event(ev.POSITION_POLLED, {"unit": unit_id, "port": name})])
                self._radio_log(name, "out", unit_id, "位置查询 position poll", frame)
                return name
        raise ValueError(f"no radio port can poll {unit_id}")

    def acknowledged(self, seq: int, unit_id: str, actor: Actor) -> bool:
        page, following = self.pager.acknowledged(seq, unit_id, time.monotonic())
        if page is None:
            return False
        self._record([actor.event(ev.PAGE_ACKED, {"unit": unit_id, "seq": seq,
                                                  "case": page.case})])
        if following is not None:
            self._transmit(following, actor)
        return True

    def tick(self, actor: Actor) -> None:
        """Resend what timed out, escalate what failed for good, send what that freed."""
        resend, failed, freed = self.pager.due(time.monotonic())
        for page in resend:
            self._transmit(page, actor)
        for page in failed:
            self._record([actor.event(ev.PAGE_FAILED, {
                "unit": page.unit_id, "seq": page.seq, "case": page.case,
                "attempts": page.attempts})])
            self._radio_log("-", "rejected", page.unit_id,
                            f"未应答 no ack after {page.attempts} attempts: {page.text}", b"")
        for page in freed:
            self._transmit(page, actor)
