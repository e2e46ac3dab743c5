"""The map widget: layers on and off, zoom to fit, follow a unit, PNG export, legend."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtGui import QImage

from dispatch.state import CenterState, Incident
from map.view import MapView
from resources import scenario as scenarios

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot):
    widget = MapView(scenarios.load())
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    return widget


def state_with_incidents() -> CenterState:
    state = CenterState(scenarios.load().roster())
    now = datetime.now(UTC)
    for n, (lon, lat) in enumerate([(122.10, 30.02), (122.12, 30.03)]):
        state.incidents[str(1001 + n)] = Incident(str(1001 + n), f"A{n}", now, lon, lat, "", "",
                                                  "", {})
    state.units["G01"].lon, state.units["G01"].lat = 122.30, 29.95
    return state


def test_layers_toggle_from_the_menu(view) -> None:
    roads = view.layers["roads"][0]
    assert roads.isVisible()
    view.layer_actions["roads"].setChecked(False)
    assert not roads.isVisible() and "roads" in view.hidden
    view.layer_actions["roads"].setChecked(True)
    assert roads.isVisible()
    assert "新警单" in view.legend.text() and "紧急" in view.legend.text()


def test_zoom_follow_and_png(view, tmp_path) -> None:
    state = state_with_incidents()
    view.show_state(state, None)
    assert view._tip(0, 0, "1001").startswith("1001") and "G01" in view._tip(0, 0, "G01")
    view.zoom_to([122.10, 122.12], [30.02, 30.03])
    (west, east), (south, north) = view.plot.viewRange()
    assert west < 122.10 and east > 122.12 and east - west < 0.2
    view.follow("G01")
    view.show_state(state, None)
    (west, east), (south, north) = view.plot.viewRange()
    assert west < 122.30 < east and south < 29.95 < north  # the view moved to the unit
    out = tmp_path / "map.png"
    assert view.save_png(str(out))
    assert QImage(str(out)).width() == view.width()


def test_shift_clicks_measure_a_distance(view, qtbot) -> None:
    with qtbot.waitSignal(view.measured) as got:
        assert view.measure_click(122.10, 30.00) is None
        metres = view.measure_click(122.11, 30.00)
    assert got.args[0] == metres and 960 < metres < 965  # 0.01° of longitude at 30°N


def test_unit_symbols_show_kind_heading_and_trail(view) -> None:
    from dataclasses import replace

    from map.view import HEADINGS, KIND_SYMBOLS, _unit_symbol

    state = state_with_incidents()
    g01 = state.units["G01"]
    assert _unit_symbol(g01) == KIND_SYMBOLS["guide"]  # standing still: its kind
    moving = replace(g01, speed_kmh=25.0, course=92.0)
    assert _unit_symbol(moving) is HEADINGS[2]  # east
    assert _unit_symbol(replace(g01, emergency=True)) == "star"
    assert _unit_symbol(replace(g01, kind="police_moto")) == "t1"
    now = datetime.now(UTC)
    for step in range(3):
        g01.lon, g01.fix_time = 122.30 + step * 0.001, now
        view._trails_built = 0.0  # as if a second had passed between fixes
        view.show_state(state, None)
    xs, _ys = view.trails.getData()
    assert len([x for x in xs if x == x]) == 3  # three fixes, one trail
