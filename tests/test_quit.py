"""Quitting a console while cases are open asks first (Ctrl+Q, a real key press); Ctrl+Q no
longer means "focus the queue" (that is Ctrl+1)."""

from __future__ import annotations

import asyncio
import socket

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from db.store import EventStore
from hub.engine import Engine
from resources import scenario as scenarios
from tests.recorder import Recorder
from tests.test_faults import send, slip


def _answer_next(kind: type, act) -> None:
    """Act on the next modal dialog of `kind` once it is open: the key press that opens it
    waits in the dialog's own event loop, where this timer runs."""
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, kind):
            QTimer.singleShot(20, answer)
            return
        act(box)

    QTimer.singleShot(20, answer)


def answer_next_question(button: QMessageBox.StandardButton, asked: list[str]) -> None:
    def act(box: QMessageBox) -> None:
        asked.append(box.text())
        box.button(button).click()

    _answer_next(QMessageBox, act)


def choose_in_next_dialog(value: str | None, asked: list[str]) -> None:
    """Answer the next input dialog (a choice or a text) with `value`, or cancel it (None)."""
    def act(box: QInputDialog) -> None:
        asked.append(box.labelText())
        if value is None:
            box.reject()
            return
        box.setTextValue(value)
        box.accept()

    _answer_next(QInputDialog, act)


def action(window, shortcut: str):
    """The window's action bound to a key (triggered as the key would: offscreen windows get
    shortcuts only while active, which the platform does not promise)."""
    (found,) = [a for a in window.actions() if shortcut in [k.toString() for k in a.shortcuts()]]
    return found


def test_ctrl_q_asks_while_cases_are_open(qtbot, open_console, tmp_path) -> None:
    scenario = scenarios.load()
    store = EventStore.open(f"sqlite:///{tmp_path / 'q.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    window = open_console(scenario, engine)
    quit_key, queue_key = action(window, "Ctrl+Q"), action(window, "Ctrl+1")
    try:
        quit_key.trigger()
        assert not window.isVisible()  # nothing open: quits without a question
        window.show()
        asyncio.run(send(f"{engine.url}/feed", [slip(1)]))
        qtbot.waitUntil(lambda: window.desk.open_count() == 1, timeout=5000)
        asked: list[str] = []
        answer_next_question(QMessageBox.StandardButton.No, asked)
        quit_key.trigger()
        assert window.isVisible() and len(asked) == 1 and "1" in asked[0]
        answer_next_question(QMessageBox.StandardButton.Yes, asked)
        quit_key.trigger()
        assert len(asked) == 2 and not window.isVisible()
        window.show()
        queue_key.trigger()
        qtbot.waitUntil(window.queue.hasFocus, timeout=2000)
    finally:
        engine.stop()


def test_registering_a_new_radio_to_a_unit_asks(qtbot, open_console, tmp_path) -> None:
    """/map gives a unit another radio id (its old one stops counting): asked first; No
    changes nothing. The keyboard help lists the canned pages."""
    from dispatch import events as ev
    from dispatch.command_bar import CANNED, Parsed

    scenario = scenarios.load()
    store = EventStore.open(f"sqlite:///{tmp_path / 'm.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    window = open_console(scenario, engine, "radio:op", "ws")
    mapping = Parsed("map_radio", ("100/9999", "G02"))  # G02 has 100/1002 in the demo
    try:
        asked: list[str] = []
        answer_next_question(QMessageBox.StandardButton.No, asked)
        window.run_command(mapping)
        assert len(asked) == 1 and all(w in asked[0] for w in ("G02", "100/1002", "100/9999"))
        answer_next_question(QMessageBox.StandardButton.Yes, asked)
        window.run_command(mapping)
        qtbot.waitUntil(lambda: window.state.by_radio.get((100, "9999")) == "G02", timeout=5000)
        assert [e.type for e in engine.snapshot()].count(ev.RADIO_MAPPED) == 1
        assert all(text in window.help_text() for text in CANNED.values())
    finally:
        engine.stop()


def test_night_colours_and_text_size_are_kept_per_workstation(qtbot, open_console, tmp_path,
                                                              monkeypatch) -> None:
    """Ctrl+Shift+N and Ctrl+= change the whole window and are written to this workstation's
    settings, so the next window opens as the dispatcher left it."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    app = QApplication.instance()
    font, palette = app.font(), app.palette()
    scenario = scenarios.load()
    store = EventStore.open(f"sqlite:///{tmp_path / 'n.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start()
    try:
        window = open_console(scenario, engine)
        before = app.font().pointSizeF()
        action(window, "Ctrl+Shift+N").trigger()
        assert app.palette().window().color().lightness() < 80
        action(window, "Ctrl+=").trigger()
        assert app.font().pointSizeF() == before + 1
        window.close()
        app.setPalette(palette)
        app.setFont(font)
        open_console(scenario, engine)  # the next window, as this desk left it
        assert app.palette().window().color().lightness() < 80
        assert app.font().pointSizeF() == before + 1
        ini = (tmp_path / "config" / "jingbao" / "console.ini").read_text()
        assert "night=true" in ini and f"text_points={before + 1:g}" in ini
    finally:
        engine.stop()
        app.setPalette(palette)
        app.setFont(font)
