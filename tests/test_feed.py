"""The 110 feed over a real websocket into a real database."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError, InvalidStatus

from db.store import EventStore
from dispatch import events as ev
from hub.engine import Engine
from hub.feed import AcceptAlert, Accepted, start_feed_server
from hub.server import MAX_FRAME_BYTES, bound_port
from resources import scenario
from tests.recorder import Recorder
from tests.test_dispatch_core import SLIP
from tests.test_slip_validation import poisons

FLOOD = 2000


@pytest.fixture
def engine(db_url):
    demo = scenario.load()
    recorder = Recorder()
    engine = Engine(EventStore.open(db_url, demo.roster), demo, recorder, workstation="ws-test")
    engine.start()
    engine.recorder = recorder
    yield engine
    engine.stop()


async def exchange(url: str, messages: list[str | bytes]) -> list[dict]:
    async with connect(url) as ws:
        replies = []
        for message in messages:
            await ws.send(message)
            replies.append(json.loads(await ws.recv()))
        return replies


def test_feed_acks_once_dedups_and_rejects_bad_input(engine) -> None:
    url = f"ws://127.0.0.1:{engine.feed_port}/feed"
    outside = {**SLIP, "alert_id": "A-2", "location": {"lon": 121.0, "lat": 31.0}}
    missing = {k: v for k, v in SLIP.items() if k != "received_at"}
    replies = asyncio.run(exchange(url, [
        json.dumps(SLIP), json.dumps(SLIP), "{not json", json.dumps(outside),
        json.dumps(missing), json.dumps([1, 2]), json.dumps({**SLIP, "alert_id": "A-3"}),
    ]))
    assert replies[0] == {"type": "ack", "alert_id": "A-1", "duplicate": False}
    assert replies[1] == {"type": "ack", "alert_id": "A-1", "duplicate": True}
    assert replies[2]["type"] == "error" and "malformed JSON" in replies[2]["reason"]
    assert replies[3]["type"] == "error" and "outside the region" in replies[3]["reason"]
    assert replies[4]["type"] == "error" and "received_at" in replies[4]["reason"]
    assert replies[5]["type"] == "error" and "JSON object" in replies[5]["reason"]
    assert replies[6] == {"type": "ack", "alert_id": "A-3", "duplicate": False}  # still connected
    alerts = engine.snapshot()
    assert [e.payload["alert_id"] for e in alerts if e.type == ev.ALERT_RECEIVED] == ["A-1", "A-3"]
    assert alerts[0].actor == "hub:110-feed"


def test_feed_answers_404_off_its_path(engine) -> None:
    with pytest.raises(InvalidStatus, match="404"):
        asyncio.run(exchange(f"ws://127.0.0.1:{engine.feed_port}/other", []))


def test_overdue_alert_gets_its_breach_recorded_by_the_clock(engine) -> None:
    nine_minutes_ago = (datetime.now(UTC) - timedelta(minutes=9)).isoformat()
    slip = {**SLIP, "received_at": nine_minutes_ago}
    asyncio.run(exchange(f"ws://127.0.0.1:{engine.feed_port}/feed", [json.dumps(slip)]))
    alarm = engine.recorder.wait_for(lambda e: e.type == ev.CLOCK_ALARM, timeout=5)
    assert alarm.payload["level"] == "breach" and alarm.actor == "system:clock"
    assert alarm.payload["elapsed_s"] >= 480


def fresh_slip(alert_id: str) -> dict[str, Any]:
    """A slip received just now, so that no check against the hub's clock gets in the way."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    return {**SLIP, "alert_id": alert_id, "received_at": now}


def test_poison_gets_a_reason_naming_the_field_and_nothing_is_stored(engine) -> None:
    cases = poisons(fresh_slip("POISON"))
    messages: list[str | bytes] = []
    for n, (_, message, _) in enumerate(cases):
        messages += [message, json.dumps(fresh_slip(f"OK-{n}"))]
    replies = asyncio.run(exchange(f"ws://127.0.0.1:{engine.feed_port}/feed", messages))
    for n, (name, _, reason) in enumerate(cases):
        refused, acked = replies[2 * n], replies[2 * n + 1]
        assert refused["type"] == "error" and reason in refused["reason"], (name, refused)
        assert refused["alert_id"] in (None, "POISON"), (name, refused)
        assert acked == {"type": "ack", "alert_id": f"OK-{n}", "duplicate": False}, (name, acked)
    stored = [e.payload["alert_id"] for e in engine.snapshot() if e.type == ev.ALERT_RECEIVED]
    assert stored == [f"OK-{n}" for n in range(len(cases))]


def test_a_flooding_client_does_not_hold_up_another(engine) -> None:
    url = f"ws://127.0.0.1:{engine.feed_port}/feed"

    async def flood_then_ask() -> tuple[dict, float]:
        async with connect(url, close_timeout=1) as flooder:  # never reads a reply
            for n in range(FLOOD):
                await flooder.send(json.dumps(fresh_slip(f"FLOOD-{n}")))
            started = time.perf_counter()
            [reply] = await exchange(url, [json.dumps(fresh_slip("SECOND"))])
            return reply, time.perf_counter() - started

    reply, waited = asyncio.run(flood_then_ask())
    flood_stored = sum(e.type == ev.ALERT_RECEIVED and e.payload["alert_id"].startswith("FLOOD")
                       for e in engine.snapshot())
    assert reply == {"type": "ack", "alert_id": "SECOND", "duplicate": False}
    assert waited < 2.0, f"the second client waited {waited:.2f} s behind the flood"
    assert flood_stored < FLOOD, "the flood was over before the second client was answered"


@contextmanager
def feed_alone(accept: AcceptAlert, **options: Any) -> Iterator[int]:
    """The feed without an engine, on an event loop thread of its own as in the engine."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    server = asyncio.run_coroutine_threadsafe(
        start_feed_server(accept, "127.0.0.1", 0, **options), loop).result(timeout=5)
    try:
        yield bound_port(server)
    finally:
        server.close()
        asyncio.run_coroutine_threadsafe(server.wait_closed(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        loop.close()


async def ack_padded(doc: Any) -> Accepted:
    """Acks with the id padded as asked: large replies fill a peer's buffers quickly."""
    return Accepted(doc["alert_id"] + " " * doc.get("pad", 0), duplicate=False)


def test_a_peer_that_stops_reading_is_hung_up_on_and_others_carry_on(caplog) -> None:
    caplog.set_level(logging.WARNING, logger="hub.feed")

    def hung_up() -> bool:
        return any("hung up: a reply waited" in r.getMessage() for r in caplog.records)

    async def run(url: str, port: int) -> list[dict]:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.connect(("127.0.0.1", port))
        # Uncompressed, or the padded replies would deflate to nothing; a small receive buffer
        # and queue, so they back up on the hub's side soon.
        async with connect(url, sock=sock, max_queue=1, close_timeout=1,
                           compression=None) as deaf:
            for n in range(200):
                await deaf.send(json.dumps({"alert_id": f"D-{n}", "pad": 60_000}))
            deadline = time.monotonic() + 10
            while not hung_up():
                assert time.monotonic() < deadline, "the feed still waits on a peer not reading"
                await asyncio.sleep(0.05)
            return await exchange(url, [json.dumps({"alert_id": "HEARD"})])

    with feed_alone(ack_padded, reply_timeout_s=0.5) as port:
        replies = asyncio.run(run(f"ws://127.0.0.1:{port}/feed", port))
    assert replies == [{"type": "ack", "alert_id": "HEARD", "duplicate": False}]


@pytest.mark.parametrize(("frame", "text", "code"), [
    ("x" * (MAX_FRAME_BYTES + 1), True, 1009),  # over the hard cap: not even read
    (b'{"alert_id": "\xff"}', True, 1007),  # a text frame must be UTF-8: the protocol's rule
])
def test_frames_the_protocol_refuses_close_the_connection(frame: str | bytes, text: bool,
                                                           code: int) -> None:
    async def run(url: str) -> int:
        async with connect(url) as ws:
            await ws.send(frame, text=text)
            with pytest.raises(ConnectionClosedError) as closed:
                await ws.recv()
            return closed.value.rcvd.code

    with feed_alone(ack_padded) as port:
        assert asyncio.run(run(f"ws://127.0.0.1:{port}/feed")) == code
