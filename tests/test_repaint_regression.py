"""PySide6 6.12 on CPython 3.11 drops a reference to None on every void Qt call and aborts with
"none_dealloc" after a few hundred repaints. pyproject pins PySide6 < 6.12 on 3.11; this test
repaints a real pyqtgraph plot thousands of times in a child process so a bad pin shows up as
a failed test instead of a console that dies mid-shift."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui

REPAINT_LOOP = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication
app = QApplication([])
plot = pg.PlotWidget()
plot.resize(400, 300)
curve = plot.plot()
scatter = pg.ScatterPlotItem()
plot.addItem(scatter)
plot.show()
for n in range(3000):
    xs = np.arange(50) + n
    curve.setData(xs, np.sin(xs / 5.0))
    scatter.setData(x=xs[:10], y=np.cos(xs[:10]))
    plot.repaint()
    app.processEvents()
print("repainted", n + 1)
"""


def test_thousands_of_repaints_do_not_abort() -> None:
    result = subprocess.run([sys.executable, "-c", REPAINT_LOOP], capture_output=True,
                            text=True, timeout=300)
    assert "none_dealloc" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    assert "repainted 3000" in result.stdout
