"""The 110 feed over a real websocket into a real database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from console.engine import Engine
from db.store import EventStore
from dispatch import events as ev
from resources import scenario
from tests.recorder import Recorder
from tests.test_dispatch_core import SLIP


@pytest.fixture
def engine(db_url):
    demo = scenario.load()
    recorder = Recorder()
    engine = Engine(EventStore.open(db_url, demo.roster), demo, recorder, workstation="ws-test")
    engine.start()
    engine.recorder = recorder
    yield engine
    engine.stop()


async def exchange(url: str, messages: list[str]) -> list[dict]:
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
