"""The live map's work per frame, counted: what a frame draws and updates must not grow with
the day's incidents, and a frame where only units moved must not touch the incident layer.

Counts, not times: the machine these run on is shared, and a frame's time there varies
twofold; a regression that redraws every incident per frame changes these numbers on any
machine. The scene is bench/map_render.py's: 300 units, 30 zones, 1,000 then 5,000 incidents.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pyqtgraph as pg
import pytest

from bench.map_render import scene
from dispatch.lifecycle import IncidentStatus
from dispatch.state import CenterState, Incident, UnitStatus
from map import incident_layer
from map.clusters import CELL_PX
from map.styles import UNIT_COLOURS
from map.unit_layer import TRAIL_S, TRAIL_STEP_S
from map.view import MapView
from resources import scenario as scenarios


@pytest.fixture
def counted(monkeypatch) -> Counter:
    """Calls of ScatterPlotItem.paint and .setData, and points painted; wrapped before any
    item exists (Qt's virtual `paint` is looked up when the item is made)."""
    calls: Counter = Counter()
    paint, set_data = pg.ScatterPlotItem.paint, pg.ScatterPlotItem.setData

    def counting_paint(self, *args):
        calls["paint"] += 1
        calls["points painted"] += len(self.data) if self.isVisible() else 0
        return paint(self, *args)

    def counting_set_data(self, *args, **kwargs):
        calls["setData"] += 1
        return set_data(self, *args, **kwargs)

    monkeypatch.setattr(pg.ScatterPlotItem, "paint", counting_paint)
    monkeypatch.setattr(pg.ScatterPlotItem, "setData", counting_set_data)
    return calls


def frames(view: MapView, state, now, counted: Counter, n: int = 3) -> Counter:
    """n frames of units moving (incidents unchanged), each rendered; counts per frame."""
    units = list(state.units.values())
    total: Counter = Counter()
    for frame in range(n):
        for k, unit in enumerate(units):
            unit.lon = 122.05 + (k % 20) * 0.012 + frame * 1e-4
            unit.lat = 29.95 + (k // 20) * 0.014
            unit.fix_time = now
        counted.clear()
        view.show_state(state, None)
        view.grab()
        total.update(counted)
    return Counter({k: v // n for k, v in total.items()})


@pytest.mark.parametrize("incidents", [1000, 5000])
def test_a_frame_costs_the_same_with_1000_or_5000_incidents(qtbot, counted, incidents) -> None:
    scenario, state, now = scene()
    for case in list(state.incidents)[incidents:]:
        del state.incidents[case]
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    qtbot.waitExposed(view)
    view.show_state(state, None)  # the incidents' one-time cost, not counted
    per_frame = frames(view, state, now, counted)
    incident_items = len(view.incident_layer.items)
    # the selection rings only: the units are moved in place (their styles did not change)
    # and the incident layer is not updated
    assert per_frame["setData"] <= 2, per_frame
    xs, ys = view.units.getData()
    assert xs[7] == pytest.approx(122.05 + 7 * 0.012 + 2e-4) and ys[7] == pytest.approx(29.95)
    # every scatter item painted once; a bounded number of points: clusters, not incidents
    assert per_frame["paint"] <= incident_items + 5, per_frame
    # bounded by the screen, not the day: a cell is ≥ CELL_PX / 2 wide, and holds a bubble
    # and its count, or one marker and its ring
    cells = (1600 / (CELL_PX / 2) + 1) * (1000 / (CELL_PX / 2) + 1)
    assert per_frame["points painted"] <= 300 + 2 * min(cells, incidents), per_frame
    assert not view.unit_layer.labels  # 300 units in view: no label item is even made


def shown_map(qtbot):
    scenario, state, now = scene()
    for case in list(state.incidents)[1000:]:
        del state.incidents[case]
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    view.show_state(state, None)
    return view, state, now


def alert_at(state, incident: Incident) -> None:
    """A new incident (as an alert makes one) at the place of `incident`."""
    case = str(1001 + len(state.incidents))
    state.incidents[case] = Incident(case, case, incident.received_at, incident.lon,
                                     incident.lat, "", "", "", {})
    state.incident_version += 1


def test_an_alert_in_a_bubble_redraws_that_bubble_only(qtbot, counted) -> None:
    """1,000 open: a new alert where a bubble stands changes its count; the markers drawn
    alone and the clock rings are not given their same points again."""
    view, state, now = shown_map(qtbot)
    frames(view, state, now, counted, n=1)
    layer = view.incident_layer
    shown = {i.case for i in layer.shown}
    alert_at(state, next(i for i in layer.open if i.case not in shown))
    counted.clear()
    view.show_state(state, None)
    # bubbles and their counts, the two selection rings; units did not move
    assert counted["setData"] == 4, counted


def test_an_alert_alone_redraws_the_markers_only(qtbot, counted) -> None:
    view, state, now = shown_map(qtbot)
    frames(view, state, now, counted, n=1)
    lone = Incident("x", "x", now, 122.0001, 30.1799, "", "", "", {})  # a corner of its own
    alert_at(state, lone)
    counted.clear()
    view.show_state(state, None)
    layer = view.incident_layer
    assert layer.shown[-1].lon == lone.lon
    # the markers, its clock ring's step, the two selection rings
    assert counted["setData"] == 4, counted


def test_a_retired_case_leaves_the_map_without_error(qtbot, counted) -> None:
    """Ended cases leave the replica hours after they end (dispatch/retirement.py); an open
    case the view drew may go too (a new snapshot): its marker goes."""
    view, state, now = shown_map(qtbot)
    layer = view.incident_layer
    alone = layer.shown[0]
    alone.status = IncidentStatus.CLOSED
    state.incident_version += 1
    view.show_state(state, None)
    assert alone.case not in {p.data() for p in layer.markers.points()}
    del state.incidents[alone.case]
    gone = layer.shown[0]
    del state.incidents[gone.case]
    state.incident_version += 1
    view.show_state(state, None)
    assert gone.case not in {p.data() for p in layer.markers.points()}
    assert len(layer.open) == len(state.incidents) == 998


def test_a_unit_that_changes_status_is_restyled(qtbot, counted) -> None:
    """Moving in place must not keep an old colour: a changed status goes through setData."""
    scenario, state, now = scene()
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    frames(view, state, now, counted, n=2)
    unit = state.units["U005"]
    unit.status = UnitStatus.DISPATCHED
    counted.clear()
    view.show_state(state, None)
    assert counted["setData"] == 3, counted  # the units, and the two selection rings
    spot = next(p for p in view.units.points() if p.data() == "U005")
    assert spot.brush().color().name() == UNIT_COLOURS[UnitStatus.DISPATCHED]


def test_ten_minutes_of_fixes_keep_a_trail_short_and_thin(qtbot) -> None:
    """A trail of every fix was 600 points a unit after ten minutes (180,000 for 300 units)
    drawn with a 2 px pen: 180 ms a frame. Counted: a point every TRAIL_STEP_S, plus where
    the unit is, drawn 1 px wide (a thin cosmetic line is not stroked as a polygon)."""
    scenario = scenarios.load()
    state = CenterState(scenario.roster())
    view = MapView(scenario)
    qtbot.addWidget(view)
    start = datetime.now(UTC) - timedelta(seconds=TRAIL_S)
    units = list(state.units.values())
    for second in range(int(TRAIL_S)):
        for k, unit in enumerate(units):
            unit.lon, unit.lat = 122.05 + k * 0.01 + second * 1e-5, 30.0
            unit.fix_time = start + timedelta(seconds=second)
        view.unit_layer.trails_built = 0.0  # as if a second had passed between frames
        view.show_state(state, None)
    xs, _ys = view.unit_layer.trails.getData()
    per_unit = TRAIL_S / TRAIL_STEP_S + 2
    assert len(units) * (per_unit - 2) <= len(xs) <= len(units) * per_unit
    pen = view.unit_layer.trails.opts["pen"]
    assert pen.isCosmetic() and pen.widthF() <= 1


def rendered_map(qtbot):
    """bench/map_render.py's scene with every incident, shown and rendered once."""
    scenario, state, now = scene()
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    view.show_state(state, None)
    view.grab()
    return view, state, now


def test_a_frame_where_only_units_moved_paints_no_incident(qtbot, counted, monkeypatch) -> None:
    """5,000 incidents each drawn as a marker with its clock ring (as bench/map_render.py
    --all-markers draws them): their renders are cached, so a frame where only the units
    moved paints the units and the few other points, not 10,000 symbols again; a new alert
    does repaint them, and a pan too."""
    monkeypatch.setattr(incident_layer, "CLUSTER_ABOVE", 10**9)
    view, state, now = rendered_map(qtbot)  # the incidents' one-time render
    per_frame = frames(view, state, now, counted)
    assert len(view.incident_layer.markers.points()) == 5000
    assert per_frame["points painted"] <= 300 + 50, per_frame
    alert_at(state, next(iter(state.incidents.values())))
    counted.clear()
    view.show_state(state, None)
    view.grab()
    assert counted["points painted"] >= 5000, counted
    counted.clear()
    view.plot.getViewBox().scaleBy((0.9, 0.9))
    view.grab()
    assert counted["points painted"] >= 5000, counted


def test_a_frame_where_only_units_moved_paints_no_road(qtbot, monkeypatch) -> None:
    """The roads (thousands of segments, stroked 2–4 px wide) do not move with the units:
    painted once into a cached render and blitted after (the ground was ~4 ms of an 8 ms
    frame of bench/map_render.py), again only when the view zooms."""
    painted: Counter = Counter()
    paint = pg.PlotCurveItem.paint

    def counting_paint(self, *args):
        painted[id(self)] += 1
        return paint(self, *args)

    monkeypatch.setattr(pg.PlotCurveItem, "paint", counting_paint)
    view, state, now = rendered_map(qtbot)
    roads = [item.curve for item in (view.ground.roads, *view.ground.main_roads.values())
             if len(item.curve.getData()[0])]  # the classes the scenario has
    assert len(roads) >= 2 and all(painted[id(curve)] for curve in roads)  # drawn at first
    painted.clear()
    frames(view, state, now, Counter())
    assert sum(painted[id(curve)] for curve in roads) == 0, painted
    view.plot.getViewBox().scaleBy((0.9, 0.9))
    view.grab()
    assert all(painted[id(curve)] for curve in roads)
