"""The 8-minute clock drawn around each incident whose clock runs: an arc filling clockwise
from twelve o'clock as the minutes pass — green, amber from the warning, a full red ring at the
breach — so the map answers "who has waited longest" without reading the queue.

Arcs come in half-minute steps, one scatter item per step with one symbol and one pen: a redraw
hands pyqtgraph plain coordinate arrays (a per-point symbol list costs ~10 µs a point in
pyqtgraph's Python, 50 ms for 5,000 running clocks).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QPainterPath

from dispatch.clocks import BREACH, DEFAULT_CLOCK, WARN, ClockPolicy, clock_of
from dispatch.state import Incident

STEPS = 16  # half minutes of an 8-minute clock
LEVEL_COLOURS = {"ok": "#2ca02c", WARN: "#ff9900", BREACH: "#e00000"}


def _arc(fraction: float) -> QPainterPath:
    path = QPainterPath()
    rect = QRectF(-0.5, -0.5, 1.0, 1.0)
    path.arcMoveTo(rect, 90.0)
    path.arcTo(rect, 90.0, -360.0 * max(fraction, 0.01))  # negative: clockwise on screen
    return path


ARCS = [_arc(k / STEPS) for k in range(STEPS + 1)]
PENS = {level: pg.mkPen(colour, width=3) for level, colour in LEVEL_COLOURS.items()}


def clock_starts(incidents: Sequence[Incident], now: datetime,
                 policy: ClockPolicy = DEFAULT_CLOCK) -> np.ndarray:
    """When each incident's running clock started (epoch seconds), NaN where it is stopped.
    Computed when incidents change; the once-a-second redraw is then array arithmetic."""
    starts = np.full(len(incidents), np.nan)
    for n, incident in enumerate(incidents):
        clock = clock_of(incident, now, policy)
        if not clock.stopped:
            starts[n] = now.timestamp() - clock.elapsed_s
    return starts


def ring_steps(starts: np.ndarray, now: datetime,
               policy: ClockPolicy = DEFAULT_CLOCK) -> tuple[np.ndarray, np.ndarray]:
    """(indices of running clocks, their half-minute step 0…STEPS)."""
    running = np.flatnonzero(~np.isnan(starts))
    elapsed = now.timestamp() - starts[running]
    steps = np.clip((elapsed / policy.breach_s * STEPS).astype(int), 0, STEPS)
    return running, steps


def step_pen(step: int, policy: ClockPolicy = DEFAULT_CLOCK):
    """Green while the clock runs, amber from the warning, red at the breach."""
    if step >= STEPS:
        return PENS[BREACH]
    return PENS[WARN] if step >= policy.warn_s / policy.breach_s * STEPS else PENS["ok"]
