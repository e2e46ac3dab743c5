"""The engine's radio side over a real pty: unknown radios surfaced, known ones recorded."""

from __future__ import annotations

import os
import socket
import time
import tty
from datetime import UTC, datetime

from db.store import EventStore
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.commands import Actor, receive_alert
from hub.engine import Engine
from radio.pager import PagerPolicy
from radio.ports import PortConfig
from radio.protocols import fleetsync
from radio.simulator import GatewaySimulator, SimGuide
from resources import scenario as scenarios
from tests.recorder import Recorder
from tests.test_dispatch_core import SLIP


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
        unknown_report = fleetsync.encode(100, "9999", now, 122.10, 30.02, 20, 90)
        os.write(master, unknown_report * 3
                 + b"\x07\x07garbage\r\n"
                 + fleetsync.encode(100, "1001", now, 122.11, 30.03, 20, 90))
        position = recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        assert position.payload["unit"] == "G01" and position.actor == "radio:gw"
        assert abs(position.payload["lon"] - 122.11) < 1e-6
        assert engine.unknown_radios == {(100, "9999"): 3}
        unknown = [r for r in recorder.radio if r.unit == "100/9999"]
        assert len(unknown) == 1 and unknown[0].direction == "rejected"  # said once a minute
        assert any(r.direction == "rejected" and "garbage" in r.text for r in recorder.radio)
        os.write(master, fleetsync.encode(100, "1002", now, 122.12, 30.03, 0, 0, status=99))
        alarm = recorder.wait_for(lambda e: e.type == ev.RADIO_EMERGENCY)
        assert alarm.payload["unit"] == "G02"  # FleetSync emergency status code
    finally:
        engine.stop()
        os.close(master)
        os.close(slave)


def test_unanswered_page_is_resent_then_escalated(tmp_path) -> None:
    scenario = scenarios.load()
    guide = SimGuide(100, "1001", 122.1035, 30.0205, post=(122.1035, 30.0205))
    sim = GatewaySimulator([guide], report_interval_s=0.2, ack_delay_s=3600)  # never answers
    sim.start()
    recorder = Recorder()
    store = EventStore.open(f"sqlite:///{tmp_path / 'p.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, recorder, workstation="ws",
                    pager_policy=PagerPolicy(ack_timeout_s=0.4, max_attempts=2))
    engine.start(feed_port=None, radio_ports=[PortConfig("sim", sim.path)])
    actor = Actor("dispatcher:t", "ws")
    try:
        recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        slip = parse_alert_slip(SLIP, scenario.region)
        engine.submit(engine.store.append, [receive_alert(slip, actor)]).result(timeout=5)
        case = engine.store.state.by_alert["A-1"]
        engine.submit(engine.override_triage, case, "test", actor).result(timeout=5)
        engine.submit(engine.dispatch, case, "G01", actor).result(timeout=5)
        failed = recorder.wait_for(lambda e: e.type == ev.PAGE_FAILED, timeout=10)
        assert failed.payload["attempts"] == 2 and failed.actor == "system:pager"
        sent = [e for e in engine.snapshot() if e.type == ev.PAGE_SENT]
        assert [e.payload["attempt"] for e in sent] == [1, 2]
        assert len({e.payload["seq"] for e in sent}) == 1
        assert [p.seq for p in sim.pages] == [sent[0].payload["seq"]] * 2  # both went on air
        state = engine.store.state
        assert state.incidents[case].status == "escalated"
        assert state.units["G01"].status == "busy"
    finally:
        engine.stop()
        sim.stop()


def test_a_unit_is_paged_and_polled_on_the_port_it_was_heard_on(tmp_path) -> None:
    """Two gateways, each reaching one guide (two real ptys): a page and a poll for the guide
    heard on the second go out there, not on the first, and the page is acknowledged."""
    scenario = scenarios.load()
    first = GatewaySimulator([SimGuide(100, "1001", 122.1035, 30.0205,
                                       post=(122.1035, 30.0205))], report_interval_s=0.2)
    second = GatewaySimulator([SimGuide(100, "1002", 122.1100, 30.0250,
                                        post=(122.1100, 30.0250))], report_interval_s=0.2)
    first.start()
    second.start()
    recorder = Recorder()
    store = EventStore.open(f"sqlite:///{tmp_path / 'two.sqlite3'}", scenario.roster)
    engine = Engine(store, scenario, recorder, workstation="ws")
    engine.start(feed_port=None, radio_ports=[PortConfig("first", first.path),
                                              PortConfig("second", second.path)])
    actor = Actor("radio:t", "ws")
    try:
        recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION and e.payload["unit"] == "G02")
        seq = engine.submit(engine.page, "G02", "回中队", actor).result(timeout=5)
        acked = recorder.wait_for(lambda e: e.type == ev.PAGE_ACKED, timeout=10)
        assert acked.payload == {"unit": "G02", "seq": seq, "case": None}
        assert [p.seq for p in second.pages] == [seq] and first.pages == []
        sent = [e for e in engine.snapshot() if e.type == ev.PAGE_SENT]
        assert [e.payload["port"] for e in sent] == ["second"]
        assert engine.submit(engine.poll, "G02", actor).result(timeout=5) == "second"
    finally:
        engine.stop()
        first.stop()
        second.stop()
