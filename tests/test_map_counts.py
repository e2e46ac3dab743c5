"""The live map's work per frame, counted: what a frame draws and updates must not grow with
the day's incidents, and a frame where only units moved must not touch the incident layer.

Counts, not times: the machine these run on is shared, and a frame's time there varies
twofold; a regression that redraws every incident per frame changes these numbers on any
machine. The scene is bench/map_render.py's: 300 units, 30 zones, 1,000 then 5,000 incidents.
"""

from __future__ import annotations

from collections import Counter

import pyqtgraph as pg
import pytest

from bench.map_render import scene
from dispatch.state import UnitStatus
from map.clusters import CELL_PX
from map.view import UNIT_COLOURS, MapView


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
    assert not view.unit_labels  # 300 units in view: no label item is even made


def test_a_new_incident_updates_the_incident_layer_once(qtbot, counted) -> None:
    scenario, state, now = scene()
    view = MapView(scenario)
    qtbot.addWidget(view)
    view.resize(1600, 1000)
    view.show()
    view.show_state(state, None)
    frames(view, state, now, counted, n=1)
    incident = state.incidents.pop("1001")
    state.incidents["9999"] = incident
    state.incident_version += 1
    counted.clear()
    view.show_state(state, None)
    layer = view.incident_layer
    # markers, bubbles and counts once each, the clock rings once each, units and rings
    assert counted["setData"] <= 3 + len(layer.rings) + 3, counted


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
