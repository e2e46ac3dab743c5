"""Logging in to a center's hub from a workstation: the dialog, and the loop around it.

A refused login (or a hub that does not answer) shows the reason in the dialog, which asks
again; the password goes to the hub once and only the session token is kept for reconnects.
"""

from __future__ import annotations

import socket

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from console.hub_client import HUB_LINK, Credentials, HubClient
from console.main_window import MainWindow
from resources.scenario import Scenario

LOGIN_WAIT_S = 15.0


class LoginDialog(QDialog):
    def __init__(self, hub_url: str, user: str = "", reason: str = "") -> None:
        super().__init__()
        self.setWindowTitle(self.tr("Log in to the center"))
        form = QFormLayout(self)
        form.addRow(QLabel(hub_url))
        self.user = QLineEdit(user, objectName="loginUser")
        self.password = QLineEdit(objectName="loginPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("User"), self.user)
        form.addRow(self.tr("Password"), self.password)
        self.reason = QLabel(reason, objectName="loginReason")
        self.reason.setStyleSheet("color:#c00")
        form.addRow(self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        (self.password if user else self.user).setFocus()

    def credentials(self) -> Credentials:
        return Credentials(user=self.user.text().strip(), password=self.password.text())


def _wait_for_session(client: HubClient) -> str | None:
    """None once the hub opened a session and sent its state; else why not."""
    loop = QEventLoop()
    timer = QTimer(interval=50)
    outcome: list[str | None] = []

    def check() -> None:
        status, detail = client.links.get(HUB_LINK, ("", ""))
        if client.connected.is_set():
            outcome.append(None)
        elif "login refused" in detail:
            outcome.append(detail.removeprefix("login refused: "))
        if outcome:
            loop.quit()

    timer.timeout.connect(check)
    timer.start()
    QTimer.singleShot(int(LOGIN_WAIT_S * 1000), lambda: (
        outcome.append(client.links.get(HUB_LINK, ("", "no answer from the hub"))[1]),
        loop.quit()))
    loop.exec()
    timer.stop()
    return outcome[0]


def log_in(scenario: Scenario, hub_url: str, user: str, attach) -> tuple[HubClient,
                                                                        MainWindow] | None:
    """Ask for the user and password until the hub accepts them (None if cancelled); `attach`
    opens the client and window (console.app.attach_window)."""
    reason = ""
    while True:
        dialog = LoginDialog(hub_url, user, reason)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        credentials = dialog.credentials()
        user = credentials.user or ""
        client, window = attach(scenario, hub_url, credentials, socket.gethostname())
        reason = _wait_for_session(client) or ""
        if not reason:
            return client, window
        client.stop()  # the reason is shown in the dialog, which asks again
        window.deleteLater()
