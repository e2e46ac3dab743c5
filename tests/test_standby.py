"""A standby hub: two `jingbao hub` processes on one PostgreSQL database, real processes.

The second stands by while the first holds the database's lease; 110 keeps sending slips
(each resent, identically, to the other address until acknowledged, as a 110 client with two
addresses does) and a console follows with both addresses. The active hub is killed with
SIGKILL: the standby serves within 10 s, every acknowledged slip is in the log exactly once,
the hash chain holds, and the console ends with exactly the log's picture. On SQLite the
lease is a file lock: a second hub on the same file stands by too.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time

import pytest
from sqlalchemy import select
from websockets.asyncio.client import connect

from console.hub_client import Credentials, HubClient
from db.models import EventRow
from db.store import EventStore, verify_chain
from dispatch import events as ev
from resources import scenario as scenarios
from tests.center_process import JINGBAO, Center, free_port
from tests.dbfixtures import _pg_database
from tests.test_console_link import Replica, picture, wait
from tests.test_faults import slip

TAKEOVER_S = 10.0


@pytest.fixture
def pg_url():
    yield from _pg_database()


def start_standby(url: str, port: int) -> subprocess.Popen:
    hub = subprocess.Popen([JINGBAO, "hub", "--db", url, "--feed-port", str(port)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert "standing by" in hub.stdout.readline()
    return hub


class Sender:
    """110 with two addresses: slips in order, each resent unchanged until one hub acks it."""

    def __init__(self, feeds: list[str]) -> None:
        self.feeds = feeds
        self.acked: dict[str, float] = {}  # alert id → when its ack came
        self.stop = threading.Event()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._run()))

    async def _run(self) -> None:
        n, at = 0, 0
        while not self.stop.is_set():
            n += 1
            text = slip(n)
            while not self.stop.is_set():
                try:
                    async with connect(self.feeds[at], open_timeout=2) as ws:
                        await ws.send(text)
                        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if reply.get("type") == "ack":
                        self.acked[reply["alert_id"]] = time.monotonic()
                        break
                except (OSError, TimeoutError, Exception):  # noqa: BLE001 - the other hub
                    pass
                at = 1 - at
                await asyncio.sleep(0.1)
            await asyncio.sleep(0.05)


def test_a_standby_takes_over_within_10_s_and_nothing_acknowledged_is_lost(
        tmp_path, pg_url) -> None:
    active = Center(tmp_path, pg_url)
    active.start()
    standby_port = free_port()
    standby = start_standby(pg_url, standby_port)
    hubs = [f"ws://127.0.0.1:{active.port}", f"ws://127.0.0.1:{standby_port}"]
    sender = Sender([f"{hub}/feed?token={active.token}" for hub in hubs])
    replica = Replica()
    client = HubClient(",".join(hubs), scenarios.load().roster, replica,
                       Credentials(user="lead", password="lead-password"), workstation="ws")
    client.start()
    try:
        assert client.connected.wait(10)
        sender.thread.start()
        wait(lambda: len(sender.acked) >= 20, timeout=30)
        killed = time.monotonic()
        active.kill()
        assert "110 feed on" in standby.stdout.readline()  # it took the lease and serves
        wait(lambda: any(t > killed for t in sender.acked.values()), timeout=30)
        first_ack = min(t for t in sender.acked.values() if t > killed)
        print(f"takeover: first ack {first_ack - killed:.1f} s after the kill")
        assert first_ack - killed <= TAKEOVER_S
        count = len(sender.acked)
        wait(lambda: len(sender.acked) >= count + 20, timeout=30)
        sender.stop.set()
        sender.thread.join(15)
        with active.database.connect() as connection:
            logged = [p["alert_id"] for p in connection.execute(select(EventRow.payload).where(
                EventRow.type == ev.ALERT_RECEIVED)).scalars()]
        assert sorted(logged) == sorted(set(logged))  # none twice
        assert set(sender.acked) <= set(logged)  # none acknowledged and lost
        assert verify_chain(active.database).problems == []
        roster = scenarios.load().roster
        truth = EventStore.open(pg_url, roster).state
        wait(lambda: replica.state.last_event_id == truth.last_event_id, timeout=20)
        assert picture(replica.state) == picture(truth)
    finally:
        sender.stop.set()
        client.stop()
        active.stop()
        standby.terminate()
        standby.wait(10)


def test_a_second_hub_on_one_sqlite_file_stands_by(tmp_path) -> None:
    active = Center(tmp_path)
    active.start()
    standby = start_standby(active.url, free_port())
    try:
        active.stop()
        assert "110 feed on" in standby.stdout.readline()
    finally:
        standby.terminate()
        standby.wait(10)


def test_a_hub_that_loses_its_lease_stops_and_the_standby_serves(tmp_path, pg_url) -> None:
    """The server ends the active hub's lease session (as it does for a hub cut off from it
    past the keepalives): that hub must stop writing, since the standby takes over."""
    from sqlalchemy import text

    from db.lease import LEASE_KEY

    active = Center(tmp_path, pg_url)
    active.start()
    standby = start_standby(pg_url, free_port())
    try:
        with active.database.connect() as connection:
            ended = connection.scalar(text(
                "select count(pg_terminate_backend(pid)) from pg_locks where locktype = "
                "'advisory' and objid = :key and granted"), {"key": LEASE_KEY})
        assert ended == 1
        assert active.hub.wait(10) == 3  # stopped on its own, saying why
        assert "110 feed on" in standby.stdout.readline()
    finally:
        active.stop()
        standby.terminate()
        standby.wait(10)
