"""The engine's radio side over a real pty: unknown radios surfaced, known ones recorded."""

from __future__ import annotations

import os
import socket
import time
import tty
from datetime import UTC, datetime

from console.engine import Engine
from db.store import EventStore
from dispatch import events as ev
from radio.ports import PortConfig
from radio.protocols import fleetsync
from resources import scenario as scenarios
from tests.recorder import Recorder


def test_unknown_radio_is_surfaced_and_known_positions_are_logged(tmp_path) -> None:
    scenario = scenarios.load()
    master, slave = os.openpty()
    tty.setraw(slave)
    recorder = Recorder()
    store = EventStore.open(f"sqlite:///{tmp_path / 'r.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, recorder, workstation=socket.gethostname())
    engine.start(feed_port=None, radio_ports=[PortConfig("gw", os.ttyname(slave))])
    try:
        deadline = time.monotonic() + 5
        while ("radio:gw", "connected") not in {(link, s) for link, s, _ in recorder.links}:
            assert time.monotonic() < deadline, recorder.links
            time.sleep(0.02)
        now = datetime.now(UTC)
        os.write(master, fleetsync.encode(100, "9999", now, 122.10, 30.02, 20, 90)
                 + b"\x07\x07garbage\r\n"
                 + fleetsync.encode(100, "1001", now, 122.11, 30.03, 20, 90))
        position = recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        assert position.payload["unit"] == "G01" and position.actor == "radio:gw"
        assert abs(position.payload["lon"] - 122.11) < 1e-6
        assert engine.unknown_radios == {(100, "9999"): 1}
        unknown = [r for r in recorder.radio if r.unit == "100/9999"]
        assert unknown and unknown[0].direction == "rejected"
        assert any(r.direction == "rejected" and "garbage" in r.text for r in recorder.radio)
    finally:
        engine.stop()
        os.close(master)
        os.close(slave)
