"""Progress of a long batch job with an estimate of the time left.

Building a prefecture's tile pack at zoom 17 takes about an hour and exporting a busy day's map
a while; without a word the operator cannot tell a slow job from a hung one, nor when to come
back. Lines go to the log (stderr and the log file), never to stdout, which carries results.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


def duration(seconds: float) -> str:
    """`1 h 05 min`, `3 min 20 s`, `12 s`: as precise as a person planning their wait needs."""
    s = max(0, round(seconds))
    if s >= 3600:
        return f"{s // 3600} h {s % 3600 // 60:02d} min"
    if s >= 60:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s} s"


class Progress:
    """`advance` after each batch; a line at most every `every_s` seconds, and at the end.
    The time left assumes the rest goes at the average pace so far."""

    def __init__(self, what: str, total: int, *, every_s: float = 1.0,
                 clock: Callable[[], float] = time.monotonic,
                 say: Callable[[str], None] = log.info) -> None:
        self.what, self.total, self.done = what, total, 0
        self.every_s, self.clock, self.say = every_s, clock, say
        self.started = self.last = clock()

    def advance(self, count: int) -> None:
        self.done += count
        now = self.clock()
        if now - self.last >= self.every_s or self.done >= self.total:
            self.last = now
            self.say(self.line(now))

    def line(self, now: float) -> str:
        elapsed = now - self.started
        share = self.done / self.total if self.total else 1.0
        text = f"{self.what}: {self.done:,}/{self.total:,} ({share:.0%}), {duration(elapsed)}"
        if self.done >= self.total:
            return text + " in all"
        if self.done == 0:
            return text + " so far"
        left = elapsed / self.done * (self.total - self.done)
        return text + f" so far, about {duration(left)} left"
