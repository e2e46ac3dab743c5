"""The administrator's user list in the console: the same changes as `jingbao users`, sent to
the hub as `users` commands (the hub checks the role and logs each change)."""

from __future__ import annotations

from concurrent.futures import Future

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from console.hub_client import HubClient

ROLES = ("dispatcher", "radio_operator", "shift_lead", "admin", "insurer_clerk")


class UsersDialog(QDialog):
    answered = Signal(str, object, object)  # action, result, error; emitted off the UI thread

    def __init__(self, hub: HubClient, parent=None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.setWindowTitle(self.tr("Users"))
        self.table = QTableWidget(0, 4, objectName="usersTable")
        self.table.setHorizontalHeaderLabels([self.tr("User"), self.tr("Role"),
                                              self.tr("Insurer"), self.tr("Active")])
        self.table.currentCellChanged.connect(self._pick)
        self.name = QLineEdit(objectName="userName")
        self.password = QLineEdit(objectName="userPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox(objectName="userRole")
        self.role.addItems(ROLES)
        self.insurer = QLineEdit(objectName="userInsurer")
        form = QFormLayout()
        form.addRow(self.tr("User"), self.name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Insurer"), self.insurer)
        buttons = QHBoxLayout()
        for text, action in ((self.tr("Add"), self._add), (self.tr("Set password"), self._passwd),
                             (self.tr("Set role"), self._set_role),
                             (self.tr("Disable"), lambda: self._send("disable", self._who())),
                             (self.tr("Enable"), lambda: self._send("enable", self._who()))):
            button = QPushButton(text)
            button.clicked.connect(action)
            buttons.addWidget(button)
        self.status = QLabel(objectName="usersStatus")
        column = QVBoxLayout(self)
        column.addWidget(self.table)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.status)
        self.answered.connect(self._on_answer)
        self.resize(620, 480)
        self.refresh()

    def refresh(self) -> None:
        self._send("list")

    def _who(self) -> str:
        return self.name.text().strip()

    def _insurer(self) -> str | None:
        return self.insurer.text().strip() or None

    def _add(self) -> None:
        self._send("add", self._who(), self.password.text(), self.role.currentText(),
                   self._insurer())

    def _passwd(self) -> None:
        self._send("passwd", self._who(), self.password.text())

    def _set_role(self) -> None:
        self._send("role", self._who(), self.role.currentText(), self._insurer())

    def _send(self, action: str, *args) -> None:
        def done(future: Future) -> None:
            error = future.exception()
            self.answered.emit(action, None if error else future.result(), error)

        self.hub.submit("users", action, *args).add_done_callback(done)

    def _on_answer(self, action: str, result, error) -> None:
        if error is not None:
            self.status.setText(str(error))
            self.status.setStyleSheet("color:#c00")
            return
        self.password.clear()
        if action == "list":
            self._show(result)
            return
        self.status.setStyleSheet("")
        self.status.setText(self.tr("%1: done").replace("%1", result["name"]))
        self.refresh()

    def _show(self, users: list[dict]) -> None:
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            for column, value in enumerate((user["name"], user["role"], user["insurer"] or "",
                                            "✓" if user["active"] else "—")):
                self.table.setItem(row, column, QTableWidgetItem(value))

    def _pick(self, row: int, *_args) -> None:
        name = self.table.item(row, 0)
        if name is not None:
            self.name.setText(name.text())
            self.role.setCurrentText(self.table.item(row, 1).text())
            self.insurer.setText(self.table.item(row, 2).text())
