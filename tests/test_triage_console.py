"""The verify outcome at the console: the question shown, the answer typed on the command line,
recorded by the hub as an event, and triage re-run with it — through the real window and hub."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import Qt

from dispatch import events as ev
from dispatch.command_bar import CommandError, Parsed, completions, parse
from tests.test_end_to_end import center, send_doc, slip  # noqa: F401 (a fixture)


def test_the_answer_verb_takes_a_case_and_yes_or_no() -> None:
    assert parse("/a 1001 n", ["1001"], []) == Parsed("answer_question", ("1001", "no"))
    assert parse("/a 1001 是", ["1001"], []) == Parsed("answer_question", ("1001", "yes"))
    with pytest.raises(CommandError) as error:
        parse("/a 1001 maybe", ["1001"], [])
    assert (error.value.code, error.value.values["kind"]) == ("unknown_word", "answer")
    assert completions("/a 1001 ", ["1001"], []) == ["/a 1001 y", "/a 1001 n"]


@pytest.mark.gui
def test_a_hedged_slip_waits_with_its_question_until_the_caller_answers(
        qtbot, open_console, center) -> None:  # noqa: F811 (the fixture)
    scenario, engine, _sim = center
    window = open_console(scenario, engine, "dispatcher:e2e", "ws-e2e")
    hedged = {**slip(), "alert_id": "110-Q-0001", "description": "两车剐蹭,不知道有没有人受伤",
              "structured": {"vehicles_movable": True, "estimated_loss_cny": 3000}}
    asyncio.run(send_doc(engine.feed_port, hedged))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 1, timeout=5000)
    case = window.queue_model.rows[0].case
    window.select_case(case)
    window.triage_selected()
    incident = lambda: window.state.incidents[case]  # noqa: E731
    qtbot.waitUntil(lambda: incident().question is not None, timeout=5000)
    assert incident().status == "received"  # neither referred nor passed
    qtbot.waitUntil(lambda: "现场有没有人受伤" in window.panel.toPlainText(), timeout=5000)
    assert f"/a {case} y" in window.panel.toPlainText()

    window.focus_command()
    window.command_bar.setText(f"/a {case} n")  # "有没有人受伤?" — no
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: incident().status == "triaged", timeout=5000)
    assert incident().answers == {"injury": True} and incident().question is None
    [answered] = [e for e in engine.snapshot() if e.type == ev.QUESTION_ANSWERED]
    assert answered.actor == "dispatcher:e2e" and answered.payload["answer"] is False
