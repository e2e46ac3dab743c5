"""Pages that must be heard: one outstanding page per unit, resent until acknowledged, then
escalated to the dispatcher.

Pure bookkeeping (the caller sends and keeps time), so the rules are tested without a radio:
a unit gets its pages in order, a page not acknowledged within `ack_timeout_s` is resent up to
`max_attempts` times in all, and then reported as failed so the dispatcher can act.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Page:
    seq: int
    unit_id: str
    text: str
    case: str | None = None  # None: a message not tied to an incident (group or canned page)
    attempts: int = 0
    sent_at: float = 0.0


@dataclass(frozen=True)
class PagerPolicy:
    ack_timeout_s: float = 20.0
    max_attempts: int = 3


class Pager:
    def __init__(self, policy: PagerPolicy = PagerPolicy()) -> None:  # noqa: B008 - frozen
        self.policy = policy
        self._outstanding: dict[str, Page] = {}  # unit → the page on air
        self._waiting: dict[str, deque[Page]] = {}

    def submit(self, page: Page, now: float) -> Page | None:
        """Queue a page; returns it (attempt 1) if it can go on air at once."""
        if page.unit_id in self._outstanding:
            self._waiting.setdefault(page.unit_id, deque()).append(page)
            return None
        return self._send(page, now)

    def _send(self, page: Page, now: float) -> Page:
        sent = replace(page, attempts=page.attempts + 1, sent_at=now)
        self._outstanding[page.unit_id] = sent
        return sent

    def restore(self, page: Page, now: float) -> None:
        """A page that was on air when the console stopped: back on air, its clock restarted."""
        if page.unit_id in self._outstanding:
            self._waiting.setdefault(page.unit_id, deque()).append(replace(page, attempts=0))
        else:
            self._outstanding[page.unit_id] = replace(page, sent_at=now)

    def acknowledged(self, seq: int, unit_id: str, now: float) -> tuple[Page | None, Page | None]:
        """(the page acknowledged or None if unknown, the unit's next page to send, if any)."""
        page = self._outstanding.get(unit_id)
        if page is None or page.seq != seq:
            return None, None
        del self._outstanding[unit_id]
        return page, self._next(unit_id, now)

    def withdraw(self, unit_id: str, case: str, now: float) -> tuple[list[Page], Page | None]:
        """Drop the unit's pages for a case it no longer has (recalled): (the pages dropped,
        the unit's next page to send if the one on air was among them)."""
        queue = self._waiting.get(unit_id, deque())
        dropped = [p for p in queue if p.case == case]
        self._waiting[unit_id] = deque(p for p in queue if p.case != case)
        on_air = self._outstanding.get(unit_id)
        if on_air is None or on_air.case != case:
            return dropped, None
        del self._outstanding[unit_id]
        return [on_air, *dropped], self._next(unit_id, now)

    def _next(self, unit_id: str, now: float) -> Page | None:
        queue = self._waiting.get(unit_id)
        if not queue:
            return None
        page = queue.popleft()
        return self._send(page, now)

    def due(self, now: float) -> tuple[list[Page], list[Page], list[Page]]:
        """(pages to resend, pages that failed for good, next pages freed by the failures)."""
        resend, failed, freed = [], [], []
        for unit_id, page in list(self._outstanding.items()):
            if now - page.sent_at < self.policy.ack_timeout_s:
                continue
            if page.attempts < self.policy.max_attempts:
                resend.append(self._send(page, now))
            else:
                del self._outstanding[unit_id]
                failed.append(page)
                following = self._next(unit_id, now)
                if following is not None:
                    freed.append(following)
        return resend, failed, freed

    def outstanding(self) -> list[Page]:
        return list(self._outstanding.values())
