"""One table of actions (console/actions.py) gives the window its keys, menus and F1 help, and
a role sees only what it may send: a radio operator's console has no dispatching keys."""

from __future__ import annotations

from hub.users import Role
from resources import scenario as scenarios


def test_the_table_drives_keys_menus_help_and_roles(qtbot, running_engine,
                                                    open_console) -> None:
    from console.actions import ACTIONS, MENUS

    scenario = scenarios.load()
    engine = running_engine(scenario)
    lead = open_console(scenario, engine)
    operator = open_console(scenario, engine, "radio:op", "ws-radio",
                            Role.RADIO_OPERATOR)
    menus = [a.menu() for a in lead.menuBar().actions()]
    assert len(menus) == len(MENUS)
    entries = [a for menu in menus for a in menu.actions()]
    assert len(entries) == len(ACTIONS)  # every action has its menu entry
    help_lines = lead.help_text().splitlines()
    assert all(any(line.startswith(" / ".join(spec.keys)) for line in help_lines)
               for spec in ACTIONS)

    def enabled(window, verb: str) -> bool:
        (state,) = {action.isEnabled() for v, action in window.verb_actions if v == verb}
        return state

    qtbot.waitUntil(lambda: not enabled(operator, "triage"), timeout=5000)
    assert enabled(operator, "acknowledge_emergency") and not enabled(operator, "dispatch")
    assert enabled(lead, "triage") and enabled(lead, "dispatch")
    assert not enabled(lead, "users")  # an administrator's, not a shift lead's
