"""The KPI dashboard shows the hand-built day of tests/test_kpi.py read from a real database:
the figures worked out by hand there, drawn and tabled here; a read can be cancelled."""

from __future__ import annotations

import threading
from datetime import date

from console import report as kpi_report
from console.kpi_dashboard import KpiDashboard, period_days
from db.event_range import events_between
from db.schema import make_engine
from dispatch.service_hours import CHINA_TZ
from tests.test_report import _database


def test_periods() -> None:
    assert period_days(date(2026, 5, 4), "day") == (date(2026, 5, 4), date(2026, 5, 4))
    assert period_days(date(2026, 5, 4), "week") == (date(2026, 5, 4), date(2026, 5, 10))
    assert period_days(date(2026, 2, 1), "month") == (date(2026, 2, 1), date(2026, 2, 28))
    assert period_days(date(2026, 5, 4), "month") == (date(2026, 5, 4), date(2026, 6, 2))


def test_the_dashboard_shows_the_hand_built_day(qtbot, tmp_path) -> None:
    engine = make_engine(_database(tmp_path))

    def build(first: date, last: date) -> kpi_report.Report:
        before, events = events_between(engine, *kpi_report.local_range(first, last, CHINA_TZ))
        return kpi_report.build(events, before, CHINA_TZ, f"KPI {first} — {last}")

    window = KpiDashboard(build, date(2026, 5, 4), "week")
    qtbot.addWidget(window)
    window.show()
    window.load()
    qtbot.waitUntil(lambda: window.report is not None, timeout=10000)
    # handled by local hour: 08-12 on 05-04 and 01-02 on 05-05, once each (test_kpi.py)
    assert window.bars("各时段已处置 handled by hour") == [1.0] * 7
    assert window.bars("每日已处置 handled per day") == [5.0, 2.0]
    summary = window.tabs.widget(0)
    cells = {summary.item(r, 0).text(): summary.item(r, 1).text()
             for r in range(summary.rowCount())}
    assert cells["8分钟到达率 8-minute arrival rate"] == "42.9%"
    assert cells["超时 breaches"] == "4"
    engine.dispose()


def test_a_read_can_be_cancelled(qtbot) -> None:
    release = threading.Event()

    def slow(first: date, last: date) -> kpi_report.Report:
        release.wait(10)
        return kpi_report.build([], 0, CHINA_TZ, "late")

    window = KpiDashboard(slow, date(2026, 5, 4))
    qtbot.addWidget(window)
    window.load()
    assert window.cancel_button.isEnabled() and not window.load_button.isEnabled()
    window.cancel_button.click()
    assert window.load_button.isEnabled()
    release.set()
    qtbot.wait(300)
    assert window.report is None  # the cancelled read's answer was dropped
