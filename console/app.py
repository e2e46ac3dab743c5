"""Assembling a running console: the hub (embedded, or another machine's), translator, window.

One code path for both: on one workstation the hub runs in a child process
(hub/hub_process.py says why not on a thread of this one) and the window connects to it over
the console link exactly as a console on another PC connects to a center's hub, with a
session the embedded hub grants the PC's user.
"""

from __future__ import annotations

import argparse
import logging
import os
import ssl
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from console.hub_client import Credentials, HubClient
from console.main_window import MainWindow
from console.review_tools import ReviewTools
from console.settings import ConsoleSettings
from console.signals import HubSignals, SignalListener
from console.texts import I18N
from db.schema import default_url
from hub.center import LeaseHeld, road_etas
from hub.hub_process import HubProcess, embedded_center, start_hub_process
from map.tiles import TileSource, open_pack, source_from_spec
from resources import scenario as scenarios

log = logging.getLogger(__name__)

ICON = Path(scenarios.__file__).with_name("icons") / "jingbao.svg"


def install_translators(app: QApplication, language: str) -> list[QTranslator]:
    """Chinese by default; `en` shows the source strings."""
    if language == "en":
        return []
    translators = []
    ours = QTranslator(app)
    if ours.load(str(I18N / f"jingbao_{language}.qm")):
        translators.append(ours)
    qt = QTranslator(app)
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if qt.load(QLocale(language), "qtbase", "_", qt_folder):
        translators.append(qt)
    for translator in translators:
        app.installTranslator(translator)
    return translators


def tile_source(spec: str | None, scenario: scenarios.Scenario) -> TileSource | None:
    """`--tiles` if given, else the pack the scenario names (the demo ships one), else none:
    the map then draws the scenario's coast and roads itself."""
    if spec:
        return source_from_spec(spec, Path(default_url().removeprefix("sqlite:///")).parent)
    if scenario.basemap is not None and scenario.basemap.exists():
        return open_pack(scenario.basemap)
    return None


def make_app(language: str) -> QApplication:
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("jingbao")
    app.setDesktopFileName("jingbao")  # the .desktop entry: its icon in the task bar
    app.setWindowIcon(QIcon(str(ICON)))  # every window's, the taskbar's where it asks Qt
    app.translators = install_translators(app, language)
    return app


def attach_window(scenario: scenarios.Scenario, hub_url: str, credentials: Credentials,
                  workstation: str, *, voice: bool = False, tiles: TileSource | None = None,
                  tls: ssl.SSLContext | None = None) -> tuple[HubClient, MainWindow]:
    """A window following the hub at `hub_url`. The window is connected to the client's
    signals before the client starts, so the first thing it can hear is the snapshot."""
    signals = HubSignals()
    client = HubClient(hub_url, scenario.roster, SignalListener(signals), credentials,
                       workstation=workstation, tls=tls)
    settings = ConsoleSettings.from_scenario(scenario, road_etas(scenario), voice)
    window = MainWindow(scenario, client, signals, settings, tiles)
    client.start()
    return client, window


def review_tools(args: argparse.Namespace, database: str | None) -> ReviewTools:
    return ReviewTools(database, scenarios.scenario_path(args.scenario, args.demo), args.lang,
                       args.tiles)


def _scenario(args: argparse.Namespace) -> scenarios.Scenario:
    """The scenario the hub runs too (`--scenario`, or the `--demo` region's)."""
    return scenarios.load(scenarios.scenario_path(args.scenario, args.demo))


def open_console(args: argparse.Namespace) -> tuple[HubProcess, HubClient, MainWindow]:
    """The embedded hub and a window following it, shown (the console and the screenshot).
    The hub starts first: its process imports and migrates while this one loads the map."""
    hub = start_hub_process(embedded_center, args)
    scenario = _scenario(args)
    served = hub.served
    try:
        client, window = attach_window(scenario, served.url, Credentials(token=served.token),
                                       served.workstation, voice=served.voice,
                                       tiles=tile_source(args.tiles, scenario))
    except BaseException:
        hub.stop()
        raise
    window.review = review_tools(args, served.database)
    window.show_restored()
    return hub, client, window


def watch_hub(app: QApplication, hub: HubProcess, close: Callable[[int], None]) -> QTimer:
    """The window's own hub gone (its lease lost to a standby, or a crash): the window would
    only show a stale picture, so it says so and `close`s with the hub's exit code."""
    def check() -> None:
        if hub.alive():
            return
        timer.stop()
        log.critical("this console's hub stopped (exit code %s)", hub.exitcode)
        QMessageBox.critical(None, app.translate("MainWindow", "Jingbao Console"), app.translate(
            "MainWindow", "This console's hub stopped (exit code %1); see the log. The window "
            "closes.").replace("%1", str(hub.exitcode)))
        close(hub.exitcode or 1)

    timer = QTimer(app, interval=1000, timeout=check)
    timer.start()
    return timer


def run_console(args: argparse.Namespace) -> int:
    app = make_app(args.lang)
    if args.hub:
        return _run_remote_console(app, args)
    try:
        hub, client, _window = open_console(args)
    except LeaseHeld as exc:  # a second console on one database would fork its picture
        log.error("%s", exc)
        QMessageBox.critical(None, app.translate("MainWindow", "Jingbao Console"), app.translate(
            "MainWindow", "Another console or hub already serves %1. Connect to it with "
            "--hub URL, or stop it first.").replace("%1", exc.database))
        return 2
    watching = watch_hub(app, hub, app.exit)
    try:
        return app.exec()
    finally:
        watching.stop()
        client.stop()
        hub.stop()


def _run_remote_console(app: QApplication, args: argparse.Namespace) -> int:
    """A workstation of a center: the hub runs elsewhere; this process only shows and asks."""
    from console.login_dialog import log_in

    scenario = _scenario(args)
    tls = ssl.create_default_context(cafile=args.tls_ca) if args.tls_ca else None
    opened = log_in(scenario, args.hub, args.user, lambda *a: attach_window(
        *a, tiles=tile_source(args.tiles, scenario), tls=tls))
    if opened is None:
        return 1
    client, window = opened
    window.review = review_tools(args, args.db)
    window.show_restored()
    try:
        return app.exec()
    finally:
        client.stop()
