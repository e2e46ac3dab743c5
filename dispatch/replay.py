"""The day as it was at any moment: the shift lead's replay, as a pure model.

A replay is a timeline (a start state, the snapshot before the range brought up to its
start, and the state-changing events of the range in log order) and every unit's fixes as
arrays. Scrubbing must answer in a frame (≤ 33 ms) whatever the jump, so:
- the state at t is folded from the nearest keyframe at or before t, a fork of the state kept
  every `KEYFRAME_S` of replay time while loading (`CenterState.fork` shares what a chunk of
  events does not touch, so a day of keyframes costs little more than one state);
- where each unit was at t is one `searchsorted` over all units' fixes at once: the fixes are
  kept unit after unit in one array whose key is `unit index × span + seconds`, so one call
  finds every unit's last fix at or before t.
Positions never go through `CenterState.apply` here: 2.6 million fixes a day would make every
keyframe a fold of minutes, and a fix changes nothing in the state a replay shows besides the
position (arrivals are their own events in the log).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np

from dispatch.clocks import DEFAULT_CLOCK, Clock, ClockPolicy, clock_of
from dispatch.events import Event
from dispatch.lifecycle import TERMINAL, IncidentStatus
from dispatch.state import STALE_AFTER_S, CenterState, Incident

KEYFRAME_S = 300.0  # a scrub folds at most this much replay time of events
SPEEDS = (1, 10, 30, 60, 120, 300, 600)  # playback rates, × real time
MOVING_M = 3.0  # a unit that moved at least this far since its previous fix is moving
TRAIL_S = 10 * 60.0  # how far back a unit's trail reaches (as on the live map)
# A trail shows one fix per this many seconds (and the last), and only a fix that left the
# TRAIL_CELL_M square of the fix before: a rider's path still follows every street, while a
# unit standing at its post (GPS jitter of a few metres) is drawn as a dot, not a scribble of
# 40 points. At 5 s reports 300 ten-minute trails were 36,000 points, and their stroke was
# most of a scrub step's paint.
TRAIL_STEP_S = 15.0
TRAIL_CELL_M = 20.0  # the track store's overview distance (db/tracks.py OVERVIEW_M)
_M_PER_DEG = 111_320.0


def epoch(moment: datetime) -> float:
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class Tracks:
    """Every unit's fixes of the range, by unit then time (seconds since `origin`).

    Built from one array per unit (the loader's output); kept as three flat arrays plus the
    offset of each unit's run, so a frame's positions are one vectorised search."""

    def __init__(self, origin: datetime, span_s: float,
                 per_unit: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]) -> None:
        self.origin = origin
        self.units = list(per_unit)
        self.stride = float(span_s) + 1.0  # a unit's keys never reach the next unit's
        runs = [per_unit[u] for u in self.units]
        self.counts = np.array([len(r[0]) for r in runs], dtype=np.int64)
        self.first = np.concatenate([[0], np.cumsum(self.counts)[:-1]]).astype(np.int64)
        self.t = np.concatenate([r[0] for r in runs]) if runs else np.empty(0)
        self.lon = np.concatenate([r[1] for r in runs]) if runs else np.empty(0)
        self.lat = np.concatenate([r[2] for r in runs]) if runs else np.empty(0)
        owner = np.repeat(np.arange(len(runs), dtype=np.float64), self.counts)
        self.keys = owner * self.stride + self.t

    def __len__(self) -> int:
        return int(self.t.size)

    def seconds(self, moment: datetime) -> float:
        return epoch(moment) - epoch(self.origin)

    def last_fix(self, at_s: float) -> np.ndarray:
        """Per unit, the index of its last fix at or before `at_s` seconds, −1 if none yet."""
        wanted = np.arange(len(self.units), dtype=np.float64) * self.stride + at_s
        found = np.searchsorted(self.keys, wanted, side="right") - 1
        return np.where(found >= self.first, found, -1)

    def at(self, at_s: float) -> tuple[np.ndarray, ...]:
        """Per unit at `at_s`: lon, lat (NaN before its first fix), age of that fix (inf),
        course towards it from the fix before (degrees from north) and whether it moved."""
        units = len(self.units)
        if not len(self):
            nan = np.full(units, np.nan)
            return nan, nan.copy(), np.full(units, np.inf), np.zeros(units), np.zeros(units, bool)
        last = self.last_fix(at_s)
        known = last >= 0
        pick = np.where(known, last, 0)
        before = np.where(known & (last > self.first), pick - 1, pick)
        lon = np.where(known, self.lon[pick], np.nan)
        lat = np.where(known, self.lat[pick], np.nan)
        age = np.where(known, at_s - self.t[pick], np.inf)
        dx = (self.lon[pick] - self.lon[before]) * np.cos(np.radians(self.lat[pick]))
        dy = self.lat[pick] - self.lat[before]
        course = np.degrees(np.arctan2(dx, dy)) % 360.0
        moving = known & (np.hypot(dx, dy) * _M_PER_DEG >= MOVING_M)
        return lon, lat, age, course, moving

    def trails(self, at_s: float, span_s: float = TRAIL_S, step_s: float = TRAIL_STEP_S,
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every unit's path over the `span_s` before `at_s` (one fix per `step_s` that left
        the previous fix's TRAIL_CELL_M square, and the last), as one set of arrays (one plot
        item draws them all): lon, lat, and whether each point joins the next (False at the
        end of a unit's trail; a drawing's `connect` array, cheaper to draw than NaN breaks)."""
        base = np.arange(len(self.units), dtype=np.float64) * self.stride
        lo = np.searchsorted(self.keys, base + max(at_s - span_s, 0.0), side="left")
        hi = np.searchsorted(self.keys, base + at_s, side="right")
        keep = hi - lo > 1
        lo, hi = lo[keep], hi[keep]
        if not len(lo):
            return np.empty(0), np.empty(0), np.empty(0, dtype=bool)
        lengths = hi - lo
        ends = np.cumsum(lengths)
        run = np.repeat(np.arange(len(lo)), lengths)
        source = np.arange(int(ends[-1])) - np.repeat(ends - lengths, lengths) + np.repeat(
            lo, lengths)
        bucket = np.floor(self.t[source] / step_s)
        cell = TRAIL_CELL_M / _M_PER_DEG  # degrees: 20 m north-south, 17 m east-west at 30°N
        column, row = np.floor(self.lon[source] / cell), np.floor(self.lat[source] / cell)
        moved = (column[1:] != column[:-1]) | (row[1:] != row[:-1])
        shown = np.ones(len(source), dtype=bool)
        shown[1:] = ((bucket[1:] != bucket[:-1]) & moved) | (run[1:] != run[:-1])
        shown[ends - 1] = True
        source, run = source[shown], run[shown]
        joins = np.append(run[1:] == run[:-1], False)
        return self.lon[source], self.lat[source], joins


@dataclass
class Frame:
    """What the map and the lists show at one moment; arrays are in `Tracks.units` order."""

    time: datetime
    state: CenterState
    lon: np.ndarray  # NaN: no position known yet
    lat: np.ndarray
    fix_age_s: np.ndarray  # seconds since the fix shown; inf when none
    course: np.ndarray  # degrees from north, towards the last fix
    moving: np.ndarray  # bool
    units: list[str] = field(default_factory=list)

    def position(self, unit_id: str) -> tuple[float, float] | None:
        if unit_id not in self.units:
            return None
        n = self.units.index(unit_id)
        if math.isnan(self.lon[n]):
            return None
        return float(self.lon[n]), float(self.lat[n])

    def stale(self) -> np.ndarray:
        return self.fix_age_s > STALE_AFTER_S

    def open_incidents(self) -> list[Incident]:
        return [i for i in self.state.incidents.values() if i.status not in TERMINAL]

    def clocks(self, policy: ClockPolicy = DEFAULT_CLOCK) -> dict[str, Clock]:
        """The 8-minute clock of every open incident as it read at this moment."""
        return {i.case: clock_of(i, self.time, policy) for i in self.open_incidents()}


class Timeline:
    """The range's state-changing events, folded once with a keyframe every `keyframe_s`:
    the state at any t is its keyframe plus at most `keyframe_s` of events. It needs no fix,
    so a loader folds it while the fixes are read (the fold is Python, the read mostly waits
    on the database)."""

    def __init__(self, start_state: CenterState, events: Sequence[Event], start: datetime,
                 end: datetime, keyframe_s: float = KEYFRAME_S) -> None:
        self.start, self.end = start, end
        self.events = list(events)
        # replay time of each event: the log's order wins over a clock that stepped back,
        # so the times are made non-decreasing and a bisect finds "every event up to t"
        self.times = np.maximum.accumulate(
            np.array([epoch(e.time) for e in self.events])) if self.events else np.empty(0)
        self.keyframes: list[tuple[float, int, CenterState]] = []
        self.final = self._build_keyframes(start_state, keyframe_s)

    def _build_keyframes(self, state: CenterState, keyframe_s: float) -> CenterState:
        """Fold the range once, keeping a fork every `keyframe_s`; returns the end state."""
        at, done = epoch(self.start), 0
        stop = epoch(self.end)
        while True:
            self.keyframes.append((at, done, state))
            if at >= stop:
                return state
            at = min(at + keyframe_s, stop)
            upto = int(np.searchsorted(self.times, at, side="right"))
            chunk = self.events[done:upto]
            state = state.fork(chunk)
            for event in chunk:
                state.apply(event)
            done = upto

    def state_at(self, moment: datetime) -> CenterState:
        """The state with every event at or before `moment` applied, folded from the nearest
        keyframe; the keyframes stay untouched. Read it, never change it: with no event since
        its keyframe, it is the keyframe."""
        at = min(max(epoch(moment), epoch(self.start)), epoch(self.end))
        k = bisect.bisect_right(self.keyframes, at, key=lambda f: f[0]) - 1
        _, done, state = self.keyframes[max(k, 0)]
        upto = int(np.searchsorted(self.times, at, side="right"))
        chunk = self.events[done:upto]
        if not chunk:
            return state
        state = state.fork(chunk)
        for event in chunk:
            state.apply(event)
        return state

    def step(self, moment: datetime, forward: bool = True) -> datetime:
        """The time of the next event after `moment` (or the previous one before it), for
        stepping event by event; the range's end or start when there is none."""
        at = epoch(moment)
        if forward:
            n = int(np.searchsorted(self.times, at, side="right"))
            return self._time(self.times[n]) if n < len(self.times) else self.end
        n = int(np.searchsorted(self.times, at, side="left")) - 1
        return self._time(self.times[n]) if n >= 0 else self.start

    def milestones(self, case: str) -> list[tuple[datetime, IncidentStatus]]:
        """An incident's status changes over the whole range (receipt, dispatch, arrival …),
        to jump to."""
        incident = self.final.incidents.get(case)
        return list(incident.history) if incident is not None else []

    def cases(self) -> list[str]:
        """Every incident the range shows, in case order."""
        return sorted(self.final.incidents, key=lambda c: (len(c), c))

    @staticmethod
    def _time(seconds: float) -> datetime:
        return datetime.fromtimestamp(float(seconds), UTC)


class Replay:
    """The range [start, end): state (the timeline) and positions (the tracks) at any t."""

    def __init__(self, timeline: Timeline, tracks: Tracks) -> None:
        self.timeline, self.tracks = timeline, tracks
        self.start, self.end, self.events = timeline.start, timeline.end, timeline.events

    @classmethod
    def fold(cls, start_state: CenterState, events: Sequence[Event], tracks: Tracks,
             start: datetime, end: datetime, keyframe_s: float = KEYFRAME_S) -> Replay:
        """Timeline and tracks at once, when the fixes are already at hand."""
        return cls(Timeline(start_state, events, start, end, keyframe_s), tracks)

    def state_at(self, moment: datetime) -> CenterState:
        return self.timeline.state_at(moment)

    def step(self, moment: datetime, forward: bool = True) -> datetime:
        return self.timeline.step(moment, forward)

    def milestones(self, case: str) -> list[tuple[datetime, IncidentStatus]]:
        return self.timeline.milestones(case)

    def cases(self) -> list[str]:
        return self.timeline.cases()

    def frame(self, moment: datetime) -> Frame:
        """State and every unit's position at `moment`. A unit without a fix in the range yet
        stands where the start state last saw it, aged from that fix."""
        state = self.state_at(moment)
        lon, lat, age, course, moving = self.tracks.at(self.tracks.seconds(moment))
        self._seed_from_state(state, moment, lon, lat, age)
        return Frame(moment, state, lon, lat, age, course, moving, self.tracks.units)

    def _seed_from_state(self, state: CenterState, moment: datetime, lon: np.ndarray,
                         lat: np.ndarray, age: np.ndarray) -> None:
        for n in np.flatnonzero(np.isnan(lon)).tolist():
            unit = state.units.get(self.tracks.units[n])
            if unit is None or unit.lon is None or unit.lat is None:
                continue
            lon[n], lat[n] = unit.lon, unit.lat
            if unit.fix_time is not None:
                age[n] = (moment - unit.fix_time).total_seconds()


@dataclass
class Playback:
    """The replay clock: where t is, how fast it runs, whether it runs. `advance` is fed the
    wall time since the last tick, so a slow frame makes a longer step, never a slower day."""

    start: datetime
    end: datetime
    time: datetime
    speed: int = 60
    playing: bool = False

    def advance(self, wall_s: float) -> datetime:
        if self.playing:
            self.time = min(self.time + timedelta(seconds=wall_s * self.speed), self.end)
            self.playing = self.time < self.end
        return self.time

    def seek(self, moment: datetime) -> datetime:
        self.time = min(max(moment, self.start), self.end)
        return self.time

    def faster(self, up: bool) -> int:
        """The next playback rate up or down the ladder of SPEEDS."""
        n = SPEEDS.index(self.speed) if self.speed in SPEEDS else 0
        self.speed = SPEEDS[min(max(n + (1 if up else -1), 0), len(SPEEDS) - 1)]
        return self.speed
