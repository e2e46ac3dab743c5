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


def model_with_alerts(count: int) -> QueueModel:
    """A queue on a replica that received `count` alerts a second apart from T0."""
    state = CenterState(make_units())
    for k in range(count):
        state.apply(Event(ev.ALERT_RECEIVED, "t", "ws", {
            "alert_id": f"F-{k + 1}", "received_at": (T0 + timedelta(seconds=k)).isoformat(),
            "location": {"lon": 122.1, "lat": 30.0}}, T0, k + 1))
    return QueueModel(state)


def test_a_new_alerts_row_flashes_for_its_first_seconds(qtbot, monkeypatch) -> None:
    """Lit every other second for FLASH_S after receipt, then plain; the clock cell keeps its
    own colour."""
    from console import models

    model = model_with_alerts(1)
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


def _contrast(a, b) -> float:
    """WCAG 2 contrast ratio of two QColors (1 to 21; body text wants 4.5)."""
    def luminance(colour) -> float:
        channels = [c / 255 for c in (colour.red(), colour.green(), colour.blue())]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_queues_fills_keep_the_text_readable_by_day_and_by_night(qtbot, monkeypatch) -> None:
    """The clock cell's fill and a new row's flash under the palette's text colour: by night
    the day's pastel fills left light grey text on light green (contrast 1.1). By night the
    status text too, on the dark base or a flashing row."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from console import appearance, models

    model = model_with_alerts(1)
    background = models.Qt.ItemDataRole.BackgroundRole
    text = QPalette.ColorRole.Text
    for night, palette in ((False, QApplication.style().standardPalette()),
                           (True, appearance.night_palette())):
        model.set_night(night)
        for dt in (0, 5 * 60, 9 * 60):  # a flashing row, then the clock's warning and breach
            monkeypatch.setattr(models.time, "time", lambda dt=dt: T0.timestamp() + dt)
            model.refresh()
            for column in (1, 3):
                fill = model.index(0, column).data(background)
                if fill is not None:
                    assert _contrast(fill, palette.color(text)) >= 4.5, (night, dt, column)
            if night:
                status = model.index(0, 2)
                behind = status.data(background) or palette.color(QPalette.ColorRole.Base)
                foreground = status.data(models.Qt.ItemDataRole.ForegroundRole)
                assert _contrast(foreground, behind) >= 4.5, dt
    for status in (*models.STATUS_COLOURS.values(), *models.UNIT_COLOURS.values(), "#ff0000",
                   "#cc0000"):  # every status of cases and units, on the night's base
        assert _contrast(models.night_text(models.QColor(status)), appearance.night_palette()
                         .color(QPalette.ColorRole.Base)) >= 4.5, status


def test_a_cells_colours_do_not_leak_into_the_next_cells(qtbot, monkeypatch) -> None:
    """The delegate hands one span of roles to every cell it paints; a colour the model left
    in it (not cleared for a cell without one) painted the next cells' text in the status
    colour and their background in the clock's fill, across every row."""
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QTableView

    from console import models

    model = model_with_alerts(3)
    monkeypatch.setattr(models.time, "time", lambda: T0.timestamp() + models.FLASH_S + 3)
    model.refresh()
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(900, 200)
    view.show()
    qtbot.waitExposed(view)
    image = view.viewport().grab().toImage()
    red = models.QColor(models.STATUS_COLOURS["received"])
    base = view.palette().color(QPalette.ColorRole.Base)

    def reddish(row: int, column: int) -> int:
        rect = view.visualRect(model.index(row, column))
        def near(colour) -> bool:
            return max(abs(colour.red() - red.red()), abs(colour.green() - red.green()),
                       abs(colour.blue() - red.blue())) < 30

        return sum(1 for x in range(rect.left(), rect.right())
                   for y in range(rect.top(), rect.bottom()) if near(image.pixelColor(x, y)))

    for row in range(3):
        assert reddish(row, 2) > 0  # the status itself is in its colour
        assert all(reddish(row, column) == 0 for column in (0, 1, 3, 4, 5)), row
        for column in (2, 3, 4, 5):  # only the clock's cell is filled (0 may have the focus)
            corner = view.visualRect(model.index(row, column)).topLeft()
            assert image.pixelColor(corner.x() + 2, corner.y() + 2) == base, (row, column)
