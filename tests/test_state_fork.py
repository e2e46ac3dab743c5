"""CenterState.fork: applying events to a fork never changes the state it was forked from.

The store relies on it to apply a batch before its commit and keep the old state when the
commit fails; random event sequences (legal and illegal) hold every handler to it.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch import events as ev
from dispatch.events import Event
from dispatch.snapshot import to_document
from dispatch.state import CenterState
from tests.conftest import make_units

T0 = datetime(2026, 11, 25, 0, 0, tzinfo=UTC)
CASES = st.sampled_from(["1001", "1002", "1003", "1004"])
UNITS = st.sampled_from(["G01", "G02", "P01"])
STATUSES = ["triaged", "referred_police", "referred_120"]
# Incidents in each kind of status before the random events begin, so that multi-step
# effects (closing or failing a page frees the incident's unit) are reached at once.
PRELUDE = [
    *((ev.ALERT_RECEIVED, {"alert_id": f"P-{n}", "received_at": T0.isoformat(),
                           "location": {"lon": 122.1, "lat": 30.0}}) for n in range(4)),
    *((ev.INCIDENT_TRIAGED, {"case": c, "outcome": "triaged"}) for c in ("1001", "1002")),
    (ev.UNIT_DISPATCHED, {"case": "1001", "unit": "G01"}),
    (ev.UNIT_DISPATCHED, {"case": "1002", "unit": "G02"}),
    (ev.UNIT_ARRIVED, {"case": "1002", "unit": "G02"}),
]


def _alert(n: int) -> dict:
    return {"alert_id": f"A-{n % 3}", "received_at": T0.isoformat(), "description": f"{n}",
            "location": {"lon": 122.1 + n * 1e-3, "lat": 30.0, "address": ""}}


EVENTS = st.one_of(
    st.integers(0, 5).map(lambda n: (ev.ALERT_RECEIVED, _alert(n))),
    st.tuples(CASES, st.sampled_from(STATUSES)).map(
        lambda a: (ev.INCIDENT_TRIAGED, {"case": a[0], "outcome": a[1], "reasons": ["r"]})),
    CASES.map(lambda c: (ev.QUESTION_ASKED, {"case": c, "topic": "injury", "question": "q",
                                              "reasons": ["r"]})),
    st.tuples(CASES, st.booleans()).map(
        lambda a: (ev.QUESTION_ANSWERED, {"case": a[0], "topic": "injury", "cleared": a[1]})),
    st.tuples(CASES, UNITS).map(lambda a: (ev.UNIT_DISPATCHED, {"case": a[0], "unit": a[1]})),
    st.tuples(CASES, UNITS).map(lambda a: (ev.PAGE_ACKED, {"case": a[0], "unit": a[1]})),
    st.tuples(CASES, UNITS).map(lambda a: (ev.UNIT_EN_ROUTE, {"case": a[0], "unit": a[1]})),
    st.tuples(CASES, UNITS).map(lambda a: (ev.UNIT_ARRIVED, {"case": a[0], "unit": a[1]})),
    CASES.map(lambda c: (ev.INCIDENT_CLOSED, {"case": c, "disposition": "settled"})),
    CASES.map(lambda c: (ev.INCIDENT_REOPENED, {"case": c, "reason": "r", "from": "closed"})),
    CASES.map(lambda c: (ev.UNIT_RECALLED, {"case": c, "reason": "r"})),
    st.tuples(CASES, UNITS).map(lambda a: (ev.PAGE_FAILED, {"case": a[0], "unit": a[1]})),
    st.tuples(CASES, CASES).map(lambda a: (ev.INCIDENT_MERGED, {"case": a[0], "into": a[1]})),
    st.tuples(CASES, CASES).map(lambda a: (ev.DUPLICATE_KEPT_APART, {"case": a[0], "of": a[1]})),
    CASES.map(lambda c: (ev.CLOCK_ALARM, {"case": c, "level": "warn"})),
    st.tuples(UNITS, st.floats(122.0, 122.2), st.floats(0, 60)).map(
        lambda a: (ev.UNIT_POSITION, {"unit": a[0], "lon": a[1], "lat": 30.0,
                                      "speed_kmh": a[2]})),
    UNITS.map(lambda u: (ev.RADIO_EMERGENCY, {"unit": u})),
    st.tuples(UNITS, st.sampled_from(["available", "busy"])).map(
        lambda a: (ev.UNIT_STATUS_SET, {"unit": a[0], "status": a[1]})),
    st.tuples(UNITS, st.sampled_from(["1001", "1009"])).map(
        lambda a: (ev.RADIO_MAPPED, {"unit": a[0], "fleet": 100, "radio_id": a[1]})),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(EVENTS, min_size=1, max_size=3), min_size=1, max_size=25))
def test_a_fork_never_changes_its_origin(batches) -> None:
    state = CenterState(make_units())
    for n, (type_, payload) in enumerate(PRELUDE, 1):
        state.apply(Event(type_, "t", "ws", payload, T0, n))
    n = len(PRELUDE)
    for batch in batches:
        events = []
        for type_, payload in batch:
            n += 1
            events.append(Event(type_, "t", "ws", copy.deepcopy(payload),
                                T0 + timedelta(seconds=n), n))
        before = copy.deepcopy(to_document(state))
        fork = state.fork(events)
        try:
            for event in events:
                fork.apply(event)
        except Exception:  # noqa: BLE001 - illegal batches are part of the test
            assert to_document(state) == before
            continue
        assert to_document(state) == before
        state = fork
