"""Ended cases leave the live queue; a filter (Ctrl+H) brings them back; a reopened case
returns to the queue by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from console.models import QueueModel
from dispatch import events as ev
from dispatch.events import Event
from dispatch.state import CenterState
from tests.conftest import make_units

T0 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)


def test_ended_cases_leave_the_queue_and_the_filter_brings_them_back(qtbot) -> None:
    state = CenterState(make_units())
    model = QueueModel(state)
    n = iter(range(10, 100))

    def apply(type_: str, **payload) -> None:
        state.apply(Event(type_, "t", "ws", payload, T0 + timedelta(minutes=next(n)), None))
        model.refresh()

    def cases() -> list[str]:
        return [incident.case for incident in model.rows]

    for k, alert in enumerate(("Q-1", "Q-2", "Q-3")):  # received a minute apart
        apply(ev.ALERT_RECEIVED, alert_id=alert,
              received_at=(T0 + timedelta(minutes=k)).isoformat(),
              location={"lon": 122.1, "lat": 30.0})
    assert cases() == ["1001", "1002", "1003"]
    apply(ev.INCIDENT_REFERRED, case="1001", to="referred_police")
    apply(ev.INCIDENT_MERGED, case="1003", into="1002")
    assert cases() == ["1002"]  # the live queue: only what still needs the desk
    model.show_ended(True)
    assert cases() == ["1002", "1003", "1001"]  # ended ones below, the latest first
    model.show_ended(False)
    assert cases() == ["1002"]
    apply(ev.INCIDENT_REOPENED, case="1001", reason="交警退回", **{"from": "referred_police"})
    assert cases() == ["1002", "1001"]  # reopened: waits for a unit again, in the queue
