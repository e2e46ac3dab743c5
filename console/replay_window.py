"""The shift lead's replay: the day on the map as it was at any moment, in its own window.

A thin view of `dispatch.replay.Replay`: the window keeps only the replay clock and what is
on screen; every answer (state, positions, trails, clocks, milestones, the next event) comes
from the model. The map is the live console's `MapView` (basemap, zones, roads, posts, layer
menu, legend), with the replay's own items on its plot: the live view's items read the wall
clock (staleness, clock rings), a replay reads its own t. Loading runs off the UI thread and
can be cancelled (`load`).
"""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSlider,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.texts import status_text
from dispatch.replay import SPEEDS, Frame, Playback, Replay
from dispatch.service_hours import CHINA_TZ
from map.clock_rings import ARCS, clock_starts, ring_steps, step_pen
from map.styles import STATUS_COLOURS, UNIT_COLOURS
from map.styles import brush as _brush  # the live map's cache: symbols render once for both
from map.tiles import TileSource
from map.unit_layer import HEADINGS, KIND_SYMBOLS
from map.view import MapView
from resources.scenario import Scenario

TICK_MS = 40  # playback frames: 25 a second
MINUTE = timedelta(minutes=1)
Loader = Callable[[Callable[[int, int], None], Callable[[], bool]], Replay]


class _LoadSignals(QObject):
    """Emitted from the loading thread; Qt queues them to the window's (UI) thread."""

    progressed = Signal(int, int)
    finished = Signal(object)  # the Replay
    failed = Signal(str)


class ReplayWindow(QMainWindow):
    """Time slider, playback, follow, milestones and event steps over one `Replay`."""

    def __init__(self, scenario: Scenario, replay: Replay | None = None,
                 tiles: TileSource | None = None) -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Day replay") + (self.tr(" — DEMO DATA")
                                                     if scenario.demo else ""))
        self.scenario, self.clock = scenario, scenario.clock_policy()  # the center's 6/8 min
        self.replay: Replay | None = None
        self.playback: Playback | None = None
        self.frame: Frame | None = None
        self.following: str | None = None
        self._milestones: list[datetime] = []  # the selected case's, in the list's order
        self.opening_at: str | None = None  # HH:MM[:SS] to show once loaded (`--at`)
        self._drawn: dict[int, tuple] = {}  # plot item → the points it shows
        self._listed: list[str] = []  # the cases the case list shows, in its order
        self._roster = {u.unit_id: u for u in scenario.roster()}
        self._cancel = threading.Event()
        self._last_tick = time.monotonic()
        self._build(tiles)
        self._build_actions()
        self.timer = QTimer(self, interval=TICK_MS, timeout=self._tick)
        if replay is not None:
            self.set_replay(replay)

    # -- layout -------------------------------------------------------------------------------
    def _build(self, tiles: TileSource | None) -> None:
        self.map = MapView(self.scenario, tiles, status_text=status_text, live=False)
        # a bare curve: a PlotDataItem's own checks and bounds cost a scrub step a millisecond
        self.trails = pg.PlotCurveItem(pen=pg.mkPen(30, 90, 160, 140, width=1),
                                       skipFiniteCheck=True)
        # every running clock's ring in one item (its arc and pen per point): one item per
        # half-minute step was 17 items to update and bound on every scrub step
        self.rings = pg.ScatterPlotItem(size=26, brush=None)
        self._ring_pens = [step_pen(k, self.clock) for k in range(len(ARCS))]
        self.incidents = pg.ScatterPlotItem(size=16, symbol="o",
                                            pen=pg.mkPen("#222", width=1.5))
        self.units = pg.ScatterPlotItem(size=14, pen=pg.mkPen("#111", width=1))
        self.followed = pg.ScatterPlotItem(size=28, symbol="s", brush=None,
                                           pen=pg.mkPen("#000", width=2.5))
        for layer, items in (("trails", [self.trails]),
                             ("incidents", [self.rings, self.incidents]),
                             ("units", [self.units, self.followed])):
            for item in items:  # in the map's layers, so its layer menu hides them too
                self.map.layers.setdefault(layer, []).append(item)
                self.map.plot.addItem(item)
        self.slider = QSlider(Qt.Orientation.Horizontal, objectName="replaySlider")
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # arrows step events instead
        self.slider.valueChanged.connect(self._on_slider)
        self.time_label = QLabel("--:--:--", objectName="replayTime")
        self.time_label.setStyleSheet("font-size:18px;font-weight:bold;")
        self.play_button = QPushButton(self.tr("Play"), objectName="playButton")
        self.play_button.clicked.connect(self.toggle_play)
        self.speed = QComboBox(objectName="speed")
        for rate in SPEEDS:
            self.speed.addItem(f"{rate}×", rate)
        self.speed.currentIndexChanged.connect(self._on_speed)
        self.follow_box = QComboBox(objectName="followUnit")
        self.follow_box.addItem(self.tr("Follow: nobody"), None)
        for unit_id, unit in self._roster.items():
            self.follow_box.addItem(f"{unit_id} {unit.name}", unit_id)
        self.follow_box.currentIndexChanged.connect(
            lambda _n: self.follow(self.follow_box.currentData()))
        back = QPushButton(self.tr("◀ Event"), clicked=lambda: self.step(False))
        forward = QPushButton(self.tr("Event ▶"), clicked=lambda: self.step(True))
        controls = QHBoxLayout()
        for widget in (self.time_label, back, self.play_button, forward, self.speed,
                       self.follow_box):
            controls.addWidget(widget)
        controls.addWidget(self.slider, 1)
        self.case_list = QListWidget(objectName="replayCases")
        self.case_list.currentItemChanged.connect(self._on_case)
        self.milestone_list = QListWidget(objectName="milestones")
        self.milestone_list.itemActivated.connect(self._on_milestone)
        self.milestone_list.itemClicked.connect(self._on_milestone)
        self.summary = QLabel(objectName="replaySummary")
        side = QWidget()
        side.setMinimumWidth(280)  # "1001  已到场  6:40(已停止)" whole
        column = QVBoxLayout(side)
        column.setContentsMargins(0, 0, 0, 0)
        for widget in (QLabel(self.tr("Open incidents at this moment (8-minute clock)")),
                       self.case_list, QLabel(self.tr("Milestones (click to jump)")),
                       self.milestone_list, self.summary):
            column.addWidget(widget)
        split = QSplitter()
        split.addWidget(self.map)
        split.addWidget(side)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)
        central = QWidget()
        page = QVBoxLayout(central)
        page.addWidget(split, 1)
        page.addLayout(controls)
        self.setCentralWidget(central)
        self.progress = QProgressBar(objectName="loadProgress")
        self.cancel_button = QPushButton(self.tr("Cancel"), clicked=self._cancel.set)
        self.statusBar().addPermanentWidget(self.progress)
        self.statusBar().addPermanentWidget(self.cancel_button)
        self._show_loading(False)
        self.speed.setCurrentIndex(SPEEDS.index(60))

    def _build_actions(self) -> None:
        """Keys: the replay is driven from the keyboard like the live console."""
        actions = [
            (self.tr("Play / pause"), ["Space"], self.toggle_play),
            (self.tr("Next event"), ["Right", "."], lambda: self.step(True)),
            (self.tr("Previous event"), ["Left", ","], lambda: self.step(False)),
            (self.tr("One minute on"), ["Shift+Right"], lambda: self.nudge(MINUTE)),
            (self.tr("One minute back"), ["Shift+Left"], lambda: self.nudge(-MINUTE)),
            (self.tr("Faster"), ["Up", "+"], lambda: self.change_speed(True)),
            (self.tr("Slower"), ["Down", "-"], lambda: self.change_speed(False)),
            (self.tr("Start of the range"), ["Home"], lambda: self._seek_end(False)),
            (self.tr("End of the range"), ["End"], lambda: self._seek_end(True)),
            (self.tr("Close replay"), ["Ctrl+W"], self.close),
        ]
        for text, keys, slot in actions:
            action = QAction(text, self)
            action.setShortcuts([QKeySequence(k) for k in keys])
            action.triggered.connect(slot)
            self.addAction(action)

    # -- loading ------------------------------------------------------------------------------
    def load(self, loader: Loader) -> None:
        """Run `loader(progress, cancelled)` on a worker thread; the window stays live and
        shows its progress, Cancel stops it between units."""
        signals = _LoadSignals(self)
        signals.progressed.connect(self._on_progress)
        signals.finished.connect(self._on_loaded)
        signals.failed.connect(self._on_load_failed)
        self._cancel.clear()
        self._show_loading(True)
        self.statusBar().showMessage(self.tr("Loading the day…"))

        def work() -> None:
            try:
                replay = loader(signals.progressed.emit, self._cancel.is_set)
            except Exception as exc:  # noqa: BLE001 - shown to the user, the window stays
                signals.failed.emit(str(exc) or type(exc).__name__)
                return
            signals.finished.emit(replay)

        threading.Thread(target=work, name="replay-load", daemon=True).start()

    def _show_loading(self, on: bool) -> None:
        self.progress.setVisible(on)
        self.cancel_button.setVisible(on)

    def _on_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, total)
        self.progress.setValue(done)

    def _on_loaded(self, replay: Replay) -> None:
        self._show_loading(False)
        self.set_replay(replay)
        if self.opening_at:
            self.set_time(at_time(replay, self.opening_at))

    def _on_load_failed(self, message: str) -> None:
        self._show_loading(False)
        if self._cancel.is_set():
            self.statusBar().showMessage(self.tr("Loading cancelled"))
        else:
            self.statusBar().showMessage(self.tr("Loading failed: %1").replace("%1", message))

    # -- the model in ---------------------------------------------------------------------------
    def set_replay(self, replay: Replay) -> None:
        self.replay = replay
        self.playback = Playback(replay.start, replay.end, replay.start,
                                 speed=self.speed.currentData())
        self.slider.blockSignals(True)
        self.slider.setRange(0, int((replay.end - replay.start).total_seconds()))
        self.slider.blockSignals(False)
        self.statusBar().showMessage(
            self.tr("%1 fixes, %2 events, %3 incidents").replace("%1", f"{len(replay.tracks):,}")
            .replace("%2", f"{len(replay.events):,}").replace("%3", str(len(replay.cases()))))
        self.set_time(replay.start)

    def set_time(self, moment: datetime) -> None:
        """Show the replay at `moment`: the one place a frame is drawn."""
        if self.replay is None or self.playback is None:
            return
        moment = self.playback.seek(moment)
        self.frame = frame = self.replay.frame(moment)
        self.slider.blockSignals(True)
        self.slider.setValue(int((moment - self.replay.start).total_seconds()))
        self.slider.blockSignals(False)
        self.time_label.setText(moment.astimezone(CHINA_TZ).strftime("%m-%d %H:%M:%S"))
        self._draw_units(frame)
        self._draw_incidents(frame)
        self._list_cases(frame)

    def _draw_units(self, frame: Frame) -> None:
        known = np.flatnonzero(~np.isnan(frame.lon))
        x, y = self.map.display(frame.lon[known], frame.lat[known])
        ids = [frame.units[n] for n in known.tolist()]
        units = frame.state.units
        self.units.setData(
            x=x, y=y, data=ids,
            brush=[_brush(UNIT_COLOURS[units[u].status], faded)
                   for u, faded in zip(ids, frame.stale()[known].tolist(), strict=True)],
            symbol=self._symbols(frame, known, ids))
        lon, lat, joins = self.replay.tracks.trails(self.replay.tracks.seconds(frame.time))
        self.trails.setData(*self.map.display(lon, lat), connect=joins.astype(np.int32))
        spot = frame.position(self.following) if self.following else None
        fx, fy = self.map.display([spot[0]] if spot else [], [spot[1]] if spot else [])
        self._set_if_changed(self.followed, fx, fy, ())
        if spot is not None:
            self.map.show_point(*spot)

    def _symbols(self, frame: Frame, known: np.ndarray, ids: list[str]) -> list:
        """As on the live map: a heading arrow for a moving guide, else the unit's kind (one
        pass over plain lists: numpy scalars one by one cost a scrub step a millisecond)."""
        kinds = [frame.state.units[u].kind for u in ids]
        headings = (((frame.course[known] + 22.5) % 360) // 45).astype(int).tolist()
        return [HEADINGS[h] if moving and kind == "guide" else KIND_SYMBOLS.get(kind, "d")
                for kind, h, moving in zip(kinds, headings, frame.moving[known].tolist(),
                                           strict=True)]

    def _draw_incidents(self, frame: Frame) -> None:
        """Markers by status, clock rings by half-minute step; an item whose points are the
        same as in the frame before is not touched (a setData costs ~0.5 ms even when empty)."""
        shown = frame.open_incidents()
        x, y = self.map.display([i.lon for i in shown], [i.lat for i in shown])
        self._set_if_changed(self.incidents, x, y, tuple((i.case, i.status) for i in shown),
                             data=[i.case for i in shown],
                             brush=[_brush(STATUS_COLOURS.get(i.status, "#999"))
                                    for i in shown])
        running, steps = ring_steps(clock_starts(shown, frame.time, self.clock), frame.time,
                                    self.clock)
        self._set_if_changed(self.rings, x[running], y[running], tuple(steps.tolist()),
                             symbol=[ARCS[k] for k in steps.tolist()],
                             pen=[self._ring_pens[k] for k in steps.tolist()])

    def _set_if_changed(self, item: pg.ScatterPlotItem, x: np.ndarray, y: np.ndarray,
                        key: tuple, **style) -> None:
        signature = (x.tobytes(), y.tobytes(), key)
        if self._drawn.get(id(item)) != signature:
            self._drawn[id(item)] = signature
            item.setData(x=x, y=y, **style)

    def _list_cases(self, frame: Frame) -> None:
        """The open incidents with their clocks; the selected case stays selected. The list is
        rebuilt only when its cases change, else only the rows whose text or colour changed
        are touched: a rebuild every scrub step relaid and repainted the whole list."""
        clocks = frame.clocks(self.clock)
        rows = []
        for case in sorted(clocks, key=lambda c: (len(c), c)):
            incident, c = frame.state.incidents[case], clocks[case]
            minutes, seconds = divmod(int(c.elapsed_s), 60)
            rows.append((case, f"{case}  {status_text(incident.status)}  "
                               f"{minutes}:{seconds:02d}"
                               + (self.tr(" (stopped)") if c.stopped else ""),
                         {"warn": "#c77700", "breach": "#d00000"}.get(c.level, "#1a7f1a")))
        if [case for case, _, _ in rows] != self._listed:
            self._rebuild_case_list(rows)
        else:
            for n, (_case, text, colour) in enumerate(rows):
                item = self.case_list.item(n)
                if item.text() != text:
                    item.setText(text)
                if item.foreground().color() != pg.mkColor(colour):
                    item.setForeground(pg.mkColor(colour))
        counts: dict[str, int] = {}
        for unit in frame.state.units.values():
            counts[unit.status] = counts.get(unit.status, 0) + 1
        summary = " · ".join(f"{status_text(s)} {n}" for s, n in sorted(counts.items()))
        if self.summary.text() != summary:
            self.summary.setText(summary)

    def _rebuild_case_list(self, rows: list[tuple[str, str, str]]) -> None:
        selected = self.case_list.currentItem()
        keep = selected.data(Qt.ItemDataRole.UserRole) if selected else None
        self.case_list.blockSignals(True)
        self.case_list.clear()
        for case, text, colour in rows:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, case)
            item.setForeground(pg.mkColor(colour))
            self.case_list.addItem(item)
            if case == keep:
                self.case_list.setCurrentItem(item)
        self.case_list.blockSignals(False)
        self._listed = [case for case, _, _ in rows]

    # -- the dispatcher's hands ----------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.playback is None:
            return
        self.playback.playing = not self.playback.playing
        if self.playback.playing and self.playback.time >= self.playback.end:
            self.playback.time = self.playback.start
        self._last_tick = time.monotonic()
        self.play_button.setText(self.tr("Pause") if self.playback.playing else self.tr("Play"))
        if self.playback.playing:
            self.timer.start()
        else:
            self.timer.stop()

    def _tick(self) -> None:
        now = time.monotonic()
        wall, self._last_tick = now - self._last_tick, now
        if self.playback is None:
            return
        self.set_time(self.playback.advance(wall))
        if not self.playback.playing:
            self.timer.stop()
            self.play_button.setText(self.tr("Play"))

    def step(self, forward: bool) -> None:
        """To the next (or previous) event of the log: a shift lead reads the day fact by
        fact."""
        if self.replay is not None and self.playback is not None:
            self.set_time(self.replay.step(self.playback.time, forward))

    def nudge(self, by: timedelta) -> None:
        if self.playback is not None:
            self.set_time(self.playback.time + by)

    def change_speed(self, up: bool) -> None:
        if self.playback is not None:
            self.speed.setCurrentIndex(SPEEDS.index(self.playback.faster(up)))

    def _on_speed(self, _index: int) -> None:
        if self.playback is not None:
            self.playback.speed = self.speed.currentData()

    def _seek_end(self, end: bool) -> None:
        if self.replay is not None:
            self.set_time(self.replay.end if end else self.replay.start)

    def _on_slider(self, value: int) -> None:
        if self.replay is not None:
            self.set_time(self.replay.start + timedelta(seconds=value))

    def follow(self, unit_id: str | None) -> None:
        """Keep this unit in view as t moves (None: stop)."""
        self.following = unit_id
        self.follow_box.blockSignals(True)
        self.follow_box.setCurrentIndex(max(self.follow_box.findData(unit_id), 0) if unit_id else 0)
        self.follow_box.blockSignals(False)
        if self.frame is not None:
            self._draw_units(self.frame)

    def _on_case(self, current: QListWidgetItem | None, _previous=None) -> None:
        self.milestone_list.clear()
        if current is None or self.replay is None:
            return
        case = current.data(Qt.ItemDataRole.UserRole)
        for when, status in self.replay.milestones(case):
            self.milestone_list.addItem(f"{when.astimezone(CHINA_TZ):%H:%M:%S}  "
                                        f"{status_text(status)}")
        self._milestones = [when for when, _status in self.replay.milestones(case)]

    def _on_milestone(self, item: QListWidgetItem) -> None:
        """To an incident's milestone: the state just after it happened."""
        self.set_time(self._milestones[self.milestone_list.row(item)])

    def closeEvent(self, event) -> None:  # Qt override: a load still running is stopped
        self._cancel.set()
        self.timer.stop()
        super().closeEvent(event)


def at_time(replay: Replay, clock_text: str) -> datetime:
    """`HH:MM[:SS]` China time: its first occurrence within the replay's range."""
    wanted = datetime.strptime(clock_text, "%H:%M:%S" if clock_text.count(":") == 2
                               else "%H:%M").time()
    local = replay.start.astimezone(CHINA_TZ)
    moment = datetime.combine(local.date(), wanted, CHINA_TZ)
    return moment if moment >= local else moment + timedelta(days=1)


def show_replay(args: argparse.Namespace, scenario: Scenario, loader: Loader) -> int:
    """`jingbao replay`: the window, loading off the UI thread; with `--out`, load, draw the
    moment `--at` and save it as a PNG (a review picture, and what the CLI test looks at)."""
    from console.app import make_app, tile_source

    app = make_app(args.lang)
    window = ReplayWindow(scenario, tiles=tile_source(args.tiles, scenario))
    window.resize(1600, 1000)
    if args.out:
        replay = loader(lambda _done, _total: None, lambda: False)
        window.set_replay(replay)
        window.follow(args.follow)
        window.set_time(at_time(replay, args.at) if args.at else replay.start)
        window.show()
        app.processEvents()
        ok = window.grab().save(args.out)
        print(f"{args.out}: {len(replay.tracks):,} fixes, {len(replay.cases())} incidents, "
              f"at {window.time_label.text()}")
        window.close()
        return 0 if ok else 1
    window.show()
    window.load(loader)
    if args.follow:
        window.follow(args.follow)
    if args.at:
        window.opening_at = args.at
    return app.exec()
