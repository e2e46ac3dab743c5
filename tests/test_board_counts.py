"""The unit board repaints where units changed, not every frame: counted, not timed.

The window refreshes the board at every frame (ten a second, more while positions arrive);
signalling every row each time made its view repaint all visible rows at every frame. Here
the model's clock is held still, so the counts do not depend on when a second turns.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtWidgets import QTableView

from console import models
from console.models import UnitBoardModel
from console.texts import status_text
from dispatch.state import CenterState
from resources import scenario as scenarios

pytestmark = pytest.mark.gui

NOW = datetime(2026, 12, 2, 8, 0, 0, 300000, tzinfo=UTC)


class Clock(datetime):
    """datetime whose now() a test moves by hand."""

    at = NOW

    @classmethod
    def now(cls, tz=None):
        return cls.at


@pytest.fixture
def board(qtbot, monkeypatch):
    monkeypatch.setattr(models, "datetime", Clock)
    Clock.at = NOW
    state = CenterState(scenarios.load().roster())
    model = UnitBoardModel(state)
    view = QTableView()
    view.setModel(model)
    qtbot.addWidget(view)
    view.show()
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda first, last, _roles=(): rows.append(
        (first.row(), last.row())))
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(1))
    model.refresh()
    rows.clear()
    return state, model, rows, resets


def test_a_frame_without_changes_signals_nothing(board) -> None:
    _state, model, rows, resets = board
    for _ in range(5):
        model.refresh()
    assert rows == [] and resets == []


def test_a_moved_unit_signals_its_row_only(board) -> None:
    state, model, rows, resets = board
    unit = list(state.units.values())[2]
    unit.lon, unit.lat, unit.fix_time = 122.1, 30.0, NOW
    model.refresh()
    assert rows == [(2, 2)] and resets == []


def test_the_fix_ages_second_turning_signals_every_row_once(board) -> None:
    state, model, rows, _resets = board
    Clock.at = NOW + timedelta(seconds=1)
    model.refresh()
    model.refresh()
    assert rows == [(0, len(state.units) - 1)]


def test_a_new_roster_resets(board) -> None:
    state, model, _rows, resets = board
    state.reset_to(CenterState(scenarios.load().roster()))
    model.refresh()
    assert resets == [1] and model.rows == list(state.units.values())


def test_the_board_shows_the_insurer_and_a_guide_returning(board) -> None:
    """G01 works for 人保 (the demo roster); free after a job, moving and 1.4 km from its post
    it is returning, standing there it is only available, and so is one at its post; a guide
    on patrol that has had no job is available wherever it rides."""
    state, model, _rows, _resets = board
    unit = state.units["G01"]
    row = model.rows.index(unit)
    lon, lat = unit.post
    unit.lon, unit.lat, unit.speed_kmh, unit.fix_time = lon + 0.0146, lat, 30.0, NOW
    model.refresh()
    cell = lambda column: model.index(row, column).data()  # noqa: E731
    assert cell(2) == "人保" and cell(3) == status_text("available")  # no job yet: patrolling
    unit.jobs = 1
    model.refresh()
    assert cell(3) == status_text("returning")
    unit.speed_kmh = 0.0
    model.refresh()
    assert cell(3) == status_text("available")
    unit.lon, unit.speed_kmh = lon + 0.001, 30.0  # 96 m: at its post
    model.refresh()
    assert cell(3) == status_text("available")
