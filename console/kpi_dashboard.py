"""The shift lead's KPI dashboard: a day, week or month of the program's figures on screen.

It shows what `jingbao report` writes (console/report.py builds both from dispatch/kpi.py), so
the dashboard, the report and the log agree: the report's charts as pyqtgraph bars, its tables
in tabs. Reading the range runs off the UI thread with a Cancel: a month of a busy center is a
large read, and the window stays responsive meanwhile.
"""

from __future__ import annotations

import concurrent.futures
import math
from collections.abc import Callable
from datetime import date, timedelta

import pyqtgraph as pg
from PySide6.QtCore import QDate, QObject, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.report import Report

# a range's first and last day → its report (off the UI thread)
Build = Callable[[date, date], Report]
PERIODS = {"day": 1, "week": 7, "month": 30}
BAR_COLOUR = "#3572b0"


class _Done(QObject):
    """Carries a finished read to the UI thread (Qt queues signals across threads)."""

    finished = Signal(object, object)  # the request's number, the Report or the exception


def period_days(first: date, period: str) -> tuple[date, date]:
    """[first, last] of a day, a week from `first`, or its calendar month when `first` is
    the 1st (30 days otherwise)."""
    if period == "month" and first.day == 1:
        following = (first.replace(day=28) + timedelta(days=4)).replace(day=1)
        return first, following - timedelta(days=1)
    return first, first + timedelta(days=PERIODS[period] - 1)


class KpiDashboard(QMainWindow):
    def __init__(self, build: Build, first: date, period: str = "day") -> None:
        super().__init__()
        self.build = build
        self.setWindowTitle(self.tr("KPI dashboard"))
        self.report: Report | None = None
        self._pool = concurrent.futures.ThreadPoolExecutor(1, "kpi-read")
        self._request = 0  # the read whose answer is wanted; older answers are dropped
        self._done = _Done()
        self._done.finished.connect(self._show)
        self.period = QComboBox(objectName="kpiPeriod")
        for key, text in (("day", self.tr("Day")), ("week", self.tr("Week")),
                          ("month", self.tr("Month"))):
            self.period.addItem(text, key)
        self.period.setCurrentIndex(list(PERIODS).index(period))
        self.first = QDateEdit(QDate(first.year, first.month, first.day), objectName="kpiFirst",
                               calendarPopup=True, displayFormat="yyyy-MM-dd")
        self.load_button = QPushButton(self.tr("Show"), objectName="kpiLoad")
        self.cancel_button = QPushButton(self.tr("Cancel"), objectName="kpiCancel",
                                         enabled=False)
        self.busy = QProgressBar(objectName="kpiBusy", maximum=0, visible=False)
        self.status = QLabel(objectName="kpiStatus")
        self.load_button.clicked.connect(self.load)
        self.cancel_button.clicked.connect(self.cancel)
        bar = QHBoxLayout()
        for widget in (self.period, self.first, self.load_button, self.cancel_button,
                       self.busy, self.status):
            bar.addWidget(widget)
        bar.addStretch(1)
        self.charts = QGridLayout()
        self.plots: dict[str, pg.PlotWidget] = {}
        self.tabs = QTabWidget(objectName="kpiTables")
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(bar)
        column.addLayout(self.charts, 3)
        column.addWidget(self.tabs, 2)
        self.setCentralWidget(page)
        self.resize(1400, 900)

    def range(self) -> tuple[date, date]:
        picked = self.first.date()
        return period_days(date(picked.year(), picked.month(), picked.day()),
                           self.period.currentData())

    def load(self) -> None:
        """Read and compute the range off the UI thread; the answer arrives in `_show`."""
        self._request += 1
        request, (first, last) = self._request, self.range()
        self.status.setText(self.tr("Reading %1 — %2…").replace("%1", str(first))
                            .replace("%2", str(last)))
        self._busy(True)

        def work() -> None:
            try:
                result: object = self.build(first, last)
            except Exception as exc:  # shown in the window, not lost in a thread
                result = exc
            self._done.finished.emit(request, result)

        self._pool.submit(work)

    def cancel(self) -> None:
        """The read in flight is dropped when it ends (a database query cannot be stopped
        halfway); the window is free at once."""
        self._request += 1
        self._busy(False)
        self.status.setText(self.tr("Cancelled"))

    def _busy(self, busy: bool) -> None:
        self.busy.setVisible(busy)
        self.cancel_button.setEnabled(busy)
        self.load_button.setEnabled(not busy)

    def _show(self, request: int, result: object) -> None:
        if request != self._request:
            return  # cancelled, or a newer read was asked for
        self._busy(False)
        if isinstance(result, Exception):
            self.status.setText(self.tr("Could not read the range: %1").replace(
                "%1", str(result)))
            return
        self.report = result
        self.status.setText(result.title)
        self._draw_charts(result)
        self._fill_tables(result)

    def _draw_charts(self, report: Report) -> None:
        for n, (title, bars) in enumerate(report.charts.items()):
            plot = self.plots.get(title)
            if plot is None:
                plot = self.plots[title] = pg.PlotWidget(title=title, background="w")
                plot.setMouseEnabled(False, False)
                plot.hideButtons()
                self.charts.addWidget(plot, n // 2, n % 2)
            plot.clear()
            values = [0.0 if math.isnan(v) else v for _, v in bars]
            plot.addItem(pg.BarGraphItem(x=list(range(len(bars))), height=values, width=0.8,
                                         brush=BAR_COLOUR))
            plot.getAxis("bottom").setTicks([[(n, label) for n, (label, _) in enumerate(bars)]])
            plot.setYRange(0, max(values, default=0) or 1)

    def _fill_tables(self, report: Report) -> None:
        self.tabs.clear()
        for name, (header, rows) in report.tables.items():
            table = QTableWidget(len(rows), len(header), objectName=name)
            table.setHorizontalHeaderLabels(header)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.setItem(r, c, QTableWidgetItem(str(value)))
            table.resizeColumnsToContents()
            self.tabs.addTab(table, name)

    def closeEvent(self, event) -> None:  # Qt override
        self._request += 1
        self._pool.shutdown(wait=False, cancel_futures=True)
        super().closeEvent(event)

    def bars(self, title: str) -> list[float]:
        """The heights drawn in a chart (what the shift lead sees), for checks."""
        (item,) = [i for i in self.plots[title].getPlotItem().items
                   if isinstance(i, pg.BarGraphItem)]
        return [float(h) for h in item.opts["height"]]
