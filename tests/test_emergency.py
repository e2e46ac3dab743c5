"""A radio's emergency (Mic-E "Emergency" over a KISS TNC on a pty) reaches the operator."""

from __future__ import annotations

import dataclasses
import os
import socket
import tty

import pytest
from PySide6.QtCore import Qt

from db.store import EventStore
from dispatch import events as ev
from hub.engine import Engine
from radio.ports import PortConfig
from radio.protocols import kiss
from resources import scenario as scenarios
from tests.recorder import Recorder
from tests.test_aprs_kiss import mic_e

CALL = "BG7ABC-9"


def kiss_frame(dest: str, source: str, info: bytes) -> bytes:
    ax25 = (kiss._encode_address(dest, False) + kiss._encode_address(source, True)
            + bytes([kiss.UI_CONTROL, kiss.NO_LAYER3]) + info)
    return bytes([kiss.FEND, 0]) + kiss.escape(ax25) + bytes([kiss.FEND])


def test_emergency_banner_until_acknowledged(qtbot, open_console, tmp_path) -> None:
    demo = scenarios.load()
    spec = {"unit_id": "G99", "name": "引导员99", "kind": "guide", "fleet": 0,
            "radio_id": CALL, "post": "定海解放路岗"}
    scenario = dataclasses.replace(demo, unit_specs=[*demo.unit_specs, spec])
    master, slave = os.openpty()
    tty.setraw(slave)
    store = EventStore.open(f"sqlite:///{tmp_path / 'e.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, Recorder(), workstation=socket.gethostname())
    engine.start(radio_ports=[PortConfig("tnc", os.ttyname(slave), protocol="kiss")])
    window = open_console(scenario, engine, "operator:t", "ws")
    try:
        qtbot.waitUntil(lambda: engine.links.get("radio:tnc", ("",))[0] == "connected",
                        timeout=5000)
        dest, info = mic_e(30.02, 122.10, 0, 0, "000")
        os.write(master, kiss_frame(dest, CALL, info) * 2)  # still pressed: one alarm
        qtbot.waitUntil(lambda: window.emergency_banner.isVisible(), timeout=5000)
        assert "G99" in window.emergency_banner.text()
        qtbot.waitUntil(lambda: window.state.units["G99"].lat is not None, timeout=5000)
        assert window.state.units["G99"].lat == pytest.approx(30.02, abs=1e-3)
        assert window.map.unit_layer.selected == "G99"  # the map and the board go to the guide
        qtbot.keyClick(window.queue, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: not window.emergency_banner.isVisible(), timeout=5000)
        kinds = [e.type for e in engine.snapshot()]
        assert kinds.count(ev.RADIO_EMERGENCY) == 1 and ev.EMERGENCY_ACKED in kinds
        acked = [e for e in engine.snapshot() if e.type == ev.EMERGENCY_ACKED][0]
        assert acked.actor == "operator:t"
        qtbot.waitUntil(lambda: any("已确认" in e.text for e in window.radio_log.entries),
                        timeout=5000)  # the operator's log says who took it, on its port
        (line,) = [e for e in window.radio_log.entries if "已确认" in e.text]
        assert (line.port, line.unit, "operator:t" in line.text) == ("tnc", "G99", True)
    finally:
        engine.stop()
        os.close(master)
        os.close(slave)
