"""The dispatcher's main window: queue, map, selected incident, unit board and radio log.

It is a client of the hub (console/hub_client.py), in one workstation's process or on another
PC alike. It keeps a replica of the center state that only ever changes through the client's
one ordered channel: first a snapshot, then the events that follow it, so nothing can fall
between a copy and a stream. It repaints on a frame timer so a burst of positions costs one
refresh, not one per report. Every action goes to the hub as a command naming the version of
the incident it was based on; the window changes only when the resulting events come back, so
what the dispatcher sees is what the log holds.
"""

from __future__ import annotations

import logging
import subprocess
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPushButton,
    QSlider,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console import appearance
from console.actions import ACTIONS, MENUS
from console.alarm_sounds import AlarmSounds
from console.command_bar import CommandBar
from console.desk import Desk
from console.frame_pacing import FRAME_MS, FramePacer
from console.hub_client import HubClient
from console.map_window import MapPlacement
from console.models import QueueModel, UnitBoardModel
from console.panels import IncidentPanel, RadioLogPanel
from console.queue_anchor import PointerAnchor
from console.review_tools import ReviewTools
from console.settings import ConsoleSettings
from console.signals import HubSignals
from console.texts import disposition_text, refusal_text, status_text, verb_help
from console.users_dialog import UsersDialog
from db.schema import default_url
from dispatch.command_bar import CANNED, VERBS, Parsed
from dispatch.commands import page_text
from dispatch.dispositions import DISPOSITIONS
from dispatch.events import (
    UNIT_POSITION,
    Event,
    utc_now,
)
from dispatch.lifecycle import TERMINAL, IncidentStatus
from dispatch.retirement import SWEEP_EVERY_S
from dispatch.search import search
from dispatch.service_hours import CHINA_TZ
from dispatch.state import CenterState
from hub import heap
from map.tiles import TileSource
from map.view import MapView
from resources.scenario import Scenario

log = logging.getLogger(__name__)


EMERGENCY_REPEAT_S = 3  # an unacknowledged emergency sounds again every few seconds
LAYOUT_VERSION = 1  # of the saved dock layout: raise it when the docks change

def compact_rows(table: QTableView) -> None:
    """Rows a line of text high: the style's default leaves room for seven units where a
    control room wants the whole roster in view."""
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)


class MainWindow(QMainWindow):
    def __init__(self, scenario: Scenario, hub: HubClient, signals: HubSignals,
                 settings: ConsoleSettings, tiles: TileSource | None = None) -> None:
        super().__init__()
        self.hub, self.signals, self.settings = hub, signals, settings
        self.scenario = scenario
        self.setWindowTitle(self.tr("Jingbao Console") + (self.tr(" — DEMO DATA")
                                                          if scenario.demo else ""))
        self.desk = Desk(scenario, settings)  # what the console knows and decides, no Qt
        self.review: ReviewTools | None = None  # the replay and KPI programs, when known
        self.review_programs: list[subprocess.Popen] = []  # started from the menu
        self.state = self.desk.state  # the replica, replaced in place by the hub's snapshots
        self._dirty = True
        self._refresh_queued = False
        self._build(scenario, tiles)
        self._connect_signals()
        self._build_actions()
        # a frame is painted when something changed, when console/frame_pacing.py says
        self.frame = QTimer(self, singleShot=True, timeout=self.refresh)
        self.pacer = FramePacer()
        self.frame.start(0)
        self.ticker = QTimer(self, interval=1000, timeout=self._tick)
        self._quitting = False  # the dispatcher said yes to quitting
        self._apply_appearance()
        self._ticks = 0  # seconds since the window opened, for repeating alarms
        self._queue_waits = False  # the queue's rows are held (console/queue_anchor.py)
        self.go_to_new_alerts = appearance.settings().value("queue/go_to_new_alerts", False,
                                                            type=bool)
        self.ticker.start()
        self.refresh()

    # -- layout -------------------------------------------------------------------------------
    def _build(self, scenario: Scenario, tiles: TileSource | None) -> None:
        self.queue_model = QueueModel(self.state, self.settings.clock_policy)
        self.queue = QTableView(objectName="queue")
        self.queue.setModel(self.queue_model)
        self.queue.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.queue.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue.verticalHeader().hide()
        compact_rows(self.queue)
        self.queue_anchor = PointerAnchor(self.queue)
        header = self.queue.horizontalHeader()  # fixed widths: rows are never measured
        for column, width in enumerate(self.queue_model.column_widths(self.queue.fontMetrics())):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.queue.selectionModel().currentRowChanged.connect(self._on_current_row)
        self.map = MapView(scenario, tiles, status_text=status_text)
        self.map.incident_clicked.connect(self.select_case)
        self.map.incident_menu.connect(self.show_incident_menu)
        self.map.unit_dropped.connect(self.dispatch_dropped)
        self.map.unit_clicked.connect(self.select_unit)
        router = getattr(self.settings.road_etas, "router", None)
        if router is not None:  # roads as routing sees them (an OSM import, or the scenario's)
            self.map.show_road_graph(router.graph)
        self.map.measured.connect(lambda metres: self.statusBar().showMessage(
            self.tr("Distance: %1 m").replace("%1", f"{metres:,.0f}"), 10000))
        self.panel = IncidentPanel()
        self.board_model = UnitBoardModel(self.state)
        self.board = QTableView(objectName="unitBoard")
        self.board.setModel(self.board_model)
        self.board.verticalHeader().hide()
        compact_rows(self.board)
        header = self.board.horizontalHeader()  # fixed widths: 300 rows are never measured
        for column, width in enumerate(self.board_model.column_widths(self.board.fontMetrics())):
            header.resizeSection(column, width)
        header.setStretchLastSection(True)
        self.board.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.board.selectionModel().currentRowChanged.connect(self._on_board_row)
        self.radio_log = RadioLogPanel()
        self.ptt_button = QPushButton(self.tr("Hold to talk (PTT)"), objectName="pttButton")
        self.ptt_button.setEnabled(self.settings.voice)
        self.ptt_button.setToolTip(self.tr("Keys the radio while held; needs --voice"))
        self.ptt_button.pressed.connect(lambda: self._ptt(True))
        self.ptt_button.released.connect(lambda: self._ptt(False))
        self.radio_log.layout().itemAt(0).layout().addWidget(self.ptt_button)
        self.emergency_banner = QLabel(objectName="emergencyBanner")
        self.emergency_banner.setStyleSheet(
            "background:#d00000;color:white;font-size:16px;font-weight:bold;padding:6px;")
        self.emergency_banner.hide()
        self.breach_banner = QLabel(objectName="breachBanner")
        self.breach_banner.setStyleSheet(
            "background:#e85d04;color:white;font-size:15px;font-weight:bold;padding:5px;")
        self.breach_banner.hide()
        page = QWidget()
        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.emergency_banner)
        column.addWidget(self.breach_banner)
        column.addWidget(self.map)
        self.setCentralWidget(page)
        self.central = page
        self.map_place = MapPlacement(self, self.map, column)  # or a window of its own
        self._build_docks()
        self.command_bar = CommandBar(self._names)
        self.command_bar.command.connect(self.run_command)
        self.command_bar.rejected.connect(self._on_command_failed)
        self.command_bar.done.connect(self.queue.setFocus)
        self.command_bar.hint.connect(lambda text: self.statusBar().showMessage(text, 6000))
        bar = self.addToolBar(self.tr("Command"))
        bar.setObjectName("commandToolBar")
        bar.setMovable(False)
        bar.addWidget(self.command_bar)
        self.links: dict[str, QLabel] = {}
        self.clock = QLabel()
        self.sounds = AlarmSounds()
        self.volume = QSlider(Qt.Orientation.Horizontal, objectName="alarmVolume",
                              minimum=0, maximum=100, maximumWidth=110)
        self.volume.setToolTip(self.tr("Alarm volume"))
        self.volume.setValue(int(appearance.settings().value("sound/volume", 80)))
        self.sounds.volume = self.volume.value() / 100
        self.volume.valueChanged.connect(self._set_volume)
        self.mute_label = QLabel(self.tr("Sound on"))
        self.chain_label = QLabel(objectName="chainHead")  # for shift leads: the log's head
        self.statusBar().addPermanentWidget(self.chain_label)
        self.statusBar().addPermanentWidget(self.mute_label)
        self.statusBar().addPermanentWidget(self.volume)
        self.statusBar().addPermanentWidget(self.clock)

    def _build_docks(self) -> None:
        """The map is the window; the queue, the incident, the unit board and the radio log
        are docks around it that a dispatcher can move, stack or float onto a second screen.
        They cannot be closed: a queue closed by a stray click would hide new alerts."""
        self.docks: dict[str, QDockWidget] = {}
        for name, title, widget, area in (
                ("queueDock", self.tr("Queue"), self.queue, Qt.DockWidgetArea.LeftDockWidgetArea),
                ("incidentDock", self.tr("Incident"), self.panel,
                 Qt.DockWidgetArea.RightDockWidgetArea),
                ("unitsDock", self.tr("Units"), self.board, Qt.DockWidgetArea.BottomDockWidgetArea),
                ("radioDock", self.tr("Radio log"), self.radio_log,
                 Qt.DockWidgetArea.BottomDockWidgetArea)):
            dock = QDockWidget(title, self, objectName=name)
            dock.setWidget(widget)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                             | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
            self.addDockWidget(area, dock)
            self.docks[name] = dock
        self.splitDockWidget(self.docks["unitsDock"], self.docks["radioDock"],
                             Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["queueDock"], self.docks["incidentDock"]], [470, 300],
                         Qt.Orientation.Horizontal)
        rows = len(self.state.units) + 1  # the whole roster and the header, up to a screenful
        height = min(rows, 16) * self.board.verticalHeader().defaultSectionSize() + 40
        self.resizeDocks([self.docks["unitsDock"]], [height], Qt.Orientation.Vertical)

    def show_restored(self) -> None:
        """Open as this workstation left it (size, screen, docks), or maximised the first
        time: a control-room PC has one job and the whole screen for it."""
        prefs = appearance.settings()
        geometry, layout = prefs.value("window/geometry"), prefs.value("window/docks")
        if geometry is not None and self.restoreGeometry(geometry):
            if layout is not None:
                self.restoreState(layout, LAYOUT_VERSION)
            self.show()
            self.map_place.restore()
        else:  # the screen's size too: without a window manager "maximised" is only a wish
            self.setGeometry(self.screen().availableGeometry())
            self.showMaximized()

    def _keep_layout(self) -> None:
        prefs = appearance.settings()
        prefs.setValue("window/geometry", self.saveGeometry())
        prefs.setValue("window/docks", self.saveState(LAYOUT_VERSION))
        self.map_place.keep()
        prefs.sync()

    def _connect_signals(self) -> None:
        self.signals.session_opened.connect(lambda _user, _role, verbs: self._allow(verbs))
        self.signals.snapshot_received.connect(self._on_snapshot)
        self.signals.events_appended.connect(self._on_events)
        self.signals.radio_logged.connect(self.radio_log.append_entry)
        self.signals.link_changed.connect(self._on_link)
        self.signals.command_failed.connect(self._on_command_failed)
        for link, (status, detail) in dict(self.hub.links).items():
            self._on_link(link, status, detail)

    def _build_actions(self) -> None:
        """Keys, menus and the F1 help from one table (console/actions.py)."""
        menus = {key: self.menuBar().addMenu(QCoreApplication.translate("Actions", text))
                 for key, text in MENUS.items()}
        self.verb_actions: list[tuple[str, QAction]] = []
        for spec in ACTIONS:
            action = QAction(QCoreApplication.translate("Actions", spec.text), self)
            action.setShortcuts([QKeySequence(k) for k in spec.keys])
            handler = getattr(self, spec.handler)
            action.triggered.connect(lambda _checked=False, h=handler, a=spec.args: h(*a))
            if spec.work_key:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                for area in (self.central, *self.docks.values()):
                    area.addAction(action)
            else:
                self.addAction(action)
            menus[spec.menu].addAction(action)
            if spec.verb is not None:
                action.setEnabled(spec.verb != "users")  # the session says (`_allow`)
                self.verb_actions.append((spec.verb, action))

    def _allow(self, verbs: list[str]) -> None:
        """Only what this session's role may send: the hub would refuse the rest anyway."""
        for verb, action in self.verb_actions:
            action.setEnabled(verb in verbs)

    def toggle_map_window(self) -> None:
        self.map_place.toggle()

    def focus_queue(self) -> None:
        self.queue.setFocus()

    def toggle_new_alerts(self) -> None:
        """The option to select each new alert as it comes and bring it into view on the map
        (for a desk that works alerts one by one); kept for the workstation."""
        self.go_to_new_alerts = not self.go_to_new_alerts
        prefs = appearance.settings()
        prefs.setValue("queue/go_to_new_alerts", self.go_to_new_alerts)
        prefs.sync()
        self.statusBar().showMessage(self.tr("New alerts are selected as they come")
                                     if self.go_to_new_alerts
                                     else self.tr("New alerts wait in the queue"), 4000)

    def toggle_ended(self) -> None:
        """Ended cases are out of the live queue; this brings the latest back, and hides them."""
        shown = not self.queue_model.ended_rows
        self.queue_model.show_ended(shown)
        self.statusBar().showMessage(self.tr("Ended cases shown at the bottom") if shown
                                     else self.tr("Ended cases hidden"), 4000)

    # -- events in ----------------------------------------------------------------------------
    def _on_snapshot(self, state: CenterState) -> None:
        """The hub's state as of a sequence number: on connecting, or when the line could not
        be resumed. The models keep their reference: the replica is replaced in place."""
        self.desk.reset(state)
        self._mark_dirty()
        self.refresh()
        heap.settle()  # the replica is the bulk of what lives long

    def _on_events(self, events: list[Event]) -> None:
        events, alarm = self.desk.take(events)  # in order, after the snapshot
        self._mark_dirty(paced=True)
        if alarm is not None:
            self._show_breaches()
            self._sound(alarm)
        calling = self.desk.new_emergency(events)
        if calling is not None:  # the map goes to the guide in trouble, the board rings it
            self.select_unit(calling.unit_id)
            if calling.lon is not None:
                self.map.show_point(calling.lon, calling.lat)
        newest = self.desk.newest_alert(events)
        if newest is not None and self.go_to_new_alerts:
            self.select_case(newest.case)
            self.map.show_point(newest.lon, newest.lat)
        if not self._refresh_queued and any(e.type != UNIT_POSITION for e in events):
            # A new alert or status change is painted on the next loop turn, even inside a
            # frame's slot; positions share frames (_mark_dirty), so a burst of them costs
            # one repaint per FRAME_MS, not one per batch.
            self._refresh_queued = True
            QTimer.singleShot(0, self.refresh)

    def _sound(self, alarm: str) -> None:
        """Each alarm its own sound, unless the dispatcher muted them (Ctrl+M); the taskbar
        entry flashes too, for a console behind another window."""
        self.sounds.play(alarm)
        QApplication.alert(self)

    def toggle_mute(self) -> None:
        self.sounds.muted = not self.sounds.muted
        self.mute_label.setText(self.tr("Muted") if self.sounds.muted else self.tr("Sound on"))

    def _on_link(self, link: str, status: str, detail: str) -> None:
        label = self.links.get(link)
        if label is None:
            label = self.links[link] = QLabel()
            self.statusBar().addPermanentWidget(label)
        ok = status == "connected"
        label.setText(f"{'●' if ok else '○'} {link}")
        label.setToolTip(detail)
        label.setStyleSheet(f"color:{'#1a7f37' if ok else '#c00'};padding:0 6px")

    def _on_command_failed(self, message: str) -> None:
        log.warning("command refused: %s", message)
        self.statusBar().showMessage(message, 8000)

    # -- refresh ------------------------------------------------------------------------------
    def _tick(self) -> None:
        self.clock.setText(datetime.now(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S"))
        if self.hub.chain_head is not None:
            last, digest = self.hub.chain_head
            self.chain_label.setText(self.tr("Log #%1 · %2").replace("%1", str(last))
                                     .replace("%2", digest[:12]))
            self.chain_label.setToolTip(self.tr("Head of the event log's hash chain; compare "
                                                "with `jingbao audit verify`: %1")
                                        .replace("%1", digest))
        self._mark_dirty()
        if self._ticks % SWEEP_EVERY_S == 0:  # the hub lets them go first (retirement.py)
            self.desk.retire(utc_now())
        if self.desk.emergencies() and self._ticks % EMERGENCY_REPEAT_S == 0:
            self._sound("emergency")  # an emergency rings until acknowledged
        self._ticks += 1

    def _show_emergencies(self) -> None:
        units = self.desk.emergencies()
        self.emergency_banner.setVisible(bool(units))
        if units:
            names = "、".join(f"{u} {self.state.units[u].name}" for u in units)
            self.emergency_banner.setText(
                self.tr("EMERGENCY from %1 — Ctrl+E to acknowledge").replace("%1", names))

    def acknowledge_emergency(self) -> None:
        units = self.desk.emergencies()
        if units:
            self._send(self.tr("Acknowledge"), "acknowledge_emergency", units[0])

    def _show_breaches(self) -> None:
        """An 8-minute breach stays on screen until this desk acknowledges it (Ctrl+B): a
        dispatcher away for a minute must still learn which cases ran late."""
        breaches = self.desk.breaches
        self.breach_banner.setVisible(bool(breaches))
        if breaches:
            self.breach_banner.setText(
                self.tr("8 minutes passed without arrival: case %1 — Ctrl+B to acknowledge")
                .replace("%1", "、".join(breaches)))

    def acknowledge_breaches(self) -> None:
        self.desk.acknowledge_breaches()
        self._show_breaches()

    def _set_volume(self, percent: int) -> None:
        """The alarms' loudness, 0–100 %, kept for this workstation."""
        self.sounds.volume = percent / 100
        prefs = appearance.settings()
        prefs.setValue("sound/volume", percent)
        prefs.sync()

    def _mark_dirty(self, paced: bool = False) -> None:
        """Something shown changed (`paced`: the hub's events): have a frame painted."""
        self._dirty = True
        delay = self.pacer.changed(self.frame.isActive(), paced)
        if delay is not None:
            self.frame.start(delay)

    def refresh(self) -> None:
        """Repaint the views from the replica if anything changed (the frame timer calls
        it; a caller about to read the views can call it to have them current)."""
        self._refresh_queued = False
        self.pacer.painted()
        selected = self.desk.selected
        if self._dirty or self._queue_waits:  # rows wait while the dispatcher aims at one
            self._queue_waits = self.queue_anchor.holding()
            # a new alert reaches the screen before the map moves
            if not self._queue_waits and self.queue_model.refresh():
                self.queue.viewport().repaint()
            elif self._queue_waits and not self.frame.isActive():  # look again next frame
                self.frame.start(FRAME_MS)
        if not self._dirty:
            return
        self._dirty = False
        self.board_model.refresh()
        if selected is not None:
            self._select_row(selected)
        self.map.show_state(self.state, self.desk.selected)
        self._show_selected()
        self._show_emergencies()

    def _show_selected(self) -> None:
        self.panel.show_incident(self.desk.selected_incident(), self.desk.recommend(utc_now()),
                                 self.desk.verdict(), self.desk.duplicates())

    # -- selection ----------------------------------------------------------------------------
    def _on_current_row(self, current, _previous) -> None:
        if current.isValid():
            self.desk.selected = self.queue_model.rows[current.row()].case
            self.map.show_state(self.state, self.desk.selected)
            incident = self.state.incidents.get(self.desk.selected)
            if incident is not None:  # in view, at the dispatcher's zoom
                self.map.show_point(incident.lon, incident.lat)
            self._show_selected()

    def _on_board_row(self, current, _previous) -> None:
        if current.isValid() and current.row() < len(self.board_model.rows):
            self.map.unit_layer.selected = self.board_model.rows[current.row()].unit_id
            self.map.show_state(self.state, self.desk.selected)

    def select_unit(self, unit_id: str) -> None:
        """A unit clicked on the map: its row on the board becomes current (and it is ringed)."""
        row = next((n for n, u in enumerate(self.board_model.rows) if u.unit_id == unit_id), -1)
        if row >= 0:
            self.board.selectRow(row)
            self.board.scrollTo(self.board_model.index(row, 0))
        self.map.unit_layer.selected = unit_id
        self.map.show_state(self.state, self.desk.selected)

    def _select_row(self, case: str) -> None:
        row = self.queue_model.row_of(case)
        if row < 0:
            return
        index = self.queue_model.index(row, 0)
        if self.queue.currentIndex().row() != row:
            self.queue.selectionModel().setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)

    def select_case(self, case: str) -> None:
        self.desk.selected = case
        self._select_row(case)
        self._mark_dirty()

    # -- commands out -------------------------------------------------------------------------
    def _command(self, what: str, verb: str, *args) -> None:
        if self.desk.selected is None:
            self.statusBar().showMessage(self.tr("Select an alert first"), 4000)
            return
        self._send(what, verb, *args)

    def _send(self, what: str, verb: str, *args) -> None:
        """One command to the hub. When it acts on an incident it names the version this
        console saw, so acting on a case someone else has just changed is refused and told,
        never silently applied to a case the dispatcher has not seen."""
        self.hub.submit(verb, *args, based_on=self.desk.based_on(args)).add_done_callback(
            self._report_failure(what))

    def help_text(self) -> str:
        """Every key and command, read from the action table and the command grammar."""
        keys = [f"{' / '.join(spec.keys)}\t{QCoreApplication.translate('Actions', spec.text)}"
                for spec in ACTIONS]
        verbs = [verb_help(letter) for letter in VERBS]
        canned = [f"#{k}\t{text}" for k, text in CANNED.items()]
        return "\n".join([*keys, "", *verbs, "", self.tr("Canned pages (/p G07 #2):"),
                          *canned])

    def manage_users(self) -> None:
        UsersDialog(self.hub, self).exec()

    def show_help(self) -> None:
        QMessageBox.information(self, self.tr("Keyboard help"), self.help_text())

    def incident_menu(self, case: str) -> QMenu:
        """What can be done to an incident from the map: the same actions as the keys."""
        self.select_case(case)
        self.refresh()
        menu = QMenu(self)
        menu.addAction(self.tr("Triage"), self.triage_selected)
        for n, rec in enumerate(self.desk.ranked):
            menu.addAction(self.tr("Dispatch %1 (ETA %2 min)").replace("%1", rec.unit_id)
                           .replace("%2", f"{rec.eta_s / 60:.1f}"),
                           lambda n=n: self.dispatch_choice(n))
        incident = self.state.incidents[case]
        if incident.unit_id and incident.status not in TERMINAL:
            menu.addAction(self.tr("Page %1 again").replace("%1", incident.unit_id),
                           lambda: self._command(self.tr("Page"), "page",
                                                 incident.unit_id,
                                                 page_text(self.state, case)))
        menu.addAction(self.tr("Refer to police"),
                       lambda: self.refer_selected(IncidentStatus.REFERRED_POLICE))
        menu.addAction(self.tr("Close incident"), self.close_selected)
        menu.addSeparator()
        menu.addAction(self.tr("Details…"), lambda: self.show_details(case))
        return menu

    def details_text(self, case: str) -> str:
        """The incident's slip and every step with its time, for the Details dialog."""
        i = self.state.incidents[case]
        steps = [f"{when.astimezone(CHINA_TZ):%H:%M:%S}  {status_text(status)}"
                 for when, status in i.history]
        return "\n".join([f"{i.case} · {i.address}", i.description, i.caller_phone,
                          *(f"{key}: {value}" for key, value in i.structured.items()),
                          "", *steps, *(["", i.unit_id] if i.unit_id else [])])

    def show_details(self, case: str) -> None:
        QMessageBox.information(self, self.tr("Case %1").replace("%1", case),
                                self.details_text(case))

    def show_incident_menu(self, case: str, where) -> None:
        self.incident_menu(case).exec(where)

    def _ptt(self, on: bool) -> None:
        self._send("PTT", "push_to_talk", on)

    def _names(self) -> tuple[list[str], list[str], list[str]]:
        return self.desk.names(self.scenario.zones)

    def focus_command(self) -> None:
        self.command_bar.summon()

    def run_command(self, parsed: Parsed) -> None:
        """A command-bar line, run through the same engine commands as the keys."""
        view_actions = {"follow": self.follow, "zoom_fit": self.zoom_to_open, "find": self.find}
        if parsed.action in view_actions:  # the view's own business, not the engine's
            view_actions[parsed.action](*parsed.args)
            self.queue.setFocus()
            return
        if parsed.action == "map_radio" and not self._confirm_radio_mapping(*parsed.args):
            return
        verbs = {"status": "set_unit_status"}  # the command line's name → the hub's verb
        if parsed.args and parsed.args[0] in self.state.incidents:
            self.select_case(parsed.args[0])
        self._send(parsed.action, verbs.get(parsed.action, parsed.action), *parsed.args)
        self.queue.setFocus()

    def _confirm_radio_mapping(self, radio: str, unit_id: str) -> bool:
        """Registering a radio id to a unit drops the one it had: from now on its fixes and
        acks come from the new radio only, so the operator confirms. (A radio that belongs to
        another unit is refused by the hub, with the reason.)"""
        unit = self.state.units.get(unit_id)
        if unit is None or not unit.radio_id:
            return True
        current = f"{unit.fleet}/{unit.radio_id}"
        if current == radio:
            return True
        question = (self.tr("%1 is registered to radio %2. Register it to radio %3 instead?")
                    .replace("%1", unit_id).replace("%2", current).replace("%3", radio))
        answer = QMessageBox.question(self, self.tr("Register radio"), question,
                                      defaultButton=QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def follow(self, unit_id: str) -> None:
        self.map.follow(unit_id)
        unit = self.state.units[unit_id]
        self.map.show_point(unit.lon, unit.lat)  # at the zoom the dispatcher chose
        self._mark_dirty()

    def find(self, text: str) -> None:
        """Case number, plate, unit or address: select the incident or show the unit."""
        found = search(self.state, text)
        if found is None:
            self.statusBar().showMessage(self.tr("Nothing found for %1").replace("%1", text), 5000)
        elif found[0] == "unit":
            unit = self.state.units[found[1]]
            self.map.show_point(unit.lon, unit.lat)
        else:
            incident = self.state.incidents[found[1]]
            self.select_case(incident.case)
            self.map.show_point(incident.lon, incident.lat)

    def zoom_to_open(self) -> None:
        self.map.follow(None)
        open_incidents = self.desk.open_incidents()
        self.map.zoom_to([i.lon for i in open_incidents], [i.lat for i in open_incidents])

    def save_map_png(self) -> None:
        folder = Path(default_url().removeprefix("sqlite:///")).with_name("exports")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"map-{datetime.now():%Y%m%d-%H%M%S}.png"
        if self.map.save_png(str(path)):
            self.statusBar().showMessage(self.tr("Map saved to %1").replace("%1", str(path)),
                                         8000)

    def open_review(self, tool: str) -> None:
        """Today's replay or KPI dashboard, as a window of its own (console/review_tools.py)."""
        if self.review is None or self.review.database is None:
            QMessageBox.information(self, self.tr("Review"), self.tr(
                "The replay and the dashboard read the center's database, which this "
                "workstation was not given: start the console with --db URL, or set db in "
                "config.toml."))
            return
        self.review_programs = [p for p in self.review_programs if p.poll() is None]
        try:
            self.review_programs.append(self.review.launch(tool, datetime.now(CHINA_TZ)))
        except OSError as exc:
            log.error("review tool %s did not start: %s", tool, exc)
            QMessageBox.warning(self, self.tr("Review"), str(exc))
            return
        self.statusBar().showMessage(self.tr("Opening…"), 4000)

    def merge_selected(self) -> None:
        found = self.desk.duplicates()
        if not found:
            self.statusBar().showMessage(self.tr("No likely duplicate"), 4000)
            return
        self._command(self.tr("Merge"), "merge", self.desk.selected, found[0].case)

    def keep_apart_selected(self) -> None:
        found = self.desk.duplicates()
        if found:
            self._command(self.tr("Not a duplicate"), "keep_apart", self.desk.selected,
                          found[0].case)

    def triage_selected(self) -> None:
        self._command(self.tr("Triage"), "triage", self.desk.selected)

    def override_selected(self) -> None:
        """Take an alert into the program against the rules; the reason is required."""
        if self.desk.selected is None:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Override triage"),
            self.tr("Why does case %1 qualify despite the rules?").replace(
                "%1", self.desk.selected))
        if ok and reason.strip():
            self._command(self.tr("Override"), "override_triage", self.desk.selected,
                          reason.strip())

    def dispatch_choice(self, n: int) -> None:
        if n >= len(self.desk.ranked):
            self.statusBar().showMessage(self.tr("No such recommendation"), 4000)
            return
        self._command(self.tr("Dispatch"), "dispatch", self.desk.selected,
                      self.desk.ranked[n].unit_id)

    def dispatch_dropped(self, unit_id: str, case: str) -> None:
        """A unit dragged onto an incident on the map: the same dispatch as `/d case unit`."""
        self.select_case(case)
        self.statusBar().showMessage(
            self.tr("Dispatching %1 to case %2").replace("%1", unit_id).replace("%2", case), 4000)
        self._command(self.tr("Dispatch"), "dispatch", case, unit_id)

    def propose_joint(self) -> None:
        """Show the joint plan for all triaged incidents; Enter dispatches it."""
        proposal = self.desk.joint_proposal(utc_now())
        if proposal is None or not proposal.assignments:
            self.statusBar().showMessage(self.tr("No triaged incidents or no free guides"), 4000)
            return
        lines = "\n".join(f"{case} → {unit}  ETA {eta / 60:.1f} min"
                          for case, unit, eta in proposal.assignments)
        gain = (proposal.greedy.lateness_s - proposal.joint.lateness_s) / 60
        summary = self.tr("Late beyond 8 min: joint %1, one-by-one nearest %2; "
                          "%3 min of lateness saved.")
        summary = (summary.replace("%1", str(proposal.joint.late_count))
                   .replace("%2", str(proposal.greedy.late_count)).replace("%3", f"{gain:.1f}"))
        answer = QMessageBox.question(self, self.tr("Joint assignment"),
                                      f"{lines}\n\n{summary}",
                                      defaultButton=QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            for case, unit, _eta in proposal.assignments:
                self._send(self.tr("Dispatch"), "dispatch", case, unit)

    def _report_failure(self, what: str):
        def done(future) -> None:
            exc = future.exception()
            if exc is not None:
                words = refusal_text(getattr(exc, "refusal", None), getattr(exc, "values", {}),
                                     str(exc))
                self.signals.command_failed.emit(f"{what}: {words}")

        return done

    def refer_selected(self, to: IncidentStatus) -> None:
        """A referral hands the case to others and ends it here: asked first (one key is easy
        to hit by mistake); a wrong one is undone by reopening (R)."""
        if self.desk.selected is None:
            return
        answer = QMessageBox.question(
            self, self.tr("Refer"), self.tr("Refer case %1: %2?").replace(
                "%1", self.desk.selected).replace("%2", status_text(to)),
            defaultButton=QMessageBox.StandardButton.Yes)
        if answer == QMessageBox.StandardButton.Yes:
            self._command(self.tr("Refer"), "refer", self.desk.selected, to)

    def close_selected(self) -> None:
        """Closing asks how the case ended (the reports count by it); Esc closes nothing."""
        if self.desk.selected is None:
            return
        labels = [disposition_text(code) for code in DISPOSITIONS]
        label, ok = QInputDialog.getItem(
            self, self.tr("Close incident"),
            self.tr("How did case %1 end?").replace("%1", self.desk.selected), labels, 0, False)
        if ok:
            self._command(self.tr("Close"), "close", self.desk.selected,
                          DISPOSITIONS[labels.index(label)])

    def reopen_selected(self) -> None:
        """Back to the queue from closed, referred or cancelled; the reason is required and
        stays in the case's timeline."""
        if self.desk.selected is None:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Reopen incident"),
            self.tr("Why reopen case %1?").replace("%1", self.desk.selected))
        if ok and reason.strip():
            self._command(self.tr("Reopen"), "reopen", self.desk.selected, reason.strip())

    def _apply_appearance(self) -> None:
        """The workstation's own choice of colours and text size (console/appearance.py)."""
        prefs = appearance.settings()
        points = prefs.value("text_points")
        night = prefs.value("night", False, type=bool)
        appearance.apply(QApplication.instance(), night,
                         float(points) if points is not None else None)
        self.map.set_night(night)
        self.queue_model.set_night(night)
        self.board_model.set_night(night)

    def toggle_night(self) -> None:
        prefs = appearance.settings()
        prefs.setValue("night", not prefs.value("night", False, type=bool))
        prefs.sync()
        self._apply_appearance()

    def scale_text(self, step: int) -> None:
        prefs = appearance.settings()
        prefs.setValue("text_points", QApplication.font().pointSizeF() + step)
        prefs.sync()
        self._apply_appearance()

    def may_quit(self) -> bool:
        """Asked before a dispatcher's own quit while cases are open: the cases stay with the
        hub, but a workstation that goes dark unnoticed leaves them unwatched."""
        count = self.desk.open_count()
        if count == 0:
            return True
        answer = QMessageBox.question(
            self, self.tr("Quit"),
            self.tr("%1 incident(s) are still open. Quit this console anyway?").replace(
                "%1", str(count)),
            defaultButton=QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def quit_asking(self) -> None:
        if self.may_quit():
            self._quitting = True
            self.close()

    def closeEvent(self, event) -> None:  # Qt override
        # the window manager's close button asks too; a close by the program does not
        if event.spontaneous() and not self._quitting and not self.may_quit():
            event.ignore()
            return
        self._keep_layout()
        self.map_place.bring_back()  # its window must not outlive this one
        self.frame.stop()
        self.ticker.stop()
        self.sounds.stop()
        if self.map.tiles is not None:
            self.map.tiles.close()
        super().closeEvent(event)


