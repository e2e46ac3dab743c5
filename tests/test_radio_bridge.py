"""`jingbao radio-bridge` on "the radio PC" serving a `jingbao hub` process: real processes,
a real pty for the serial line, the real websocket radio link.

Fixes reach the hub's log, a dispatch's page goes out on the bridge's port and its ack comes
back; the hub killed with SIGKILL and restarted while the radio keeps talking costs nothing:
every fix written to the pty is in the log exactly once.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
import subprocess
import time
import tty
from datetime import UTC, datetime

import pytest

from console.hub_client import Credentials, HubClient
from dispatch import events as ev
from radio.protocols import fleetsync
from radio.simulator import GatewaySimulator, SimGuide
from resources import scenario as scenarios
from tests import needs
from tests.center_process import Center
from tests.test_console_link import Listening, Replica, wait
from tests.test_faults import JINGBAO, send, slip


def start_bridge(center: Center, device: str, *options: str,
                 env: dict | None = None) -> subprocess.Popen:
    errors = open(center.directory / "bridge.err", "w+")  # noqa: SIM115 - read on failure
    bridge = subprocess.Popen([JINGBAO, "radio-bridge", "--hub", f"ws://127.0.0.1:{center.port}",
                               "--radio", f"gw={device}", "--name", "radio-pc", "--token",
                               center.token, *options], stdout=subprocess.PIPE, stderr=errors,
                              text=True, env=env)
    first = bridge.stdout.readline()
    if "radio bridge radio-pc" not in first:
        bridge.wait(10)
        errors.seek(0)
        pytest.fail(f"bridge exited {bridge.returncode}: {first!r} {errors.read()[-3000:]}")
    return bridge


@pytest.fixture
def center(tmp_path):
    center = Center(tmp_path)
    center.start()
    yield center
    center.stop()


def test_fixes_in_pages_out_and_acks_back_through_the_bridge(center) -> None:
    guide = SimGuide(100, "1001", 122.1035, 30.0205, post=(122.1035, 30.0205))
    sim = GatewaySimulator([guide], report_interval_s=0.2, ack_delay_s=0.2)
    sim.start()
    bridge = start_bridge(center, sim.path)
    replica = Replica()
    client = HubClient(f"ws://127.0.0.1:{center.port}", scenarios.load().roster, replica,
                       Credentials(user="lead", password="lead-password"), workstation="ws")
    client.start()
    try:
        client.connected.wait(10)
        wait(lambda: replica.state.units["G01"].lon is not None)
        wait(lambda: replica.links.get("radio:radio-pc/gw") == "connected")
        feed = f"ws://127.0.0.1:{center.port}/feed?token={center.token}"
        asyncio.run(send(feed, [slip(1)]))
        wait(lambda: "1001" in replica.state.incidents)
        client.submit("override_triage", "1001", "test").result(5)
        client.submit("dispatch", "1001", "G01").result(5)
        wait(lambda: len(sim.pages) == 1)  # out on the bridge's serial port
        wait(lambda: replica.state.incidents["1001"].status != "dispatched")  # acked back
        assert center.count(ev.PAGE_ACKED) == 1
    finally:
        client.stop()
        bridge.terminate()
        bridge.wait(10)
        sim.stop()


def test_a_voice_page_goes_on_the_air_at_the_radio_pc(center, tmp_path) -> None:
    """The hub has no sound card: the bridge on the radio PC, started with --voice, speaks the
    dispatch's page (espeak-ng, played by aplay to ALSA's null device, PTT on pyserial's
    loop:// port) and keys the radio for the operator; the log keeps the clip's hash, and the
    clip on the radio PC's disk measures (sox) as long as the log says."""
    for tool, package in (("espeak-ng", "espeak-ng"), ("aplay", "alsa-utils"), ("sox", "sox")):
        needs.tool(tool, package)
    guide = SimGuide(100, "1001", 122.1035, 30.0205, post=(122.1035, 30.0205))
    sim = GatewaySimulator([guide], report_interval_s=0.2, ack_delay_s=0.2)
    sim.start()
    data = tmp_path / "radio-pc"
    bridge = start_bridge(center, sim.path, "--voice", "loop://,device=null,lead=0.1,tail=0.1",
                          env={**os.environ, "XDG_DATA_HOME": str(data)})
    replica = Listening()
    client = HubClient(f"ws://127.0.0.1:{center.port}", scenarios.load().roster, replica,
                       Credentials(user="lead", password="lead-password"), workstation="ws")
    client.start()
    try:
        client.connected.wait(10)
        wait(lambda: replica.links.get("radio:radio-pc/gw") == "connected")
        asyncio.run(send(f"ws://127.0.0.1:{center.port}/feed?token={center.token}", [slip(1)]))
        wait(lambda: "1001" in replica.state.incidents)
        client.submit("override_triage", "1001", "test").result(5)
        client.submit("dispatch", "1001", "G01").result(5)
        wait(lambda: center.count(ev.VOICE_PAGE) == 1, timeout=30)
        (page,) = center.payloads(ev.VOICE_PAGE)
        assert page["ok"] and page["via"] == "bridge radio-pc" and page["unit"] == "G01"
        clip = data / "jingbao" / "voice" / f"{page['sha256']}.wav"
        assert hashlib.sha256(clip.read_bytes()).hexdigest() == page["sha256"]
        length = float(subprocess.run(["soxi", "-D", str(clip)], capture_output=True,
                                      text=True, check=True).stdout)
        assert length == pytest.approx(page["duration_s"], abs=0.01) and length > 1.0
        assert page["keyed_s"] >= 0.2  # keyed through lead and tail (ALSA's null plays at once)
        wait(lambda: any(e.text.startswith("语音") for e in replica.radio))
        client.submit("push_to_talk", True).result(5)
        client.submit("push_to_talk", False).result(5)
        wait(lambda: [e.text for e in replica.radio if "PTT" in e.text] == [
            "PTT 按下 keyed", "PTT 松开 released"])
    finally:
        client.stop()
        bridge.terminate()
        bridge.wait(10)
        sim.stop()


def test_a_hub_killed_and_restarted_loses_and_doubles_no_fix(center) -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    bridge = start_bridge(center, os.ttyname(slave))
    sent: list[tuple[float, float]] = []

    def report(k: int) -> None:
        lon, lat = round(122.1 + k * 1e-4, 6), 30.02
        os.write(master, fleetsync.encode(100, "1001", datetime.now(UTC), lon, lat, 20, 90))
        sent.append((lon, lat))
        time.sleep(0.02)

    def opened() -> bool:  # pyserial drops what came before the bridge opened the port
        os.write(master, fleetsync.encode(100, "1001", datetime.now(UTC), 122.0, 30.0, 0, 0))
        time.sleep(0.2)
        return len(center.positions()) > 0

    try:
        wait(opened)
        time.sleep(0.5)
        probes = len(center.positions())
        for k in range(40):
            report(k)
        wait(lambda: len(center.positions()) == probes + 40)
        center.kill()
        for k in range(40, 100):  # the radio keeps talking while the hub is away
            report(k)
        center.start()
        for k in range(100, 120):
            report(k)
        wait(lambda: len(center.positions()) >= probes + 120, timeout=30)
        time.sleep(1.0)  # anything sent twice would land now
        logged = [p for p in center.positions() if p != (122.0, 30.0)]
        rounded = sorted((round(lon, 6), round(lat, 6)) for lon, lat in logged)
        assert rounded == sorted(sent)  # every fix once: none lost, none doubled
    finally:
        bridge.terminate()
        bridge.wait(10)
        os.close(master)
        os.close(slave)


def test_a_bridge_sending_garbage_is_answered_and_kept(tmp_path) -> None:
    """Malformed batches and reports from a bridge are logged as rejections; the link stays
    up and the next good batch is acknowledged."""
    import json

    from websockets.asyncio.client import connect

    from db.store import EventStore
    from hub.engine import Engine
    from tests.recorder import Recorder

    demo = scenarios.load()
    recorder = Recorder()
    engine = Engine(EventStore.open(f"sqlite:///{tmp_path / 'g.sqlite3'}", demo.roster), demo,
                    recorder, workstation="hub")
    engine.start()

    async def garbage() -> list[dict]:
        async with connect(f"{engine.url}/radio") as ws:
            await ws.send(json.dumps({"type": "hello", "bridge": "x", "ports": [{"name": "gw"}]}))
            await ws.recv()
            for junk in ({"type": "batch", "port": "gw", "seq": "abc"},
                         {"type": "batch", "port": "gw", "seq": 1,
                          "items": [1, {"kind": "position", "lon": "nan"}]}):
                await ws.send(json.dumps(junk))
            await ws.send("not json{")
            await ws.send(json.dumps({"type": "batch", "port": "gw", "seq": 2, "items": []}))
            return [json.loads(await ws.recv()) for _ in range(2)]

    try:
        assert asyncio.run(garbage()) == [{"type": "ack", "seq": 1}, {"type": "ack", "seq": 2}]
        assert [r.direction for r in recorder.radio if "malformed" in r.text] == ["rejected"] * 2
    finally:
        engine.stop()
