"""Night colours and text size for a 24/7 control room, kept per workstation.

A dark palette is set on the Fusion style explicitly rather than asking the platform for its
dark scheme: most control-room PCs (and Xvfb) have no platform theme that honours the request.
The choice and the text size live in the workstation's own settings file, so each desk keeps
what its dispatchers chose across restarts.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

MIN_POINTS, MAX_POINTS = 7.0, 24.0


def settings() -> QSettings:
    path = Path(platformdirs.user_config_dir("jingbao", "jingbao")) / "console.ini"
    return QSettings(str(path), QSettings.Format.IniFormat)


def night_palette() -> QPalette:
    palette = QPalette()
    dark, base, text = QColor(37, 37, 38), QColor(28, 28, 30), QColor(220, 220, 220)
    for role, colour in ((QPalette.ColorRole.Window, dark), (QPalette.ColorRole.Base, base),
                         (QPalette.ColorRole.AlternateBase, dark),
                         (QPalette.ColorRole.Button, dark),
                         (QPalette.ColorRole.WindowText, text), (QPalette.ColorRole.Text, text),
                         (QPalette.ColorRole.ButtonText, text),
                         (QPalette.ColorRole.ToolTipBase, dark),
                         (QPalette.ColorRole.ToolTipText, text),
                         (QPalette.ColorRole.Highlight, QColor(38, 79, 120)),
                         (QPalette.ColorRole.HighlightedText, QColor(255, 255, 255)),
                         (QPalette.ColorRole.PlaceholderText, QColor(140, 140, 140))):
        palette.setColor(role, colour)
    return palette


def apply(app: QApplication, night: bool, points: float | None) -> None:
    app.setPalette(night_palette() if night else app.style().standardPalette())
    if points is not None:
        font = app.font()
        font.setPointSizeF(max(MIN_POINTS, min(MAX_POINTS, points)))
        app.setFont(font)
