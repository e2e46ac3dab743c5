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


def test_a_new_alerts_row_flashes_for_its_first_seconds(qtbot, monkeypatch) -> None:
    """Lit every other second for FLASH_S after receipt, then plain; the clock cell keeps its
    own colour."""
    from console import models

    state = CenterState(make_units())
    model = QueueModel(state)
    state.apply(Event(ev.ALERT_RECEIVED, "t", "ws", {
        "alert_id": "F-1", "received_at": T0.isoformat(),
        "location": {"lon": 122.1, "lat": 30.0}}, T0, 1))
    background = models.Qt.ItemDataRole.BackgroundRole
    start = T0.timestamp()
    seen = {}
    for dt in (0, 1, 2, 3, models.FLASH_S + 1, models.FLASH_S + 2):
        monkeypatch.setattr(models.time, "time", lambda dt=dt: start + dt)
        model.refresh()
        seen[dt] = model.index(0, 3).data(background)
    lit = [dt for dt, colour in seen.items() if colour == models.FLASH_QCOLOUR]
    assert lit == [0, 2] and seen[models.FLASH_S + 1] is None
    assert seen[models.FLASH_S + 2] is None
