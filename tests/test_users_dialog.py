"""An administrator manages users from the console; the hub enforces the role and logs each
change; a dispatcher cannot manage users."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QPushButton

from console.hub_client import CommandRefused
from console.users_dialog import UsersDialog
from db.schema import make_engine
from dispatch import events as ev
from hub.users import Role, UserStore
from tests.test_console_link import console, hub  # noqa: F401 - the hub fixture

pytestmark = pytest.mark.gui


def click(dialog: UsersDialog, text: str) -> None:
    next(b for b in dialog.findChildren(QPushButton) if b.text() == text).click()


def test_an_admin_adds_and_disables_a_user_from_the_console(qtbot, hub, db_url) -> None:  # noqa: F811
    users = UserStore(make_engine(db_url))
    users.add("root", "admin-password", Role.ADMIN)
    admin, _ = console(hub, "", "ws-admin", user="root", password="admin-password")
    dispatcher, _ = console(hub, "", "ws-d", token=hub.console_link.local_session(
        "dispatcher:d", "ws-d", Role.DISPATCHER))
    try:
        dialog = UsersDialog(admin)
        qtbot.addWidget(dialog)
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=5000)
        dialog.name.setText("li.na")
        dialog.password.setText("li-na-password")
        dialog.role.setCurrentText("radio_operator")
        click(dialog, "Add")
        qtbot.waitUntil(lambda: dialog.table.rowCount() == 2, timeout=5000)
        click(dialog, "Disable")
        def shown_active(name: str) -> str:
            row = next(r for r in range(dialog.table.rowCount())
                       if dialog.table.item(r, 0).text() == name)
            return dialog.table.item(row, 3).text()

        qtbot.waitUntil(lambda: shown_active("li.na") == "—", timeout=5000)
        assert not next(u for u in users.list() if u.name == "li.na").active
        changes = [e for e in hub.snapshot() if e.type == ev.USER_CHANGED]
        assert [(e.payload["action"], e.actor) for e in changes] == [("add", "root"),
                                                                     ("disable", "root")]
        assert "li-na-password" not in str(changes)
        with pytest.raises(CommandRefused) as refused:
            dispatcher.submit("users", "list").result(5)
        assert refused.value.code == "forbidden"
    finally:
        admin.stop()
        dispatcher.stop()
