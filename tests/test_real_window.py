"""The console in a real X window (Xvfb, the xcb platform), not only offscreen: catches a
missing system library that the offscreen plugin does not need."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from tests import needs

pytestmark = pytest.mark.gui
ROOT = Path(__file__).resolve().parents[1]


def test_screenshot_of_the_real_window_under_xvfb(tmp_path) -> None:
    needs.tool("xvfb-run", "xvfb")
    out = tmp_path / "window.png"
    env = {k: v for k, v in os.environ.items() if k != "QT_QPA_PLATFORM"}
    result = subprocess.run(
        ["xvfb-run", "-a", "-s", "-screen 0 1920x1080x24", sys.executable, "-m", "console",
         "screenshot", "--out", str(out), "--seconds", "5",
         "--db", f"sqlite:///{tmp_path / 'shot.sqlite3'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    colours = {image.pixel(x, y) for x in range(0, 1600, 37) for y in range(0, 1000, 29)}
    assert len(colours) > 20  # a painted window, not a blank surface
