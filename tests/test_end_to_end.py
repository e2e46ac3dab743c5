"""One 110 alert to a closed incident through every real part: websocket, window, pty, database.

No mocks: a websocket client sends the slip to the engine's feed server, the dispatcher works
the real window from the keyboard, the page travels over a pseudo-terminal to the gateway
simulator, whose guide acknowledges and drives to the scene, where the geofence notices arrival.
"""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from websockets.asyncio.client import connect

from console.main_window import MainWindow
from console.texts import disposition_text
from db.store import EventStore
from dispatch import events as ev
from dispatch import geodesy
from dispatch.service_hours import CHINA_TZ
from hub.engine import Engine
from radio.ports import PortConfig
from radio.simulator import GatewaySimulator, SimGuide
from resources import scenario as scenarios
from tests.recorder import Recorder
from tests.test_map_view import drag, widget_pos
from tests.test_quit import answer_next_question, choose_in_next_dialog

pytestmark = pytest.mark.gui

SCENE = (122.1035, 30.0205)  # inside the Dinghai service zone


def slip() -> dict:
    return {
        "alert_id": "110-E2E-0001",
        "received_at": datetime.now(CHINA_TZ).isoformat(timespec="seconds"),
        "caller_phone": "13800000000",
        "location": {"lon": SCENE[0], "lat": SCENE[1], "address": "定海解放路与人民路口"},
        "description": "两车追尾,无人受伤,车辆能动",
        "structured": {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 3000},
    }


async def send_doc(port: int, doc: dict) -> dict:
    async with connect(f"ws://127.0.0.1:{port}/feed") as ws:
        await ws.send(json.dumps(doc, ensure_ascii=False))
        return json.loads(await ws.recv())


async def send_alert(port: int) -> dict:
    return await send_doc(port, slip())


def open_window(qtbot, open_console, scenario, engine, actor: str = "dispatcher:e2e",
                ) -> MainWindow:
    """The real window, shown, once the simulated guides' first positions are in."""
    window = open_console(scenario, engine, actor, "ws-e2e")
    qtbot.waitUntil(lambda: window.state.units["G01"].lon is not None, timeout=5000)
    return window


@pytest.fixture
def center(db_url):
    scenario = scenarios.load()
    near = geodesy.offset(*SCENE, 250.0, -150.0)
    far = geodesy.offset(*SCENE, 2500.0, 900.0)
    guides = [SimGuide(100, "1001", *near, post=near), SimGuide(100, "1002", *far, post=far)]
    for guide in guides:  # keep them still until paged, so the test is deterministic
        guide.assigned = True
    sim = GatewaySimulator(guides, time_scale=25, report_interval_s=0.2, ack_delay_s=0.3)
    sim.start()
    store = EventStore.open(db_url, scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start(feed_port=0, radio_ports=[PortConfig("sim", sim.path)])
    yield scenario, engine, sim
    engine.stop()
    sim.stop()


def test_alert_to_closed_incident(qtbot, open_console, center) -> None:
    scenario, engine, sim = center
    window = open_console(scenario, engine, "dispatcher:e2e", "ws-e2e")
    qtbot.waitUntil(lambda: window.state.units["G01"].lon is not None, timeout=5000)

    assert asyncio.run(send_alert(engine.feed_port)) == {
        "type": "ack", "alert_id": "110-E2E-0001", "duplicate": False}
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 1, timeout=5000)
    case = window.queue_model.rows[0].case

    window.queue.setFocus()
    qtbot.keyClick(window.queue, Qt.Key.Key_Down)
    assert window.desk.selected == case
    status = lambda: window.state.incidents[case].status  # noqa: E731
    qtbot.keyClick(window.queue, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: status() == "triaged", timeout=5000)
    qtbot.waitUntil(lambda: bool(window.desk.ranked), timeout=2000)
    assert window.desk.ranked[0].unit_id == "G01"  # the nearer guide is recommended first

    qtbot.keyClick(window.queue, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(sim.pages) == 1, timeout=5000)
    assert (sim.pages[0].unit, sim.pages[0].lon, sim.pages[0].lat) == ("1001", *SCENE)
    qtbot.waitUntil(lambda: status() == "on_scene", timeout=20000)
    asked: list[str] = []
    choose_in_next_dialog(disposition_text("settled"), asked)  # as the list shows it
    qtbot.keyClick(window.queue, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: status() == "closed", timeout=5000)
    assert window.state.units["G01"].status == "available"

    log = [e for e in engine.snapshot() if e.type != ev.UNIT_POSITION]
    assert [e.type for e in log] == [
        ev.ALERT_RECEIVED, ev.INCIDENT_TRIAGED, ev.UNIT_DISPATCHED, ev.PAGE_SENT,
        ev.PAGE_ACKED, ev.UNIT_EN_ROUTE, ev.UNIT_ARRIVED, ev.INCIDENT_CLOSED]
    actors = {e.type: e.actor for e in log}
    assert actors[ev.ALERT_RECEIVED] == "hub:110-feed"
    assert actors[ev.INCIDENT_TRIAGED] == actors[ev.UNIT_DISPATCHED] == "dispatcher:e2e"
    assert actors[ev.PAGE_ACKED] == "radio:sim"
    assert actors[ev.UNIT_ARRIVED] == "system:geofence"
    assert all(e.time.tzinfo is not None for e in log)
    assert [e.time for e in log] == sorted(e.time for e in log)
    assert log[6].payload["distance_m"] <= 50
    assert log[7].payload["disposition"] == "settled" and case in asked[0]
    history = [s for _, s in window.state.incidents[case].history]
    assert history == ["received", "triaged", "dispatched", "acknowledged", "en_route",
                       "on_scene", "closed"]


def test_override_and_referral_from_the_keyboard(qtbot, open_console, center, monkeypatch) -> None:
    scenario, engine, _sim = center
    window = open_console(scenario, engine, "dispatcher:e2e", "ws-e2e")
    hurt = {**slip(), "alert_id": "110-E2E-0002", "description": "两车相撞,有人受伤流血"}
    hurt["structured"] = {**hurt["structured"], "injuries": False}
    moved = {**slip(), "alert_id": "110-E2E-0003", "description": "剐蹭,车辆能动"}
    for doc in (hurt, moved):
        asyncio.run(send_doc(engine.feed_port, doc))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 2, timeout=5000)
    by_alert = {i.alert_id: i.case for i in window.state.incidents.values()}

    window.select_case(by_alert["110-E2E-0002"])
    qtbot.waitUntil(lambda: "有人受伤流血" in window.panel.toPlainText(), timeout=2000)
    monkeypatch.setattr("console.main_window.QInputDialog.getText",
                        lambda *a, **k: ("报警人核实:仅擦伤,当事人拒绝120", True))
    qtbot.keyClick(window.queue, Qt.Key.Key_O)
    qtbot.waitUntil(lambda: window.state.incidents[by_alert["110-E2E-0002"]].status == "triaged",
                    timeout=5000)
    window.select_case(by_alert["110-E2E-0003"])
    asked: list[str] = []
    answer_next_question(QMessageBox.StandardButton.No, asked)
    qtbot.keyClick(window.queue, Qt.Key.Key_P)  # asked first; No sends nothing
    assert window.state.incidents[by_alert["110-E2E-0003"]].status == "received"
    answer_next_question(QMessageBox.StandardButton.Yes, asked)
    # the same action again (after a dialog an offscreen window may not be active for keys)
    (refer,) = [a for a in window.central.actions() if "P" in [k.toString()
                                                               for k in a.shortcuts()]]
    refer.trigger()
    assert len(asked) == 2 and by_alert["110-E2E-0003"] in asked[0]
    qtbot.waitUntil(
        lambda: window.state.incidents[by_alert["110-E2E-0003"]].status == "referred_police",
        timeout=5000)
    triaged = [e for e in engine.snapshot() if e.type == ev.INCIDENT_TRIAGED]
    assert triaged[0].payload["eligible"] is False
    assert triaged[0].payload["override_reason"] == "报警人核实:仅擦伤,当事人拒绝120"
    assert triaged[0].actor == "dispatcher:e2e"


def test_joint_assignment_dispatches_every_triaged_incident(qtbot, open_console, center,
                                                           monkeypatch) -> None:
    scenario, engine, sim = center
    window = open_console(scenario, engine, "dispatcher:e2e", "ws-e2e")
    qtbot.waitUntil(lambda: all(u.lon is not None for u in window.state.units.values()
                                if u.unit_id in ("G01", "G02")), timeout=5000)
    for n in (4, 5):
        asyncio.run(send_doc(engine.feed_port, {**slip(), "alert_id": f"110-E2E-000{n}"}))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 2, timeout=5000)
    for case in list(window.state.incidents):
        window.select_case(case)
        qtbot.keyClick(window.queue, Qt.Key.Key_T)
        qtbot.waitUntil(lambda c=case: window.state.incidents[c].status == "triaged", timeout=5000)
    proposal = window.desk.joint_proposal(datetime.now(UTC))
    assert len(proposal.assignments) == 2
    assert proposal.joint.lateness_s <= proposal.greedy.lateness_s
    monkeypatch.setattr("console.main_window.QMessageBox.question",
                        lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.keyClick(window.queue, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: all(i.status in ("dispatched", "acknowledged", "en_route")
                                for i in window.state.incidents.values()), timeout=5000)
    assert {i.unit_id for i in window.state.incidents.values()} == {"G01", "G02"}
    qtbot.waitUntil(lambda: len(sim.pages) == 2, timeout=5000)


def test_command_bar_duplicates_and_unit_status(qtbot, open_console, center) -> None:
    scenario, engine, sim = center
    window = open_window(qtbot, open_console, scenario, engine)
    first = {**slip(), "alert_id": "110-E2E-0006"}
    first["structured"] = {**first["structured"], "plates": ["浙LA12345", "浙LB00001"]}
    second = {**first, "alert_id": "110-E2E-0007", "caller_phone": "13900000000"}
    for doc in (first, second):
        asyncio.run(send_doc(engine.feed_port, doc))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 2, timeout=5000)
    by_alert = {i.alert_id: i.case for i in window.state.incidents.values()}
    older, newer = by_alert["110-E2E-0006"], by_alert["110-E2E-0007"]

    window.select_case(newer)
    window.refresh()
    [candidate] = window.desk.duplicates()
    assert candidate.case == older and "同一车牌浙LA12345、浙LB00001" in candidate.reasons
    qtbot.keyClick(window.queue, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: window.state.incidents[newer].status == "duplicate", timeout=5000)
    assert window.state.incidents[older].merged == [newer]

    qtbot.keyClick(window.queue, Qt.Key.Key_Slash)
    assert window.command_bar.hasFocus() and window.command_bar.text() == "/"
    qtbot.keyClicks(window.command_bar, f"d {older} g02")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "cannot go from New alert to Dispatched"  # in the console's words
                    in window.statusBar().currentMessage(),
                    timeout=5000)  # not triaged yet: refused, and the reason is shown
    window.focus_command()
    qtbot.keyClicks(window.command_bar, f"t {older}")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state.incidents[older].status == "triaged", timeout=5000)
    window.focus_command()
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Up)  # history: the refused dispatch again
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Up)
    assert window.command_bar.text() == f"/d {older} g02"
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state.incidents[older].unit_id == "G02", timeout=5000)
    qtbot.waitUntil(lambda: len(sim.pages) == 1 and sim.pages[0].unit == "1002", timeout=5000)

    window.focus_command()
    qtbot.keyClicks(window.command_bar, "s G0")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Tab)
    assert "G01" in window.statusBar().currentMessage()  # several: the choices are shown
    qtbot.keyClicks(window.command_bar, "1 of")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Tab)
    assert window.command_bar.text() == "/s G01 off"
    window.command_bar.clear()
    qtbot.keyClicks(window.command_bar, "/s G01 off")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.state.units["G01"].status == "off_duty", timeout=5000)
    window.focus_command()
    qtbot.keyClicks(window.command_bar, "s G01 sleeping")
    qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)
    # the console's words for the core's "unknown_word" (source text: no translator in tests)
    assert window.statusBar().currentMessage() == "Unknown status: sleeping"
    assert "/d CASE UNIT" in window.help_text() and "Ctrl+M" in window.help_text()
    kinds = [e.type for e in engine.snapshot()]
    assert ev.INCIDENT_MERGED in kinds and ev.UNIT_STATUS_SET in kinds


def test_operator_pages_maps_a_radio_and_filters_the_log(qtbot, open_console, center) -> None:
    scenario, engine, sim = center
    window = open_window(qtbot, open_console, scenario, engine, actor="operator:e2e")

    def command(line: str) -> None:
        window.focus_command()
        window.command_bar.setText(line)  # QTest cannot type CJK characters; an IME would
        qtbot.keyClick(window.command_bar, Qt.Key.Key_Return)

    command("/p G01 #2")
    qtbot.waitUntil(lambda: [p.text for p in sim.pages] == ["请报告当前位置"], timeout=5000)
    qtbot.waitUntil(lambda: any(e.type == ev.PAGE_ACKED for e in engine.snapshot()),
                    timeout=5000)
    command("/g 定海城区 注意 解放路 施工")  # both simulated guides sit in Dinghai's zone
    qtbot.waitUntil(lambda: len(sim.pages) == 3, timeout=5000)
    assert {p.unit for p in sim.pages[1:]} == {"1001", "1002"}

    # the handset 100/1002 moves from G02 to G03: refused while G02 still holds it; each
    # change of a unit's radio is confirmed first
    asked: list[str] = []

    def map_radio(line: str) -> None:
        answer_next_question(QMessageBox.StandardButton.Yes, asked)
        command(line)

    map_radio("/map 100/1002 G03")
    qtbot.waitUntil(lambda: "already belongs to G02" in window.statusBar().currentMessage(),
                    timeout=5000)
    map_radio("/map 100/2002 G02")
    qtbot.waitUntil(lambda: window.state.units["G02"].radio_id == "2002", timeout=5000)
    map_radio("/map 100/1002 G03")
    qtbot.waitUntil(lambda: window.state.by_radio.get((100, "1002")) == "G03", timeout=5000)
    qtbot.waitUntil(lambda: window.state.units["G03"].lon is not None, timeout=5000)
    window.radio_log.filter.setText("G01")
    shown = window.radio_log.view.toPlainText().splitlines()
    assert shown and all("G01" in line for line in shown)
    window.radio_log.raw.setChecked(True)
    assert "$PJBPG" in window.radio_log.view.toPlainText()
    command("/poll G01")
    qtbot.waitUntil(lambda: sim.polls == 1, timeout=5000)  # the gateway got $PJBPL
    mapped = [e for e in engine.snapshot() if e.type == ev.RADIO_MAPPED]
    qtbot.waitUntil(lambda: any(e.type == ev.POSITION_POLLED for e in engine.snapshot()),
                    timeout=5000)  # a fact: written just after the frame went out
    assert [m.payload["unit"] for m in mapped] == ["G02", "G03"]
    assert mapped[1].actor == "operator:e2e"
    assert len(asked) == 3


def test_right_click_menu_on_an_incident(qtbot, open_console, center) -> None:
    scenario, engine, _sim = center
    window = open_window(qtbot, open_console, scenario, engine)
    asyncio.run(send_doc(engine.feed_port, {**slip(), "alert_id": "110-E2E-0008"}))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 1, timeout=5000)
    case = window.queue_model.rows[0].case
    menu = window.incident_menu(case)
    menu.actions()[0].trigger()  # Triage
    qtbot.waitUntil(lambda: window.state.incidents[case].status == "triaged", timeout=5000)
    menu = window.incident_menu(case)
    dispatch = [a for a in menu.actions() if a.text().startswith("Dispatch G01")]
    assert dispatch, [a.text() for a in menu.actions()]
    dispatch[0].trigger()
    qtbot.waitUntil(lambda: window.state.incidents[case].unit_id == "G01", timeout=5000)


def triaged_alert(qtbot, window: MainWindow, engine: Engine, alert_id: str) -> str:
    """An alert sent over the feed and triaged from the window; returns its case number."""
    asyncio.run(send_doc(engine.feed_port, {**slip(), "alert_id": alert_id}))
    qtbot.waitUntil(lambda: window.queue_model.rowCount() == 1, timeout=5000)
    case = window.queue_model.rows[0].case
    window.select_case(case)
    window.triage_selected()
    qtbot.waitUntil(lambda: window.state.incidents[case].status == "triaged", timeout=5000)
    return case


def test_dragging_a_unit_onto_an_incident_pages_it(qtbot, open_console, center) -> None:
    """The far guide, not the recommended one, dragged onto the incident on the real map."""
    scenario, engine, sim = center
    window = open_window(qtbot, open_console, scenario, engine)
    case = triaged_alert(qtbot, window, engine, "110-E2E-0009")
    qtbot.waitUntil(lambda: window.state.units["G02"].lon is not None, timeout=5000)
    far = window.state.units["G02"]
    window.map.zoom_to([far.lon, SCENE[0]], [far.lat, SCENE[1]])
    window.refresh()
    qtbot.wait(50)
    drag(qtbot, window.map, widget_pos(window.map, far.lon, far.lat),
         widget_pos(window.map, *SCENE))
    qtbot.waitUntil(lambda: len(sim.pages) == 1, timeout=5000)
    assert sim.pages[0].unit == "1002"
    qtbot.waitUntil(lambda: window.state.incidents[case].unit_id == "G02", timeout=5000)


def test_a_unit_clicked_on_the_map_is_selected_on_the_board(qtbot, open_console, center) -> None:
    scenario, engine, _sim = center
    window = open_window(qtbot, open_console, scenario, engine)
    qtbot.waitUntil(lambda: window.state.units["G02"].lon is not None, timeout=5000)
    far = window.state.units["G02"]
    window.map.zoom_to([far.lon], [far.lat])
    window.refresh()
    qtbot.wait(50)
    QTest.mouseClick(window.map.plot.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, widget_pos(window.map, far.lon, far.lat))
    qtbot.waitUntil(lambda: window.board.currentIndex().isValid(), timeout=2000)
    assert window.board_model.rows[window.board.currentIndex().row()].unit_id == "G02"
    assert window.map.unit_layer.selected == "G02" and len(
        window.map.unit_layer.selection.points()) == 1
    window.board.selectRow(0)  # and back: the board's choice is ringed on the map
    assert window.map.unit_layer.selected == window.board_model.rows[0].unit_id


def test_incident_menu_pages_again_and_shows_details(qtbot, open_console, center) -> None:
    scenario, engine, sim = center
    window = open_window(qtbot, open_console, scenario, engine)
    case = triaged_alert(qtbot, window, engine, "110-E2E-0010")
    window.refresh()
    window.dispatch_choice(0)
    # the window's replica, not the radio, must know the unit before the menu offers it
    qtbot.waitUntil(lambda: window.state.incidents[case].status in (
        "acknowledged", "en_route", "on_scene"), timeout=10000)
    window.refresh()
    again = [a for a in window.incident_menu(case).actions() if a.text() == "Page G01 again"]
    assert again, [a.text() for a in window.incident_menu(case).actions()]
    again[0].trigger()
    qtbot.waitUntil(lambda: len(sim.pages) == 2, timeout=10000)
    assert sim.pages[1].unit == "1001" and case in sim.pages[1].text
    details = window.details_text(case)
    assert case in details and "Triaged" in details and "Dispatched" in details
