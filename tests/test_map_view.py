"""The map widget: layers on and off, zoom to fit, follow a unit, PNG export, legend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QMouseEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from dispatch.lifecycle import IncidentStatus
from dispatch.state import CenterState, Incident
from map.clock_rings import ARCS, LEVEL_COLOURS
from map.incident_layer import CLUSTER_ABOVE
from map.roads import graph_from_lines
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
    assert "received" in view.legend.text() and "emergency" in view.legend.text()  # no translator


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

    from map.unit_layer import HEADINGS, KIND_SYMBOLS, _unit_symbol

    state = state_with_incidents()
    g01 = state.units["G01"]
    assert _unit_symbol(g01) == KIND_SYMBOLS["guide"]  # standing still: its kind
    moving = replace(g01, speed_kmh=25.0, course=92.0)
    assert _unit_symbol(moving) is HEADINGS[2]  # east
    assert _unit_symbol(replace(g01, emergency=True)) == "star"
    assert _unit_symbol(replace(g01, kind="police_moto")) == "t1"
    now = datetime.now(UTC)
    for step in range(3):  # fixes TRAIL_STEP_S apart: each one a point of the trail
        g01.lon, g01.fix_time = 122.30 + step * 0.001, now + timedelta(seconds=5.0 * step)
        view.unit_layer.trails_built = 0.0  # as if a second had passed between fixes
        view.show_state(state, None)
    xs, _ys = view.unit_layer.trails.getData()
    assert len([x for x in xs if x == x]) == 3  # three fixes, one trail


def test_clock_rings_fill_with_the_minutes_and_turn_red_at_the_breach(view) -> None:
    state = state_with_incidents()
    now = datetime.now(UTC)
    ages = {"1001": 60, "1002": 7 * 60}
    for case, age in ages.items():
        state.incidents[case].received_at = now - timedelta(seconds=age)
    late = Incident("1003", "A3", now - timedelta(minutes=9), 122.2, 30.0, "", "", "", {})
    arrived = Incident("1004", "A4", now - timedelta(minutes=9), 122.22, 30.0, "", "", "", {},
                       status=IncidentStatus.ON_SCENE,
                       history=[(now - timedelta(minutes=2), IncidentStatus.ON_SCENE)])
    state.incidents.update({"1003": late, "1004": arrived})
    view.show_state(state, None)
    rings = [p for item in view.incident_layer.rings for p in item.points()]
    assert len(rings) == 3  # the incident on scene has stopped its clock
    by_place = {(round(p.pos().x(), 2), round(p.pos().y(), 2)): p for p in rings}
    assert by_place[(122.10, 30.02)].symbol() is ARCS[2]  # 1 of 8 minutes: 2 half-minutes
    assert by_place[(122.12, 30.03)].pen().color().name() == LEVEL_COLOURS["warn"]
    assert by_place[(122.2, 30.0)].pen().color().name() == LEVEL_COLOURS["breach"]
    assert by_place[(122.2, 30.0)].symbol() is ARCS[-1]
    image = view.grab().toImage()
    scene = view.plot.getViewBox().mapViewToScene(QPointF(122.2, 30.0))
    centre = view.plot.mapFromScene(scene) + view.plot.pos()
    red = [image.pixelColor(centre.x() + dx, centre.y() + dy).name()
           for dx in range(-14, 15) for dy in range(-14, 15)]
    assert red.count(LEVEL_COLOURS["breach"]) > 20  # the red ring is on screen


def widget_pos(view, lon: float, lat: float) -> QPoint:
    scene = view.plot.getViewBox().mapViewToScene(QPointF(lon, lat))
    return view.plot.mapFromScene(scene)


def drag(qtbot, view, start: QPoint, end: QPoint) -> None:
    """A real left-button drag on the plot's viewport, in small steps as a hand would."""
    viewport = view.plot.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    for k in range(1, 11):
        here = start + (end - start) * (k / 10)
        event = QMouseEvent(QEvent.Type.MouseMove, QPointF(here),
                            QPointF(viewport.mapToGlobal(here)), Qt.MouseButton.NoButton,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(viewport, event)
        qtbot.wait(5)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def g01_beside_the_incidents(view, qtbot) -> CenterState:
    """G01 with a fresh fix west of the two incidents, all of them in a close view."""
    state = state_with_incidents()
    state.units["G01"].lon, state.units["G01"].lat = 122.08, 30.00
    state.units["G01"].fix_time = datetime.now(UTC)
    view.show_state(state, None)
    view.plot.setRange(xRange=(122.05, 122.15), yRange=(29.98, 30.05), padding=0)
    qtbot.wait(20)
    return state


def test_dragging_a_unit_onto_an_incident_assigns_it(view, qtbot) -> None:
    g01_beside_the_incidents(view, qtbot)
    with qtbot.waitSignal(view.unit_dropped, timeout=2000) as dropped:
        drag(qtbot, view, widget_pos(view, 122.08, 30.00), widget_pos(view, 122.10, 30.02))
    assert dropped.args == ["G01", "1001"]
    before = view.plot.viewRange()
    with qtbot.assertNotEmitted(view.unit_dropped):  # from empty map: an ordinary pan
        drag(qtbot, view, widget_pos(view, 122.13, 29.99), widget_pos(view, 122.10, 30.02))
    assert view.plot.viewRange() != before
    with qtbot.assertNotEmitted(view.unit_dropped):  # a unit dropped on nothing: nothing
        drag(qtbot, view, widget_pos(view, 122.08, 30.00), widget_pos(view, 122.14, 29.99))
    assert not view.drag._line.isVisible()


def test_units_sharing_a_spot_stand_apart_and_incidents_cluster_when_many(view, qtbot) -> None:
    state = state_with_incidents()
    now = datetime.now(UTC)
    for unit_id in ("G01", "G02", "G03"):  # three guides parked at one post
        unit = state.units[unit_id]
        unit.lon, unit.lat, unit.fix_time = 122.101, 30.02, now
    rng = np.random.default_rng(1)
    for n in range(CLUSTER_ABOVE + 100):
        case = str(5000 + n)
        state.incidents[case] = Incident(case, case, now, float(rng.uniform(122.0, 122.3)),
                                         float(rng.uniform(29.95, 30.1)), "", "", "", {})
    view.plot.setRange(xRange=(122.0, 122.3), yRange=(29.93, 30.12), padding=0)
    view.show_state(state, None)
    spots = {p.data(): p.pos() for p in view.units.points()}
    parked = [widget_pos(view, spots[u].x(), spots[u].y()) for u in ("G01", "G02", "G03")]
    for i, a in enumerate(parked):
        for b in parked[i + 1:]:
            assert (a - b).manhattanLength() >= 12  # each marker can be seen and grabbed
    layer = view.incident_layer
    bubbles = layer.bubbles.points()
    assert len(bubbles) > 0 and len(layer.markers.points()) < len(layer.open)
    assert sum(p.data() for p in bubbles) + len(layer.markers.points()) == len(layer.open)
    assert {p.brush().color().name() for p in bubbles} == {"#d62728"}  # all new: red
    assert view._marker_at(view.units, view.plot.getViewBox().mapViewToScene(
        spots["G02"])) == "G02"
    view.plot.setRange(xRange=(122.10, 122.11), yRange=(30.015, 30.025), padding=0)
    qtbot.waitUntil(lambda: len(layer.bubbles.points()) < len(bubbles))  # zoomed in: fewer
    view.plot.setRange(xRange=(122.0, 122.3), yRange=(29.93, 30.12), padding=0)
    clicked = layer.bubbles.points()[0]
    layer._zoom_into(layer.bubbles, [clicked])
    (west, east), _ = view.plot.viewRange()
    assert west < clicked.pos().x() < east and east - west < 0.1


def test_history_hot_spots_show_density_zoomed_out_and_points_zoomed_in(view, qtbot) -> None:
    state = state_with_incidents()
    now = datetime.now(UTC)
    for n in range(50):
        past = Incident(str(9000 + n), "P", now - timedelta(days=3), 122.1 + n * 1e-4, 30.02,
                        "", "", "", {}, status=IncidentStatus.CLOSED)
        state.incidents[past.case] = past
    view.show_state(state, None)
    spots = view.hot_spots
    assert len(spots.points.points()) == 50
    assert not spots.points.isVisible() and not spots.density.isVisible()  # off by default
    view.layer_actions["history"].setChecked(True)
    assert spots.points.isVisible()  # 50 in view: few enough to draw as themselves
    rng = np.random.default_rng(3)
    spots.load(rng.uniform(122.0, 122.3, 100_000), rng.uniform(29.95, 30.1, 100_000))
    assert spots.density.isVisible() and not spots.points.isVisible()
    assert spots.density.image.sum() > 0
    view.plot.setRange(xRange=(122.100, 122.102), yRange=(30.019, 30.021), padding=0)
    qtbot.waitUntil(spots.points.isVisible)
    assert not spots.density.isVisible()
    view.layer_actions["history"].setChecked(False)
    assert not spots.points.isVisible() and not spots.density.isVisible()


def test_clicking_a_unit_reports_it(view, qtbot) -> None:
    state = g01_beside_the_incidents(view, qtbot)
    with qtbot.waitSignal(view.unit_clicked, timeout=2000) as clicked:
        QTest.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, widget_pos(view, 122.08, 30.00))
    assert clicked.args == ["G01"]
    view.unit_layer.selected = "G01"
    view.show_state(state, None)
    ring = view.unit_layer.selection.points()
    assert len(ring) == 1 and abs(ring[0].pos().x() - 122.08) < 1e-9


def test_the_roads_layer_shows_the_routing_graph(view) -> None:
    graph = graph_from_lines([("primary", [(122.10, 30.00), (122.12, 30.00)]),
                              ("tertiary", [(122.11, 29.99), (122.11, 30.01)])])
    view.show_road_graph(graph)
    xs, ys = view.ground.roads.getData()
    segments = np.count_nonzero(np.isnan(xs))
    assert segments == len(graph.edge_from) // 2  # each two-way street drawn once
    assert np.nanmin(xs) == 122.10 and np.nanmax(ys) == 30.01


def test_zooming_to_points_without_a_position_leaves_them_out(view) -> None:
    before = view.plot.viewRange()
    view.zoom_to([None], [None])  # a unit that has not reported yet
    assert view.plot.viewRange() == before
    view.zoom_to([None, 122.10], [None, 30.02])
    (west, east), _ = view.plot.viewRange()
    assert west < 122.10 < east


def test_many_incidents_before_the_map_is_laid_out(qtbot) -> None:
    hidden = MapView(scenarios.load())  # never shown: no size, no pixel scale yet
    qtbot.addWidget(hidden)
    state = state_with_incidents()
    now = datetime.now(UTC)
    for n in range(CLUSTER_ABOVE + 10):
        state.incidents[str(7000 + n)] = Incident(str(7000 + n), "X", now, 122.1, 30.0, "", "",
                                                  "", {})
    hidden.show_state(state, None)
    assert len(hidden.incident_layer.open) == CLUSTER_ABOVE + 12


def test_showing_a_place_pans_at_the_same_zoom(view) -> None:
    """/find and follow bring a place into view without zooming in to street level; a place
    already in view leaves the map still."""
    view.zoom_to([122.05, 122.15], [30.00, 30.05])
    (west, east), (south, north) = before = view.plot.viewRange()
    view.show_point(122.10, 30.02)  # inside: nothing moves
    assert view.plot.viewRange() == before
    view.show_point(122.30, 29.95)  # outside: centred on it, the same width and height
    (w2, e2), (s2, n2) = view.plot.viewRange()
    assert (w2 + e2) / 2 == pytest.approx(122.30) and (s2 + n2) / 2 == pytest.approx(29.95)
    assert e2 - w2 == pytest.approx(east - west) and n2 - s2 == pytest.approx(north - south)


def test_a_real_right_click_on_an_incident_asks_for_its_menu(view, qtbot) -> None:
    """A right-button click on the marker (not a call of the handler) reaches the menu; the
    hover text names the status in the console's words."""
    state = g01_beside_the_incidents(view, qtbot)
    case, incident = next(iter(state.incidents.items()))
    at = widget_pos(view, incident.lon, incident.lat)
    with qtbot.waitSignal(view.incident_menu, timeout=2000) as asked:
        QTest.mouseClick(view.plot.viewport(), Qt.MouseButton.RightButton,
                         Qt.KeyboardModifier.NoModifier, at)
    assert asked.args[0] == case
    view.status_text = lambda status: f"«{status}»"
    assert f"«{incident.status}»" in view._tip(incident.lon, incident.lat, case)


def test_a_scenario_elsewhere_opens_on_its_own_ground(qtbot) -> None:
    """An Andorra scenario (no zones yet) opens on Andorra, not clamped to Zhoushan; the demo
    opens around its service zones."""
    import dataclasses

    from dispatch.config import Region

    andorra = Region("Andorra", 1.40, 42.42, 1.79, 42.66)
    widget = MapView(dataclasses.replace(scenarios.load(), region=andorra, zones={}))
    qtbot.addWidget(widget)
    widget.resize(800, 500)
    widget.show()
    (x0, x1), (y0, y1) = widget.plot.viewRange()
    assert 1.39 <= x0 < x1 <= 1.80 and 42.41 <= y0 < y1 <= 42.67
    demo = MapView(scenarios.load())
    qtbot.addWidget(demo)
    (x0, x1), (y0, y1) = demo.plot.viewRange()
    assert x0 < 122.10 < 122.30 < x1 and y0 < 29.96 < 30.04 < y1  # 定海, 临城 and 沈家门 zones


def test_the_night_map_darkens_sea_land_and_basemap(view) -> None:
    """Night colours reach the map: a dark sea and land and a veil over the basemap, under the
    incidents and units (which keep their colours); day brings the day back."""
    view.set_night(True)
    assert view.plot.backgroundBrush().color().name() == "#0d1822"
    (land,) = view.layers["land"]
    assert land.brush().color().name() == "#2a2e35"
    assert view.night_veil.isVisible() and view.night_veil.zValue() < view.units.zValue()
    image = view.grab().toImage()
    middle = image.pixelColor(image.width() // 2, image.height() // 2)
    assert middle.lightness() < 90  # a dark map, not a light one under a dark window
    view.set_night(False)
    assert not view.night_veil.isVisible()
    assert view.plot.backgroundBrush().color().name() == "#cfe3f3"


def test_the_legend_speaks_the_consoles_words_and_a_replay_offers_no_drag(qtbot) -> None:
    live = MapView(scenarios.load(), status_text=lambda status: f"«{status}»")
    replay = MapView(scenarios.load(), live=False)
    for widget in (live, replay):
        qtbot.addWidget(widget)
    assert "«received»" in live.legend.text() and "«available»" in live.legend.text()
    assert "drag a unit" in live.legend.text() and "drag a unit" not in replay.legend.text()
