"""A workstation of a center logs in to the hub through the real dialog and window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from console.app import attach_window
from console.login_dialog import LoginDialog, log_in
from db.schema import make_engine
from db.store import EventStore
from hub.engine import Engine
from hub.users import Role, UserStore
from resources import scenario as scenarios
from tests.recorder import Recorder

pytestmark = pytest.mark.gui


@pytest.fixture
def hub(tmp_path):
    url = f"sqlite:///{tmp_path / 'center.sqlite3'}"
    demo = scenarios.load()
    store = EventStore.open(url, demo.roster)
    users = UserStore(make_engine(url))
    users.add("zhang", "zhang-password", Role.DISPATCHER)
    engine = Engine(store, demo, Recorder(), workstation="hub", users=users)
    engine.start()
    yield engine
    engine.stop()


def answer_dialogs(qtbot, answers: list[tuple[str, str]], reasons: list[str]) -> None:
    """Type each user and password into the next login dialog as it opens, and keep the
    reason it showed."""
    def fill() -> None:
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, LoginDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(50, fill)
            return
        reasons.append(dialog.reason.text())
        if not answers:
            dialog.reject()
            return
        user, password = answers.pop(0)
        dialog.user.setText(user)
        qtbot.keyClicks(dialog.password, password)
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
        QTimer.singleShot(50, fill)

    QTimer.singleShot(0, fill)


def test_a_wrong_password_is_asked_again_and_the_right_one_opens_the_window(qtbot, hub) -> None:
    reasons: list[str] = []
    answer_dialogs(qtbot, [("zhang", "not-the-password"), ("zhang", "zhang-password")],
                   reasons)
    client, window = log_in(scenarios.load(), hub.url, "zhang", attach_window)
    qtbot.addWidget(window)
    try:
        assert reasons[0] == "" and "wrong user name or password" in reasons[1]
        assert client.user == "zhang" and "dispatch" in client.verbs
        assert "map_radio" not in client.verbs  # a dispatcher's verbs, from the hub
        assert client.credentials.password is None  # only the token is kept
    finally:
        client.stop()


def test_cancelling_the_login_opens_nothing(qtbot, hub) -> None:
    answer_dialogs(qtbot, [], [])
    assert log_in(scenarios.load(), hub.url, "", attach_window) is None
