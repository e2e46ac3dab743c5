"""The map in the main window's centre, or in a window of its own on a second screen.

A control room with two monitors puts the map on one and the queue, incident, board and
radio log on the other. The docks float by themselves; the map is the main window's centre,
so it moves into a top-level window of its own and back, keeping the dispatcher's keys (the
window gets the actions that work where the dispatcher works). Closing the map's window puts
the map back. Whether it was apart, and where, is kept for the workstation.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from console import appearance


class _MapWindow(QWidget):
    closed = Signal()

    def closeEvent(self, event) -> None:  # Qt override: the window manager's close button
        self.closed.emit()
        super().closeEvent(event)


class MapPlacement(QObject):
    """Moves `map_view` between `layout` (its place in the main window) and a window."""

    def __init__(self, main: QWidget, map_view: QWidget, layout: QVBoxLayout) -> None:
        super().__init__(main)
        self.main, self.map_view, self.layout = main, map_view, layout
        self.index = layout.indexOf(map_view)
        self.note = QLabel(QCoreApplication.translate(
            "MapWindow", "The map is in its own window (Ctrl+Shift+M brings it back)."),
            alignment=Qt.AlignmentFlag.AlignCenter, objectName="mapApartNote")
        self.note.hide()
        layout.addWidget(self.note, 1)
        self.window: _MapWindow | None = None

    @property
    def apart(self) -> bool:
        return self.window is not None

    def toggle(self) -> None:
        if self.apart:
            self.bring_back()
        else:
            self.take_apart()

    def take_apart(self, geometry: object = None) -> None:
        """Into a window of its own: at `geometry` if given (restored), else filling a screen
        other than the main window's when there is one."""
        if self.apart:
            return
        window = self.window = _MapWindow(None, Qt.WindowType.Window)
        window.setObjectName("mapWindow")
        window.setWindowTitle(QCoreApplication.translate("MapWindow", "Map") + " — "
                             + self.main.windowTitle())
        window.setWindowIcon(self.main.windowIcon())
        QVBoxLayout(window).setContentsMargins(0, 0, 0, 0)
        self.layout.removeWidget(self.map_view)
        window.layout().addWidget(self.map_view)
        window.addActions(self._dispatcher_actions())
        window.closed.connect(self.bring_back)
        self.note.show()
        if geometry is None or not window.restoreGeometry(geometry):
            window.setGeometry(self._other_screen().availableGeometry())
        window.show()
        window.raise_()

    def bring_back(self) -> None:
        window, self.window = self.window, None
        if window is None:
            return
        window.closed.disconnect(self.bring_back)
        window.layout().removeWidget(self.map_view)
        self.note.hide()
        self.layout.insertWidget(self.index, self.map_view, 1)
        self.map_view.show()
        window.close()
        window.deleteLater()

    def keep(self) -> None:
        prefs = appearance.settings()
        prefs.setValue("map/apart", self.apart)
        if self.window is not None:
            prefs.setValue("map/geometry", self.window.saveGeometry())

    def restore(self) -> None:
        prefs = appearance.settings()
        if prefs.value("map/apart", False, type=bool):
            self.take_apart(prefs.value("map/geometry"))

    def _dispatcher_actions(self) -> list[QAction]:
        """The actions of the main window and of the places the dispatcher works, so T,
        Enter, Ctrl+Q ... work with the map's window active too."""
        found = [*self.main.actions()]
        for widget in self.main.findChildren(QWidget):
            found += [a for a in widget.actions() if a not in found]
        return [a for a in found if a.shortcut()]

    def _other_screen(self):
        own = self.main.screen()
        others = [s for s in QGuiApplication.screens() if s is not own]
        return others[0] if others else own
