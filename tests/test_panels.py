"""Panels as a dispatcher reads them: China time whatever the PC's own zone, raw frames as text
and hex (the operator's habit, not Python byte literals), a long slip that stays put."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from console.panels import RadioLogPanel
from hub.radio_log import RadioLogEntry


@pytest.fixture
def new_york(monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_radio_log_shows_china_time_on_a_pc_set_to_new_york(qtbot, new_york) -> None:
    panel = RadioLogPanel()
    qtbot.addWidget(panel)
    frame = b"$PJBAK,7,100,1001*2A\r\n\x07"
    panel.append_entry(RadioLogEntry("gw", "in", "G01", "确认 ack #7", frame,
                                     datetime(2026, 12, 2, 1, 2, 3, tzinfo=UTC)))
    assert panel.view.toPlainText().startswith("09:02:03 gw")  # 01:02 UTC is 09:02 in China
    panel.raw.setChecked(True)
    lines = panel.view.toPlainText().splitlines()
    assert lines[1].strip() == "$PJBAK,7,100,1001*2A␍␊·"
    assert lines[2].strip() == ("24 50 4A 42 41 4B 2C 37 2C 31 30 30 2C 31 30 30 31 2A 32 41 "
                                "0D 0A 07")
    panel.append_entry(RadioLogEntry("gw", "out", "G01", "page", "请回电,".encode() + b"\xff",
                                     datetime(2026, 12, 2, 1, 2, 4, tzinfo=UTC)))
    assert panel.view.toPlainText().splitlines()[4].strip() == "请回电,·"  # UTF-8 as text


def test_the_incident_panel_keeps_its_place_when_asked_again(qtbot) -> None:
    """Asked every second, the panel stays where the dispatcher scrolled a long slip; another
    case starts at the top."""
    from console.panels import IncidentPanel
    from dispatch.state import Incident

    panel = IncidentPanel()
    qtbot.addWidget(panel)
    panel.resize(400, 200)
    panel.show()

    def incident(case: str) -> Incident:
        return Incident(case, f"A-{case}", datetime(2026, 12, 2, 1, 0, tzinfo=UTC), 122.1, 30.0,
                        "定海解放路", "两车追尾。" * 400, "13800000000", {})

    panel.show_incident(incident("1001"), [])
    bar = panel.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum() // 2)
    panel.show_incident(incident("1001"), [])
    assert bar.value() == bar.maximum() // 2
    panel.show_incident(incident("1002"), [])
    assert bar.value() == 0


def test_a_refused_line_does_not_run_into_the_next_command(qtbot) -> None:
    """A refused line stays for mending, but the next / replaces it instead of being typed
    after it (real key presses into the real widget)."""
    from PySide6.QtCore import Qt

    from console.command_bar import CommandBar

    bar = CommandBar(lambda: (["1023"], ["G07"], []))
    qtbot.addWidget(bar)
    bar.show()
    refused: list[str] = []
    bar.rejected.connect(refused.append)
    bar.summon()
    qtbot.keyClicks(bar, "d 9999 G07")
    qtbot.keyClick(bar, Qt.Key.Key_Return)
    assert refused and bar.text() == "/d 9999 G07"  # kept, with the reason shown
    bar.summon()
    qtbot.keyClicks(bar, "/d 1023 G07")
    assert bar.text() == "/d 1023 G07"


def test_the_incident_panel_shows_the_cases_timeline(qtbot) -> None:
    from console.panels import IncidentPanel
    from dispatch.lifecycle import IncidentStatus as S
    from dispatch.state import Incident

    panel = IncidentPanel()
    qtbot.addWidget(panel)
    incident = Incident("1001", "A-1", datetime(2026, 12, 2, 1, 0, tzinfo=UTC), 122.1, 30.0,
                        "定海解放路", "两车追尾", "13800000000", {}, status=S.DISPATCHED,
                        history=[(datetime(2026, 12, 2, 1, 0, 5, tzinfo=UTC), S.RECEIVED),
                                 (datetime(2026, 12, 2, 1, 1, 0, tzinfo=UTC), S.TRIAGED),
                                 (datetime(2026, 12, 2, 1, 1, 30, tzinfo=UTC), S.DISPATCHED)])
    panel.show_incident(incident, [])
    text = panel.toPlainText()
    timeline = text[text.index("Timeline"):].splitlines()[1:4]
    assert timeline == ["09:00:05 New alert", "09:01:00 Triaged", "09:01:30 Dispatched"]
