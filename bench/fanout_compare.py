"""Fan-out between hubs: NATS JetStream against PostgreSQL LISTEN/NOTIFY, on the same stream
(issue 12: measure both, keep the better one; hub/fanout.py says which and why).

The stream is the center load's (bench/center_load.py defaults): each second 300 units' fixes
in 3 bursts of 100 (one per radio gateway, as hub/engine.py `_flush_positions` writes them)
and 5 alerts one by one; every appended batch is one body as hub/fanout.py
`events_appended` builds it (the wire events and the chain head). The follower is another
process, as an edge hub is. Three ways to carry a batch:
- `nats`: JetStream, published one at a time and each ack awaited (hub/fanout.py), followed
  by an ordered push consumer (hub/edge.py);
- `notify`: the body itself in NOTIFY payloads, split by events into payloads under
  PostgreSQL's 8,000-byte limit (a burst of 100 fixes is about 30 kB), all in one
  transaction so they arrive together, reassembled by the follower;
- `notify-ids`: the batch written to a table and NOTIFY carrying its ids; the follower reads
  the rows back (the log is in PostgreSQL anyway). A table of ready bodies by id is kinder
  to this way than the real log read, which builds events from two tables.
Latency is the wall clock (one machine) from the batch ready to fan out to the follower
holding it; throughput is 100-fix bursts sent as fast as each way takes them, counted when
the follower holds the last.

    .venv/bin/python bench/fanout_compare.py [--seconds 20] [--bursts 2000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import nats
import psycopg
from nats.js.api import DeliverPolicy, StreamConfig
from storebench import database, fixes, spread

from dispatch import commands
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.events import Event
from hub.wire import event_to_wire

NATS_URL = "nats://127.0.0.1:4222"
NOTIFY_LIMIT = 7_900  # bytes of a NOTIFY payload (PostgreSQL refuses 8,000 and more)
CHANNEL = "jingbao_bench_fanout"
BATCHES_A_SECOND = 3 + 5  # three gateways' bursts and five alerts
Send = Callable[[int, bytes, list[dict]], Awaitable[None]]


def stream(seconds: int) -> list[list[Event]]:
    """The batches of `seconds` of the center's load, in order, numbered as the log would."""
    start, actor, out, next_id = datetime.now(UTC), commands.Actor("hub:110-feed", "bench"), [], 1
    for second in range(seconds):
        burst = fixes(second, start)
        batches = [burst[n:n + 100] for n in range(0, 300, 100)]
        for n in range(5):
            doc = {"alert_id": f"F-{second}-{n}", "received_at": start.isoformat(),
                   "caller_phone": "13800000000", "description": "两车追尾 无人受伤",
                   "location": {"lon": 122.1035, "lat": 30.0165, "address": "定海 解放路"},
                   "structured": {"injuries": False, "vehicles_movable": True}}
            batches.append([commands.receive_alert(parse_alert_slip(doc, ZHOUSHAN), actor)])
        for batch in batches:
            out.append([e.with_id(next_id + k) for k, e in enumerate(batch)])
            next_id += len(batch)
    return out


def body(batch: list[Event]) -> tuple[bytes, list[dict]]:
    wire = [event_to_wire(e) for e in batch]
    return json.dumps({"events": wire, "chain": [batch[-1].id, "0" * 64]},
                      ensure_ascii=False).encode("utf-8"), wire


def pieces(wire: list[dict], sent: float) -> list[str]:
    """The batch's events in NOTIFY payloads under the limit; each says how many pieces."""
    groups: list[list[str]] = [[]]
    for doc in wire:
        text = json.dumps(doc, ensure_ascii=False)
        if groups[-1] and len(",".join(groups[-1] + [text]).encode()) > NOTIFY_LIMIT - 100:
            groups.append([])
        groups[-1].append(text)
    return [f'{{"sent":{sent},"piece":{n},"of":{len(groups)},"events":[{",".join(g)}]}}'
            for n, g in enumerate(groups)]


# -- senders ------------------------------------------------------------------------------------
async def nats_sender(subject: str) -> tuple[Send, Callable[[], Awaitable[None]]]:
    nc = await nats.connect(NATS_URL)
    js = nc.jetstream()

    async def send(first: int, data: bytes, wire: list[dict]) -> None:
        await js.publish(subject, data, headers={"Nats-Msg-Id": f"{first}",
                                                 "Sent": repr(time.time())})
    return send, nc.drain


async def notify_sender(url: str, ids_only: bool) -> tuple[Send, Callable[[], Awaitable[None]]]:
    connection = await psycopg.AsyncConnection.connect(url, autocommit=True)

    async def send(first: int, data: bytes, wire: list[dict]) -> None:
        sent = time.time()
        async with connection.transaction(), connection.cursor() as cursor:
            if ids_only:
                async with cursor.copy("COPY fan_log (id, body) FROM STDIN") as copy:
                    for doc in wire:
                        await copy.write_row((doc["id"], json.dumps(doc, ensure_ascii=False)))
                await cursor.execute("SELECT pg_notify(%s, %s)", (
                    CHANNEL, f'{{"sent":{sent},"first":{first},"last":{wire[-1]["id"]}}}'))
            else:
                for payload in pieces(wire, sent):
                    await cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
    return send, connection.close


# -- the follower (its own process) ------------------------------------------------------------
async def follow(way: str, url: str, subject: str, batches: int) -> None:
    """Print one line per batch held (receipt time minus sent time), then exit."""
    received: list[tuple[float, float]] = []
    done = asyncio.Event()

    def hold(sent: float) -> None:
        now = time.time()
        received.append((now - sent, now))
        if len(received) == batches:
            done.set()

    if way == "nats":
        nc = await nats.connect(NATS_URL)

        async def on_batch(msg) -> None:
            if json.loads(msg.data)["events"]:
                hold(float(msg.headers["Sent"]))
        await nc.jetstream().subscribe(subject, ordered_consumer=True,
                                       deliver_policy=DeliverPolicy.NEW, cb=on_batch)
        print("ready", flush=True)
        await done.wait()
        await nc.close()
    else:
        listener = await psycopg.AsyncConnection.connect(url, autocommit=True)
        reader = await psycopg.AsyncConnection.connect(url, autocommit=True)
        await listener.execute(f"LISTEN {CHANNEL}")
        print("ready", flush=True)
        parts: list[dict] = []
        async for note in listener.notifies():
            doc = json.loads(note.payload)
            if way == "notify-ids":
                rows = await (await reader.execute(
                    "SELECT body FROM fan_log WHERE id BETWEEN %s AND %s ORDER BY id",
                    (doc["first"], doc["last"]))).fetchall()
                events = [json.loads(r[0]) for r in rows]
                if len(events) == doc["last"] - doc["first"] + 1:
                    hold(doc["sent"])
            else:
                parts.append(doc)
                if doc["piece"] == doc["of"] - 1:
                    events = [e for p in parts for e in p["events"]]
                    parts = []
                    if events:
                        hold(doc["sent"])
            if done.is_set():
                break
        await listener.close()
        await reader.close()
    print(json.dumps(received), flush=True)


# -- the runs ------------------------------------------------------------------------------------
async def run(way: str, url: str, batches: list[list[Event]], per_second: float | None,
              ) -> list[tuple[float, float]]:
    """Send the batches (`per_second`, or as fast as they go); returns, for each batch the
    follower held, its latency and when it was held (seconds from the first send)."""
    subject = f"jingbao.bench{uuid.uuid4().hex[:8]}.events"
    if way == "nats":
        nc = await nats.connect(NATS_URL)
        await nc.jetstream().add_stream(StreamConfig(
            name=subject.split(".")[1].upper(), subjects=[subject], max_age=3600.0))
        await nc.close()
    child = subprocess.Popen([sys.executable, __file__, "--follow", way, "--url", url,
                              "--subject", subject, "--batches", str(len(batches))],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    send, close = await (nats_sender(subject) if way == "nats"
                         else notify_sender(url, way == "notify-ids"))
    bodies = [body(b) for b in batches]
    begun = time.time()
    for n, (data, wire) in enumerate(bodies):
        if per_second:
            await asyncio.sleep(max(0.0, begun + n / per_second - time.time()))
        await send(wire[0]["id"], data, wire)
    received = json.loads(await asyncio.to_thread(child.stdout.read))
    child.wait()
    await close()
    if way == "nats":
        nc = await nats.connect(NATS_URL)
        await nc.jetstream().delete_stream(subject.split(".")[1].upper())
        await nc.close()
    return [(lag, at - begun) for lag, at in received]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=20, help="of the center's load")
    parser.add_argument("--bursts", type=int, default=2000, help="100-fix bursts, unpaced")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ways", nargs="+", default=["nats", "notify", "notify-ids"])
    parser.add_argument("--follow", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--subject", help=argparse.SUPPRESS)
    parser.add_argument("--batches", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.follow:
        asyncio.run(follow(args.follow, args.url, args.subject, args.batches))
        return
    load = stream(args.seconds)
    start = datetime.now(UTC)
    flood = [[e.with_id(n * 100 + k + 1) for k, e in enumerate(
        fixes(n, start - timedelta(hours=1))[:100])] for n in range(args.bursts)]
    with database("postgresql") as sa_url:
        url = sa_url.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, autocommit=True) as connection:
            connection.execute("CREATE TABLE fan_log (id bigint PRIMARY KEY, body text)")
        for way in args.ways:
            p50, p99, rates = [], [], []
            for _ in range(args.repeats):
                lags = [lag * 1000 for lag, _ in asyncio.run(run(way, url, load, BATCHES_A_SECOND))]
                p50.append(percentile(lags, 50))
                p99.append(percentile(lags, 99))
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("TRUNCATE fan_log")
                last = max(at for _, at in asyncio.run(run(way, url, flood, None)))
                rates.append(args.bursts * 100 / last)
                with psycopg.connect(url, autocommit=True) as connection:
                    connection.execute("TRUNCATE fan_log")
            print(f"{way}: {len(load)} batches of the load ({args.seconds} s): latency p50 "
                  f"{spread(p50, 'ms', 1)}, p99 {spread(p99, 'ms', 1)}; flood of "
                  f"{args.bursts} × 100 fixes: {spread(rates, 'events/s')}", flush=True)


if __name__ == "__main__":
    main()
