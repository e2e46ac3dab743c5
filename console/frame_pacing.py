"""When the window paints its next frame: only when something changed, a radio burst in one
frame, and never more than the UI thread can afford while 300 units report every second.

Measured with bench/radio_pipeline.py (300 reports written into the radio port's pty, timed
until the unit is moved on the window's map):

- A steady 100 ms timer made every report wait up to a frame, and painted idle windows.
- A frame painted on a burst's first batch left the rest for the next frame; a burst reaches
  the window in several batches over a few tens of ms. Waiting a fixed 30 ms after the first
  change put most bursts in one frame (p50 129–136 → 62–69 ms), and waiting until no batch
  has come for SETTLE_MS (at most SETTLE_MAX_MS) did better still (p50 47 ms, p99 53 ms).
- Some bursts still reach the window in two parts with a gap longer than SETTLE_MS (the hub
  committing the first part while the rest was read): with strictly one frame per FRAME_MS,
  the second part waited a whole frame (p99 124–142 ms in one run in three). Frames are
  therefore paced as a budget, FRAMES_AHEAD frames after a quiet spell and then one per
  FRAME_MS, which bounds the frame rate (and the UI thread's share) just as well.
- Only frames that paint the hub's events spend the budget: the second's clock is painted on
  the second, as radios often report, and a burst just after the clock's frame waited a whole
  frame (p99 124 ms in the runs where the two were in phase).

Pure Python with the clock passed in, so the pacing is tested without Qt or waiting.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

FRAME_MS = 100  # the frames that paint the hub's events: one per FRAME_MS on average
FRAMES_AHEAD = 2  # how many may come closer together after a quiet spell
SETTLE_MS = 15  # a change after a quiet spell is painted once no change has come for this
SETTLE_MAX_MS = 60  # ... but never later than this after the first


class FramePacer:
    """Says how long the window's single-shot frame timer should wait."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._credit = float(FRAMES_AHEAD)
        self._credit_at = clock()
        self._settling_since: float | None = None
        self.paced = False  # the next frame paints the hub's events

    def _credit_now(self, now: float) -> float:
        return min(FRAMES_AHEAD, self._credit + (now - self._credit_at) * 1000 / FRAME_MS)

    def changed(self, timer_running: bool, paced: bool = False) -> int | None:
        """Something shown changed (`paced`: the hub's events). Returns the delay in ms to
        (re)start the frame timer with, or None to leave the timer as it is."""
        self.paced = self.paced or paced
        now = self._clock()
        if timer_running:
            since = self._settling_since
            if since is not None and (now - since) * 1000 + SETTLE_MS <= SETTLE_MAX_MS:
                return SETTLE_MS  # the burst goes on: wait for its end
            return None
        credit = self._credit_now(now)
        wait = 0.0 if credit >= 1 else (1 - credit) * FRAME_MS
        if wait <= SETTLE_MS:
            self._settling_since = now
            return SETTLE_MS
        self._settling_since = None
        return math.ceil(wait)

    def painted(self) -> None:
        """A frame was painted, by the timer or by a direct refresh."""
        now = self._clock()
        if self.paced:
            self._credit = max(0.0, self._credit_now(now) - 1)
            self._credit_at = now
            self.paced = False
        self._settling_since = None
