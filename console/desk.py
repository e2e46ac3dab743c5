"""One dispatcher's desk without Qt: what the console knows and works out on its own side.

The window (console/main_window.py) only shows and asks; this holds the replica of the hub's
state, the case the dispatcher has selected, the recommendations and duplicates for it, the
alarms the hub's events call for and the breaches still to be acknowledged. It is plain Python
over dispatch/, so it is tested without a window (tests/test_desk.py), and a second front end
would start from it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from console.settings import ConsoleSettings
from dispatch.assignment import Proposal, propose
from dispatch.clocks import BREACH, WARN
from dispatch.duplicates import DuplicateCandidate, duplicate_candidates
from dispatch.eligibility import Eligibility, assess_incident
from dispatch.events import ALERT_RECEIVED, CLOCK_ALARM, PAGE_FAILED, RADIO_EMERGENCY, Event
from dispatch.lifecycle import AWAITING_UNIT, TERMINAL, IncidentStatus
from dispatch.recommend import Recommendation, recommend
from dispatch.retirement import REPLICA_MARGIN, retirable
from dispatch.state import FIRST_CASE_NUMBER, CenterState, Incident, Unit, UnitStatus
from resources.scenario import Scenario

# the loudest first: one sound per batch of events, the most urgent one
ALARM_ORDER = (RADIO_EMERGENCY, BREACH, PAGE_FAILED, WARN, ALERT_RECEIVED)
ALARM_OF = {RADIO_EMERGENCY: "emergency", BREACH: "breach", PAGE_FAILED: "page_failed",
            WARN: "warning", ALERT_RECEIVED: "new_alert"}


def alarm_kind(event: Event) -> str | None:
    """The alarm an event raises: its clock level for a clock alarm, else its type if it is
    one that sounds."""
    if event.type == CLOCK_ALARM:
        return event.payload.get("level")
    return event.type if event.type in ALARM_OF else None


class Desk:
    def __init__(self, scenario: Scenario, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.ended_kept = scenario.ended_kept()
        self.state = CenterState(scenario.roster())  # the hub's snapshot replaces it in place
        self.selected: str | None = None
        self.ranked: list[Recommendation] = []  # for the selected case, best first
        self.breaches: list[str] = []  # breached cases this desk has not acknowledged yet

    # -- the hub's news ---------------------------------------------------------------------
    def reset(self, state: CenterState) -> None:
        """The hub's state as of a sequence number; views holding `state` follow it."""
        self.state.reset_to(state)

    def take(self, events: Iterable[Event]) -> tuple[list[Event], str | None]:
        """Fold the hub's events in order, skipping any this replica already holds. Returns
        the new ones and the alarm they call for (the most urgent), and keeps their breaches
        until acknowledged."""
        fresh = [e for e in events if e.id is None or e.id > self.state.last_event_id]
        for event in fresh:
            self.state.apply(event)
        kinds = [alarm_kind(e) for e in fresh]
        self.breaches.extend(dict.fromkeys(
            e.payload["case"] for e, kind in zip(fresh, kinds, strict=True)
            if kind == BREACH and e.payload["case"] not in self.breaches))
        alarm = next((ALARM_OF[kind] for kind in ALARM_ORDER if kind in kinds), None)
        return fresh, alarm

    def newest_alert(self, events: Iterable[Event]) -> Incident | None:
        """The incident the latest new alert among these events opened, if still held."""
        if not any(e.type == ALERT_RECEIVED for e in events):
            return None
        return self.state.incidents.get(str(FIRST_CASE_NUMBER + self.state.cases_opened - 1))

    def new_emergency(self, events: Iterable[Event]) -> Unit | None:
        """The unit whose emergency key these events bring, the latest, if still pressed."""
        units = [e.payload["unit"] for e in events if e.type == RADIO_EMERGENCY]
        unit = self.state.units.get(units[-1]) if units else None
        return unit if unit is not None and unit.emergency else None

    def acknowledge_breaches(self) -> None:
        self.breaches.clear()

    def retire(self, now: datetime) -> list[str]:
        """Ended cases leave this replica after the hub let them go (dispatch/retirement.py)."""
        return self.state.retire(retirable(self.state, now, self.ended_kept + REPLICA_MARGIN))

    # -- what the desk sees -------------------------------------------------------------------
    def emergencies(self) -> list[str]:
        return [u.unit_id for u in self.state.units.values() if u.emergency]

    def open_incidents(self) -> list[Incident]:
        return [i for i in self.state.incidents.values() if i.status not in TERMINAL]

    def open_count(self) -> int:
        return len(self.open_incidents())

    def selected_incident(self) -> Incident | None:
        return self.state.incidents.get(self.selected or "")

    def recommend(self, now: datetime) -> list[Recommendation]:
        """Units for the selected case while it waits for one (kept in `ranked`, which the
        number keys dispatch)."""
        incident = self.selected_incident()
        needs_unit = incident is not None and incident.status in AWAITING_UNIT
        self.ranked = (recommend(self.state.units.values(), incident.lon, incident.lat, now,
                                 self.settings.travel, self.settings.road_etas)
                       if needs_unit else [])
        return self.ranked

    def verdict(self) -> Eligibility | None:
        incident = self.selected_incident()
        return (assess_incident(incident, self.settings.rules, self.settings.zones.zones_at)
                if incident is not None else None)

    def duplicates(self) -> list[DuplicateCandidate]:
        """Likely second calls about the selected case's accident, while it waits for a unit;
        measured on the roads when the desk has a road graph."""
        incident = self.selected_incident()
        if incident is None or incident.status not in AWAITING_UNIT:
            return []
        etas = self.settings.road_etas
        if etas is None:
            return duplicate_candidates(incident, self.state.incidents.values())
        return duplicate_candidates(incident, self.state.incidents.values(),
                                    distance=etas.router.road_distance_m)

    def joint_proposal(self, now: datetime) -> Proposal | None:
        """One plan for every triaged case and every free guide, oldest case first."""
        pending = sorted((i for i in self.state.incidents.values()
                          if i.status == IncidentStatus.TRIAGED), key=lambda i: i.received_at)
        units = [u for u in self.state.units.values() if u.status == UnitStatus.AVAILABLE
                 and u.kind == "guide" and u.lon is not None]
        return propose(pending, units, now, self.settings.travel, self.settings.road_etas)

    def based_on(self, args: tuple) -> int | None:
        """The version of the case a command names, as this desk saw it: the hub refuses the
        command if someone changed the case since."""
        incident = self.state.incidents.get(str(args[0])) if args else None
        return incident.version if incident is not None else None

    def names(self, zones: Iterable[str]) -> tuple[list[str], list[str], list[str]]:
        """Cases, units and groups, for the command line's completion."""
        return list(self.state.incidents), list(self.state.units), list(zones)
