"""A day of operations, simulated: accidents arrive, the desk sends a guide by the console's own
recommendation policy, the guide rides, works on scene, and rides back to its post.

The simulation writes the same events the center would log, so its 8-minute rate and
percentiles come from dispatch/kpi.py exactly as a real day's do. It is pure: where the guides
stand and how long a ride really takes come in as functions (the road graph's, in
map/day_simulation.py), and the policy under test is the ETA function given to `recommend`
(road ETAs, or None for straight-line nearest).

Simplifications, stated so the figures are read right: the desk has only guides (no police rider
backup); an incident waits, first come first served, until a guide is free; a guide who is
riding back to its post is treated as still at the last scene until it is home; one fixed delay
covers triage, dispatch and the radio acknowledgement.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dispatch import events as ev
from dispatch.config import TravelModel
from dispatch.dispositions import SETTLED
from dispatch.events import Event
from dispatch.recommend import EtaFunction, recommend
from dispatch.state import FIRST_CASE_NUMBER, Unit

# (from lon, from lat, to lon, to lat, when) → seconds actually ridden
RideFunction = Callable[[float, float, float, float, datetime], float]


@dataclass(frozen=True)
class Accident:
    when: datetime  # aware
    lon: float
    lat: float
    on_scene_s: float  # drawn once per accident, so every policy meets the same day


@dataclass(frozen=True)
class Setup:
    posts: Sequence[tuple[float, float]]  # one guide per post
    ride: RideFunction
    road_etas: EtaFunction | None  # the policy's ETA estimate; None: straight-line nearest
    dispatch_delay_s: float = 30.0  # receipt → dispatch
    ack_delay_s: float = 30.0  # dispatch → acknowledgement, then the ride starts
    model: TravelModel = TravelModel()


@dataclass
class _Guide:
    unit: Unit
    post: tuple[float, float]
    free_at: datetime
    home_at: datetime


def simulate(accidents: Sequence[Accident], setup: Setup, cases_before: int = 0) -> list[Event]:
    """The event log of the day, in time order; case numbers follow `cases_before` earlier
    alerts, so several days' logs join into one as the center's would."""
    start = min((a.when for a in accidents), default=None)
    guides = [_Guide(Unit(f"G{n + 1:02d}", f"G{n + 1:02d}", "guide", 1, str(n + 1),
                          post=post, lon=post[0], lat=post[1], fix_time=start), post, start, start)
              for n, post in enumerate(setup.posts)]
    out: list[Event] = []
    for case_index, accident in enumerate(sorted(accidents, key=lambda a: a.when)):
        out += _handle(accident, str(FIRST_CASE_NUMBER + cases_before + case_index), guides, setup)
    return sorted(out, key=lambda e: e.time)  # stable: same-minute alerts keep their order


def _event(type_: str, when: datetime, **payload) -> Event:
    return Event(type_, "simulation", "sim", payload, when)


def _handle(a: Accident, case: str, guides: list[_Guide], setup: Setup) -> list[Event]:
    """One accident from receipt to closure; the guide it takes is busy until it is done."""
    ready = a.when + timedelta(seconds=setup.dispatch_delay_s)
    sent = max(ready, min(g.free_at for g in guides))  # wait for the first guide to come free
    free = [g for g in guides if g.free_at <= sent]
    for g in free:  # where each free guide is now: at its post once back, else at its last job
        if g.home_at <= sent:
            g.unit.lon, g.unit.lat = g.post
        g.unit.fix_time = sent
    best = recommend([g.unit for g in free], a.lon, a.lat, sent, setup.model, setup.road_etas,
                     limit=1)[0]
    guide = next(g for g in free if g.unit.unit_id == best.unit_id)
    acked = sent + timedelta(seconds=setup.ack_delay_s)
    ride = setup.ride(guide.unit.lon, guide.unit.lat, a.lon, a.lat, acked)
    arrived = acked + timedelta(seconds=ride)
    closed = arrived + timedelta(seconds=a.on_scene_s)
    guide.unit.jobs += 1
    guide.unit.lon, guide.unit.lat = a.lon, a.lat
    guide.free_at = closed
    guide.home_at = closed + timedelta(seconds=setup.ride(a.lon, a.lat, *guide.post, closed))
    unit = guide.unit.unit_id
    return [
        _event(ev.ALERT_RECEIVED, a.when, alert_id=f"S{case}", received_at=a.when.isoformat(),
               location={"lon": a.lon, "lat": a.lat}),
        _event(ev.INCIDENT_TRIAGED, a.when, case=case, outcome="triaged", reasons=[]),
        _event(ev.UNIT_DISPATCHED, sent, case=case, unit=unit, eta_s=round(best.eta_s)),
        _event(ev.PAGE_ACKED, acked, case=case, unit=unit),
        _event(ev.UNIT_ARRIVED, arrived, case=case, unit=unit),
        _event(ev.INCIDENT_CLOSED, closed, case=case, unit=unit, disposition=SETTLED),
    ]
