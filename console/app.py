"""Assembling a running console: the center (console/center.py), translator and window."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from console.main_window import MainWindow
from console.signals import EngineSignals, SignalListener
from db.schema import default_url
from hub.center import Center, start_center
from map.tiles import TileSource, open_pack, source_from_spec
from resources import scenario as scenarios

I18N = Path(scenarios.__file__).with_name("i18n")


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
    app.translators = install_translators(app, language)
    return app


def open_console(args: argparse.Namespace) -> tuple[Center, MainWindow]:
    """The running center and its window, shown (the console and the screenshot alike)."""
    signals = EngineSignals()
    center = start_center(args, SignalListener(signals))
    window = MainWindow(center.scenario, center.engine, signals, center.actor,
                        tile_source(args.tiles, center.scenario))
    window.resize(1600, 1000)
    window.show()
    return center, window


def run_console(args: argparse.Namespace) -> int:
    app = make_app(args.lang)
    center, _window = open_console(args)
    try:
        return app.exec()
    finally:
        center.stop()
