"""The window's layout belongs to the workstation: docks moved or floated (a second screen)
come back where the dispatcher left them, and the single-key actions work in every dock."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from resources import scenario as scenarios


def test_docks_come_back_where_they_were_left(qtbot, running_engine, open_console) -> None:
    scenario = scenarios.load()
    engine = running_engine(scenario)
    first = open_console(scenario, engine)
    assert first.dockWidgetArea(first.docks["queueDock"]) == (
        Qt.DockWidgetArea.LeftDockWidgetArea)
    first.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, first.docks["queueDock"])
    first.docks["radioDock"].setFloating(True)
    first.close()  # the layout is kept on closing
    second = open_console(scenario, engine)
    second.show_restored()
    assert second.dockWidgetArea(second.docks["queueDock"]) == (
        Qt.DockWidgetArea.RightDockWidgetArea)
    assert second.docks["radioDock"].isFloating()
    keys = {k.toString() for d in second.docks.values() for a in d.actions()
            for k in a.shortcuts()}
    assert {"T", "C", "R", "D"} <= keys  # the dispatcher's keys, wherever the dock is


def test_the_application_has_its_icon(qtbot) -> None:
    """The window and the task bar show the product's icon, not a blank one."""
    from console.app import ICON, make_app

    app = make_app("en")  # "en": no translator installed that later tests would inherit
    assert ICON.exists() and not app.windowIcon().isNull()
    assert app.windowIcon().pixmap(32, 32).toImage().pixelColor(16, 16).alpha() > 0


def test_the_map_goes_to_a_window_of_its_own_and_comes_back(qtbot, running_engine,
                                                            open_console) -> None:
    """Ctrl+Shift+M puts the map in a top-level window (a second screen), with the
    dispatcher's keys; closing that window brings the map back; a workstation that left the
    map apart finds it apart the next time."""
    from tests.test_quit import action

    scenario = scenarios.load()
    engine = running_engine(scenario)
    first = open_console(scenario, engine)
    assert first.map.window() is first
    action(first, "Ctrl+Shift+M").trigger()
    apart = first.map.window()
    assert apart is not first and apart.isVisible()
    assert first.findChild(QLabel, "mapApartNote").isVisible()
    keys = {k.toString() for a in apart.actions() for k in a.shortcuts()}
    assert {"T", "D", "Ctrl+Q", "Ctrl+Shift+M"} <= keys
    apart.close()  # the window manager's close button
    assert first.map.window() is first and first.map.isVisible()
    action(first, "Ctrl+Shift+M").trigger()
    apart = first.map.window()
    first.close()  # kept apart on closing, and the map's window goes with the main one
    assert not apart.isVisible()
    second = open_console(scenario, engine)
    second.show_restored()
    assert second.map.window() is not second and second.map.window().isVisible()
    second.close()
