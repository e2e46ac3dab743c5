"""Faults from outside, through real components: a hub killed with SIGKILL under load, the
database cut, frozen and full, radios with wrong clocks and wrong coordinates on a real pty,
110 slips resent with other content or dated decades off. Nothing acknowledged may be lost,
nothing rejected may be half-stored, and the engine must keep answering throughout.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import tty
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from db.schema import make_engine, upgrade
from db.store import EventStore
from dispatch import events as ev
from hub.engine import WRITE_DEADLINE_S, Engine
from hub.feed_tokens import FeedTokens
from radio.ports import PortConfig
from radio.protocols import fleetsync
from resources import scenario as scenarios
from tests.dbfixtures import _pg_database
from tests.recorder import Recorder
from tests.tcp_proxy import TcpProxy
from tests.test_dispatch_core import SLIP
from tests.test_feed import exchange as send

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


def slip(n: int, **changes) -> str:
    now = datetime.now(UTC).isoformat()
    return json.dumps({**SLIP, "alert_id": f"F-{n}", "received_at": now, **changes})


def start_engine(url: str, **start) -> Engine:
    demo = scenarios.load()
    recorder = Recorder()
    engine = Engine(EventStore.open(url, demo.roster), demo, recorder, workstation="ws-fault")
    engine.recorder = recorder
    engine.start(**start)
    return engine


def wait_connected(engine: Engine, link: str) -> None:
    deadline = time.monotonic() + 5
    while engine.links.get(link, ("",))[0] != "connected":
        assert time.monotonic() < deadline, engine.links
        time.sleep(0.02)


def responsive(engine: Engine, within_s: float = 0.5) -> bool:
    """The engine loop answers at once: it is not blocked by the database."""
    return engine.submit(lambda: True).result(timeout=within_s)


# -- kill -9 under load --------------------------------------------------------------------

def feed_token(db_url: str) -> str:
    """A token for a 110 client of the hub that will run on this database."""
    database = make_engine(db_url)
    upgrade(database)
    try:
        return FeedTokens(database).add(f"110-{os.urandom(3).hex()}")
    finally:
        database.dispose()


def start_hub(db_url: str, token: str) -> tuple[subprocess.Popen, str]:
    """A `jingbao hub` process, and its feed's URL with the token."""
    hub = subprocess.Popen([JINGBAO, "hub", "--db", db_url, "--feed-port", "0"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = hub.stdout.readline()
    assert "110 feed on" in line, line
    return hub, f"{line.split(' on ')[1].strip()}?token={token}"


async def load_until_killed(url: str, first: int, hub: subprocess.Popen, kill_after: int,
                            clients: int = 4) -> set[str]:
    """Several 110 clients send slips one after another, each waiting for its ack; after
    `kill_after` acks in all the hub is killed with SIGKILL while the others are mid-flight."""
    acked: set[str] = set()

    async def client(k: int) -> None:
        try:
            async with connect(url) as ws:
                for n in range(first + k, first + 10_000, clients):
                    await ws.send(slip(n))
                    reply = json.loads(await ws.recv())
                    if reply["type"] == "ack":
                        acked.add(reply["alert_id"])
                    if len(acked) >= kill_after and hub.poll() is None:
                        hub.send_signal(signal.SIGKILL)
        except (ConnectionClosed, OSError):
            return

    await asyncio.wait_for(asyncio.gather(*(client(k) for k in range(clients))), timeout=60)
    return acked


def test_kill_9_under_load_loses_no_acknowledged_alert(db_url) -> None:
    acked: set[str] = set()
    token = feed_token(db_url)
    for round_ in range(3):
        hub, url = start_hub(db_url, token)
        acked |= asyncio.run(load_until_killed(url, round_ * 10_000, hub, kill_after=40 + round_))
        hub.wait(timeout=10)
        assert hub.returncode == -signal.SIGKILL
    demo = scenarios.load()
    store = EventStore(make_engine(db_url), demo.roster)  # no repair at opening: look first
    try:
        logged = {e.payload["alert_id"] for e in store.events(types=[ev.ALERT_RECEIVED])}
        assert acked <= logged, f"acknowledged but lost: {sorted(acked - logged)[:5]}"
        assert len(acked) >= 120
        assert store.check_projections() is False, "projections disagree after kill -9"
        cases = sorted(int(c) for c in store.state.incidents)
        assert cases == list(range(1001, 1001 + len(logged)))
    finally:
        store.engine.dispose()


# -- the database cut, frozen and full -----------------------------------------------------

@pytest.fixture
def pg_proxy():
    database = _pg_database()
    url = next(database)
    parsed = make_url(url)
    proxy = TcpProxy(parsed.port or 5432)
    yield proxy, parsed.set(port=proxy.port).render_as_string(hide_password=False)
    proxy.close()
    next(database, None)


@pytest.mark.postgres
def test_database_cut_then_frozen_the_engine_keeps_answering_and_recovers(pg_proxy) -> None:
    from console.hub_client import Credentials, HubClient
    from tests.test_console_link import Replica, wait

    proxy, url = pg_proxy
    engine = start_engine(url)
    feed = f"ws://127.0.0.1:{engine.feed_port}/feed"
    console = Replica()  # a console following the hub is told when the database is away
    client = HubClient(engine.url, scenarios.load().roster, console, Credentials(
        token=engine.console_link.local_session("lead", "ws")), workstation="ws")
    client.start()
    try:
        assert asyncio.run(send(feed, [slip(1)]))[0]["type"] == "ack"
        client.connected.wait(10)

        second, third = slip(2), slip(3)  # each resent as it was first sent
        proxy.cut()
        started = time.monotonic()
        [refused] = asyncio.run(send(feed, [second]))
        assert refused["type"] == "error" and "resend" in refused["reason"]
        assert time.monotonic() - started < WRITE_DEADLINE_S + 2
        wait(lambda: console.links.get("db") == "disconnected")
        assert responsive(engine)
        assert engine.links["db"][0] == "disconnected"
        proxy.restore()
        assert asyncio.run(send(feed, [second]))[0] == {
            "type": "ack", "alert_id": "F-2", "duplicate": False}
        assert engine.links["db"][0] == "connected"

        proxy.freeze()
        started = time.monotonic()

        async def frozen() -> tuple[dict, dict, bool]:
            waiting = asyncio.create_task(send(feed, [third]))
            await asyncio.sleep(1.0)  # the write now hangs in the database
            other = await asyncio.wait_for(send(feed, ["{not json"]), timeout=1)
            alive = await asyncio.to_thread(responsive, engine)
            return (await waiting)[0], other[0], alive

        hung, other, alive = asyncio.run(frozen())
        assert alive and other["type"] == "error" and "malformed" in other["reason"]
        assert hung["type"] == "error" and "resend" in hung["reason"]
        assert time.monotonic() - started < WRITE_DEADLINE_S + 3
        proxy.restore()
        deadline = time.monotonic() + 20
        while True:  # 110 resends until the hub takes it
            [reply] = asyncio.run(send(feed, [third]))
            if reply["type"] == "ack" or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert reply["type"] == "ack" and reply["alert_id"] == "F-3"
        incidents = engine.submit(lambda: dict(engine.store.state.incidents)).result(5)
        assert sorted(i.alert_id for i in incidents.values()) == ["F-1", "F-2", "F-3"]
        assert sorted(incidents) == ["1001", "1002", "1003"]  # no ghost, no gap
        wait(lambda: console.links.get("db") == "connected")
        wait(lambda: sorted(console.state.incidents) == ["1001", "1002", "1003"])
    finally:
        client.stop()
        engine.stop()
    reopened = EventStore.open(url, scenarios.load().roster)
    assert sorted(reopened.state.incidents) == ["1001", "1002", "1003"]
    reopened.close()


def _full_disk(store: EventStore) -> None:
    """Let SQLite grow no more: every new connection refuses to add pages (SQLITE_FULL)."""
    with store.engine.connect() as connection:
        pages = connection.execute(text("PRAGMA page_count")).scalar()

    def no_growth(dbapi_connection, _record) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    event.listen(store.engine, "connect", no_growth)
    store.engine.dispose()
    store.no_growth = no_growth


def _disk_freed(store: EventStore) -> None:
    event.remove(store.engine, "connect", store.no_growth)
    store.engine.dispose()


def test_full_disk_refuses_alerts_keeps_fixes_and_recovers(tmp_path) -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    engine = start_engine(f"sqlite:///{tmp_path / 'full.sqlite3'}",
                          radio_ports=[PortConfig("gw", os.ttyname(slave))])
    feed = f"ws://127.0.0.1:{engine.feed_port}/feed"
    try:
        assert asyncio.run(send(feed, [slip(1)]))[0]["type"] == "ack"
        wait_connected(engine, "radio:gw")
        engine.submit(_full_disk, engine.store).result(5)
        slips = [slip(n, description="满" * 1500) for n in range(2, 40)]
        replies = [asyncio.run(send(feed, [message]))[0] for message in slips]
        refused = [m for m, r in zip(slips, replies, strict=True) if r["type"] == "error"]
        assert refused, "the full disk never refused a slip"
        assert all("resend" in r["reason"] for r in replies if r["type"] == "error")
        now = datetime.now(UTC)
        for k in range(30):  # fixes while the disk is full: kept, written later
            os.write(master, fleetsync.encode(100, "1001", now, 122.10 + k * 1e-4, 30.02, 20, 90))
        deadline = time.monotonic() + 5
        while engine.links.get("db", ("",))[0] != "disconnected":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert responsive(engine)
        engine.submit(_disk_freed, engine.store).result(5)
        assert all(r["type"] == "ack" for r in asyncio.run(send(feed, refused)))
        acked = {json.loads(m)["alert_id"] for m in slips} | {"F-1"}
        assert {e.payload["alert_id"] for e in engine.snapshot()
                if e.type == ev.ALERT_RECEIVED} == acked
        deadline = time.monotonic() + 10
        while len([e for e in engine.snapshot() if e.type == ev.UNIT_POSITION]) < 30:
            assert time.monotonic() < deadline, "fixes taken while the disk was full are lost"
            time.sleep(0.1)
    finally:
        engine.stop()
        os.close(master)
        os.close(slave)


# -- radios with wrong clocks and wrong places ---------------------------------------------

def test_fixes_are_judged_by_the_hubs_clock_and_the_region(tmp_path) -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    engine = start_engine(f"sqlite:///{tmp_path / 'fix.sqlite3'}", feed_port=None,
                          radio_ports=[PortConfig("gw", os.ttyname(slave))])
    recorder = engine.recorder

    def unit() -> object:
        return engine.submit(lambda: engine.store.state.units["G01"]).result(5)

    def fix(when: datetime, lon: float, lat: float) -> None:
        os.write(master, fleetsync.encode(100, "1001", when, lon, lat, 20, 90))

    def logged(words: str) -> None:
        deadline = time.monotonic() + 5
        while not any(words in r.text for r in recorder.radio):
            assert time.monotonic() < deadline, [r.text for r in recorder.radio]
            time.sleep(0.02)

    try:
        wait_connected(engine, "radio:gw")
        now = datetime.now(UTC)
        fix(now, 122.1000, 30.0200)
        recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        assert unit().lon == pytest.approx(122.1)

        fix(now, 121.0, 31.5)  # far outside Zhoushan: a wrong coordinate
        logged("outside the region")
        fix(now - timedelta(minutes=10), 122.1500, 30.0300)  # queued in the network: late
        late = recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        assert late.payload["lon"] == pytest.approx(122.15)  # in the log, as a track point
        assert unit().lon == pytest.approx(122.1)  # but it does not move the unit back
        logged("late fix")

        rollover = now - timedelta(weeks=1024)  # GPS week rollover: about 19.6 years back
        fix(rollover, 122.1100, 30.0210)
        recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        moved = unit()
        assert moved.lon == pytest.approx(122.11)  # a current fix, with a wrong date
        assert abs((moved.fix_time - datetime.now(UTC)).total_seconds()) < 5  # hub's time
        logged("radio clock off")

        fix(now + timedelta(days=365 * 42), 122.1200, 30.0220)  # 2068
        recorder.wait_for(lambda e: e.type == ev.UNIT_POSITION)
        assert abs((unit().fix_time - datetime.now(UTC)).total_seconds()) < 5
    finally:
        engine.stop()
        os.close(master)
        os.close(slave)
    kinds = [(e.type, e.payload.get("lon")) for e in engine.snapshot()]
    assert (ev.UNIT_POSITION, 121.0) not in kinds  # the wrong coordinate never reached the log


# -- 110 slips: forged resends and clocks decades off ---------------------------------------

def test_a_resend_with_other_content_is_kept_and_flagged(tmp_path) -> None:
    engine = start_engine(f"sqlite:///{tmp_path / 'c.sqlite3'}")
    feed = f"ws://127.0.0.1:{engine.feed_port}/feed"
    try:
        forged = slip(7, description="两车刮擦 无人受伤")
        real = slip(7, description="电动车与轿车相撞 一人倒地流血")
        replies = asyncio.run(send(feed, [forged, real, real, forged]))
        assert [r["duplicate"] for r in replies] == [False, False, True, True]
        assert replies[1]["conflict"] is True and "conflict" not in replies[0]
        state = engine.submit(lambda: engine.store.state).result(5)
        first, second = state.incidents["1001"], state.incidents["1002"]
        assert first.alert_id == second.alert_id == "F-7"
        assert second.conflict_of == "1001" and "流血" in second.description
    finally:
        engine.stop()


def test_a_slip_dated_decades_off_neither_breaches_nor_stops_its_clock(tmp_path) -> None:
    engine = start_engine(f"sqlite:///{tmp_path / 't.sqlite3'}")
    feed = f"ws://127.0.0.1:{engine.feed_port}/feed"
    try:
        asyncio.run(send(feed, [slip(1, received_at="1999-01-01T08:00:00+08:00"),
                                slip(2, received_at="2099-01-01T08:00:00+08:00")]))
        time.sleep(1.5)  # two clock checks
        state = engine.submit(lambda: engine.store.state).result(5)
        for case in ("1001", "1002"):
            incident = state.incidents[case]
            assert not incident.alarms
            assert abs((incident.received_at - datetime.now(UTC)).total_seconds()) < 5
        assert state.incidents["1001"].slip_time.year == 1999  # 110's time is kept beside
    finally:
        engine.stop()


def test_stopping_while_fixes_are_being_written_writes_each_once(tmp_path, caplog) -> None:
    """Stop drains what waits through the one writer task: a second drain beside the running
    one took the same batch and popped it twice ("pop from an empty deque")."""
    from sqlalchemy import func, select

    from db.models import PositionRow
    from dispatch.commands import Actor

    url = f"sqlite:///{tmp_path / 'stop.sqlite3'}"
    engine = start_engine(url, feed_port=None)
    radio = Actor("radio:test", "ws")
    fixes = [radio.event(ev.UNIT_POSITION, {"unit": "G01", "lon": 122.1 + n * 1e-5,
                                            "lat": 30.02, "speed_kmh": 20.0, "course": 0.0})
             for n in range(6_000)]
    for start in range(0, len(fixes), 300):
        engine.submit(engine._record, fixes[start:start + 300]).result(5)
    engine.stop()
    assert "not written" not in caplog.text
    with engine.store.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(PositionRow)) == 6_000
