"""Two hubs serving at once: the serving hub publishes its log through the real NATS JetStream
server (127.0.0.1:4222), an edge hub follows it; real processes, the real PostgreSQL server.

A console on each hub; 110 slips into either hub; a dispatcher at the edge triages and
dispatches; both consoles see every event, with the same numbers, in the same order, and end
with exactly the log's picture; two dispatchers on one case, one at each hub: one wins. A
radio operator at the edge sees the serving hub's radio gateway and its log lines.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import tty
import uuid

import nats
import pytest

from console.hub_client import CommandRefused, Credentials, HubClient
from db.store import EventStore
from hub.fanout import subjects
from resources import scenario as scenarios
from tests.center_process import JINGBAO, Center, free_port
from tests.dbfixtures import _pg_database
from tests.test_console_link import Listening, Replica, picture, wait
from tests.test_faults import send, slip

NATS = "nats://127.0.0.1:4222"


@pytest.fixture
def pg_url():
    yield from _pg_database()


@pytest.fixture
def nats_server() -> str:
    try:
        socket.create_connection(("127.0.0.1", 4222), timeout=2).close()
    except OSError as exc:
        from tests import needs
        needs.missing("a NATS server with JetStream at 127.0.0.1:4222",
                      f"run nats-server -js ({exc})")
    return NATS


def start(command: list[str]) -> subprocess.Popen:
    hub = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = hub.stdout.readline()
    assert "110 feed on" in line, line
    return hub


def test_two_hubs_serve_one_center_in_step(tmp_path, pg_url, nats_server) -> None:
    center = f"t{uuid.uuid4().hex[:8]}"
    serving = Center(tmp_path, pg_url)
    serving.hub = start([JINGBAO, "hub", "--db", pg_url, "--feed-port", str(serving.port),
                         "--nats", nats_server, "--center", center])
    edge_port = free_port()
    edge = start([JINGBAO, "hub", "--db", pg_url, "--feed-port", str(edge_port),
                  "--edge", nats_server, "--center", center])
    roster = scenarios.load().roster
    here, there = Replica(), Replica()
    clients = [HubClient(f"ws://127.0.0.1:{port}", roster, replica,
                         Credentials(user="lead", password="lead-password"), workstation=name)
               for port, replica, name in ((serving.port, here, "ws-a"),
                                           (edge_port, there, "ws-b"))]
    for client in clients:
        client.start()
    try:
        assert all(client.connected.wait(15) for client in clients)
        feeds = [f"ws://127.0.0.1:{port}/feed?token={serving.token}"
                 for port in (serving.port, edge_port)]
        replies = [asyncio.run(send(feeds[n % 2], [slip(n)]))[0] for n in range(1, 21)]
        assert [r["type"] for r in replies] == ["ack"] * 20  # slips into either hub
        wait(lambda: len(there.state.incidents) == 20 and len(here.state.incidents) == 20)
        case = there.state.by_alert["F-2"]  # sent to the edge
        at_edge = clients[1]
        at_edge.submit("override_triage", case, "test").result(10)
        at_edge.submit("dispatch", case, "G01").result(10)
        wait(lambda: here.state.incidents[case].unit_id == "G01")
        other = there.state.by_alert["F-3"]
        at_edge.submit("override_triage", other, "test").result(10)
        wait(lambda: here.state.incidents[other].status == "triaged")
        version = here.state.incidents[other].version
        first = clients[0].submit("dispatch", other, "G02", based_on=version)
        second = at_edge.submit("dispatch", other, "G03", based_on=version)
        outcomes = []
        for future in (first, second):
            try:
                future.result(10)
                outcomes.append("ok")
            except CommandRefused as exc:
                outcomes.append(exc.code)
        assert sorted(outcomes) == ["conflict", "ok"]  # one wins, at whichever hub
        truth = EventStore.open(pg_url, roster).state
        wait(lambda: here.state.last_event_id == there.state.last_event_id
             == truth.last_event_id, timeout=20)
        assert here.seen == there.seen  # the same numbers in the same order
        assert picture(here.state) == picture(there.state) == picture(truth)
    finally:
        for client in clients:
            client.stop()
        edge.terminate()
        edge.wait(10)
        serving.stop()


async def garbage(url: str, names: dict[str, str]) -> None:
    """Malformed notices on the radio and link subjects, as a stray publisher might send."""
    connection = await nats.connect(url)
    for body in (b"not json", b"[1, 2]", b'{"entry": {"port": "gw"}}', b'{"link": "db"}'):
        await connection.publish(names["radio"], body)
        await connection.publish(names["link"], body)
    await connection.drain()


def test_an_operator_at_an_edge_sees_the_serving_hubs_radio(tmp_path, pg_url, nats_server) -> None:
    """The gateway is on the serving hub's serial port (a real pty); the console follows the
    edge. Its lamp comes from the serving hub's links as they stood when the edge started;
    a garbled frame's rejection, a line of no event, is relayed as it happens."""
    center = f"t{uuid.uuid4().hex[:8]}"
    master, slave = os.openpty()
    tty.setraw(slave)
    serving = Center(tmp_path, pg_url)
    serving.hub = start([JINGBAO, "hub", "--db", pg_url, "--feed-port", str(serving.port),
                         "--nats", nats_server, "--center", center,
                         "--radio", f"gw={os.ttyname(slave)}"])
    edge_port = free_port()
    edge = start([JINGBAO, "hub", "--db", pg_url, "--feed-port", str(edge_port),
                  "--edge", nats_server, "--center", center])
    operator = Listening()
    client = HubClient(f"ws://127.0.0.1:{edge_port}", scenarios.load().roster, operator,
                       Credentials(user="lead", password="lead-password"), workstation="ws-r")
    client.start()
    try:
        assert client.connected.wait(15)
        wait(lambda: operator.links.get("radio:gw") == "connected")
        assert operator.links.get("nats") == "connected"  # the edge's own lamp, not relayed
        asyncio.run(garbage(nats_server, subjects(center)))  # refused, the edge goes on
        os.write(master, b"$GPXXX,not a sentence*00\r\n")
        wait(lambda: any(e.direction == "rejected" and e.port == "gw" for e in operator.radio))
    finally:
        client.stop()
        edge.terminate()
        edge.wait(10)
        serving.stop()
        os.close(master)
        os.close(slave)
