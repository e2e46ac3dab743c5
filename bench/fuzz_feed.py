"""Long fuzz of the 110 feed: hostile slips over a real websocket into a real engine, for minutes.

Starts an Engine with its feed on a temporary SQLite file. Two clients send, for `--seconds`,
slips made by the demo's simulator and mutated: fields swapped for NaN, 1e400, 30-digit, negative
or boolean numbers, lone surrogates, NUL and other controls, text at and over its limit, deep
nesting, unknown keys; fields dropped; the JSON text truncated or its bytes flipped; binary
frames, invalid UTF-8, messages between the 16 KiB limit and the 1 MiB frame cap; resends. Every
reply is read. Prints messages sent, acks, rejections by field and rule, "internal error"
replies, missing replies and dropped connections, then checks that every acked slip is in the
log. Exits 1 on any internal error, missing reply, dropped connection (a text frame that is not
UTF-8 is closed by the protocol: counted apart) or acked slip missing from the log.

    .venv/bin/python bench/fuzz_feed.py [--seconds 60] [--seed N] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import re
import socket
import sys
import tempfile
import time
from collections import Counter, deque
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from db.store import EventStore
from dispatch import events as ev
from dispatch.alerts import STRUCTURED_FIELDS
from dispatch.events import Event
from hub.engine import Engine, RadioLogEntry
from hub.simulated_feed import SlipFactory
from resources import scenario as scenarios

CLIENTS = 2
REPLY_TIMEOUT_S = 30.0
PLACEHOLDER = "@@raw@@"
RAW_NUMBERS = ["NaN", "Infinity", "-Infinity", "1e400", "-1e400", "9" * 30, "1e-400", "-0"]
VALUES: list[Any] = [
    -1, 0, 0.5, 2.0, 1e3, 1e9, 2**53 + 1, 2**64, True, False, None, "", " ", "\x00", "\x07",
    "\ud800", "\udfff", "A\u0000B", "\t\n", "浙L" * 9, [], {}, {"a": 1}, ["浙L12345"] * 11,
    "2026-11-25T08:00:00", "0001-01-01T00:00:00+08:00", "9999-12-31T23:00:00-08:00",
]
LENGTHS = [16, 17, 32, 33, 40, 41, 64, 65, 81, 200, 201, 2000, 2001, 6000]
PATHS = [("alert_id",), ("received_at",), ("caller_phone",), ("description",), ("location",),
         ("location", "lon"), ("location", "lat"), ("location", "address"), ("structured",),
         *(("structured", key) for key in STRUCTURED_FIELDS), ("structured", "note")]
MESSAGE_RULES = [("bytes", "size"), ("nested", "nesting"), ("UTF-8", "not UTF-8"), ("", "?")]
RULES = [  # (a word of the reason, the rule it names), first match wins
    ("a key must", "bad key"), ("must be an object", "type"), ("non-empty", "empty"),
    ("required", "missing"), ("characters, over", "length"), ("surrogate", "lone surrogate"),
    ("control character", "control character"), ("printable", "not printable"),
    ("finite", "not finite"), ("beyond", "too large"), ("lie within", "range"),
    ("whole number", "not whole"), ("year", "year"), ("ISO 8601", "not ISO 8601"),
    ("UTC offset", "no offset"), ("got", "type"), ("keys", "too many keys"),
    ("at most", "too many"),
]


class Quiet:
    """The engine's listener: this bench reads the log at the end instead."""

    def events_appended(self, events: list[Event]) -> None: ...
    def radio_logged(self, entry: RadioLogEntry) -> None: ...
    def link_changed(self, link: str, status: str, detail: str) -> None: ...


# -- mutations: each takes the slip and returns it changed ------------------------------------
def _hostile_value(rng: random.Random) -> Any:
    kind = rng.random()
    if kind < 0.3:
        return PLACEHOLDER + rng.choice(RAW_NUMBERS)
    if kind < 0.5:
        text = "x" * rng.choice(LENGTHS)
        at = rng.randrange(len(text))
        return text[:at] + rng.choice(["", "\x00", "\x1b", "\ud800", "\n", " "]) + text[at:]
    if kind < 0.6:
        depth = rng.choice([6, 7, 9, 1000, 5000])
        return PLACEHOLDER + "[" * depth + "]" * depth
    if kind < 0.7:
        return "".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(1, 12)))
    return rng.choice(VALUES)


def set_field(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    path = rng.choice(PATHS)
    parent = doc
    for key in path[:-1]:
        parent = parent.setdefault(key, {}) if isinstance(parent, dict) else {}
    if isinstance(parent, dict):
        parent[path[-1]] = _hostile_value(rng)
    return doc


def drop_field(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    doc.pop(rng.choice(list(doc)), None)
    return doc


def unknown_field(doc: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    where = rng.choice([doc, doc.get("location"), doc.get("structured")])
    if isinstance(where, dict):
        where[rng.choice(["descripton", "alt", "x" * 41, "", "\ud800", "备注"])] = rng.random()
    return doc


FIELD_MUTATIONS = [set_field, set_field, set_field, drop_field, unknown_field]


def to_text(doc: dict[str, Any], rng: random.Random) -> str:
    """JSON text, with the raw literals (NaN, 1e400, deep arrays) nothing dumps to put in; a
    lone surrogate goes as its escape, since the text itself must be UTF-8 to be sent."""
    text = json.dumps(doc, ensure_ascii=rng.random() < 0.5)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(doc)
    return re.sub(f'"{PLACEHOLDER}([^"]*)"', r"\1", text)


def frame(text: str, rng: random.Random) -> tuple[str | bytes, bool]:
    """(message, is_text) from the JSON text: mostly as is, sometimes broken or re-framed."""
    kind = rng.random()
    if kind < 0.75:
        return text, True
    data = text.encode("utf-8")
    if kind < 0.82:
        return text[:rng.randrange(len(text))], True
    if kind < 0.9:
        flipped = bytearray(data)
        for _ in range(rng.randrange(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return bytes(flipped), False
    if kind < 0.95:
        return data, False
    if kind < 0.98:
        return text[:-1] + ', "description": "' + "x" * rng.randrange(16_400, 900_000) + '"}', True
    if kind < 0.995:
        return b"\xff" + data, False
    return b"\xff" + data, True  # text frame, not UTF-8: the protocol closes the connection


# -- the run -----------------------------------------------------------------------------------
def reason_class(reason: str) -> str:
    if reason.startswith("malformed JSON"):
        return "malformed JSON: " + reason.split(": ")[1]
    if reason.startswith("message:"):
        return "message: " + next(rule for word, rule in MESSAGE_RULES if word in reason)
    if reason.startswith("an alert slip"):
        return "not an object"
    if reason.startswith("unknown field"):
        return "unknown field"
    if "outside the region" in reason:
        return "location: outside the region"
    name = re.search(r"field '([^']*)'", reason) or re.search(r'field "([^"]*)"', reason)
    field = re.sub(r"\[\d+\]", "[]", name[1]) if name else "?"
    if field.startswith("structured.") and field[11:].rstrip("[]") not in STRUCTURED_FIELDS:
        field = "structured.(other key)"
    rule = next((rule for word, rule in RULES if word in reason), reason[:30])
    return f"{field}: {rule}"


async def client(number: int, url: str, deadline: float, rng: random.Random,
                 counts: Counter, acked: set[str]) -> None:
    factory = SlipFactory(scenarios.load(), seed=rng.getrandbits(32))
    sent: deque[dict[str, Any]] = deque(maxlen=100)
    while time.monotonic() < deadline:
        try:
            async with connect(url, close_timeout=2) as ws:
                while time.monotonic() < deadline:
                    if sent and rng.random() < 0.05:
                        doc = json.loads(json.dumps(rng.choice(sent)))  # a resend
                    else:
                        doc = {**factory.make(), "alert_id": f"FZ{number}-{counts['sent']}"}
                        sent.append(json.loads(json.dumps(doc)))
                    for mutate in rng.sample(FIELD_MUTATIONS, k=rng.choice([0, 0, 1, 1, 2, 3])):
                        doc = mutate(doc, rng)
                    message, is_text = frame(to_text(doc, rng), rng)
                    counts["sent"] += 1
                    await ws.send(message, text=is_text)
                    try:
                        reply = json.loads(await asyncio.wait_for(ws.recv(), REPLY_TIMEOUT_S))
                    except TimeoutError:
                        counts["no reply"] += 1
                        break
                    tally(reply, counts, acked)
        except ConnectionClosed as closed:
            protocol = closed.rcvd is not None and closed.rcvd.code == 1007
            counts["closed by the protocol (text frame not UTF-8)" if protocol
                   else "dropped connections"] += 1


def tally(reply: dict[str, Any], counts: Counter, acked: set[str]) -> None:
    if reply["type"] == "ack":
        counts["acked duplicate" if reply["duplicate"] else "acked"] += 1
        acked.add(reply["alert_id"])
    elif reply["reason"].startswith(("internal error", "storage unavailable")):
        counts["internal error"] += 1
    else:
        counts["rejected"] += 1
        counts["rejected: " + reason_class(reply["reason"])] += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)  # rejections are counted here, not logged
    print(f"fuzzing the 110 feed for {args.seconds:g} s, --seed {args.seed}")
    scenario = scenarios.load()
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/fuzz.sqlite3"
    engine = Engine(EventStore.open(url, scenario.roster), scenario, Quiet(),
                    workstation=socket.gethostname())
    engine.start(feed_port=0)
    master = random.Random(args.seed)
    counts: Counter = Counter()
    acked: set[str] = set()

    async def run() -> None:
        deadline = time.monotonic() + args.seconds
        feed = f"ws://127.0.0.1:{engine.feed_port}/feed"
        await asyncio.gather(*(client(n, feed, deadline, random.Random(master.getrandbits(64)),
                                      counts, acked) for n in range(CLIENTS)))

    started = time.monotonic()
    asyncio.run(run())
    elapsed = time.monotonic() - started
    stored = {e.payload["alert_id"] for e in engine.snapshot() if e.type == ev.ALERT_RECEIVED}
    engine.stop()
    reopened = EventStore.open(url, scenario.roster)  # every stored payload reads back
    replayed = {e.payload["alert_id"] for e in reopened.events(types=[ev.ALERT_RECEIVED])}
    reopened.close()
    missing = acked - stored
    for name in ("sent", "acked", "acked duplicate", "rejected", "internal error", "no reply",
                 "dropped connections", "closed by the protocol (text frame not UTF-8)"):
        print(f"{name:<48}{counts[name]:>9,}")
    print(f"{'acked slips missing from the log':<48}{len(missing):>9,}")
    print(f"{'slips in the log, read back after a restart':<48}{len(replayed):>9,}")
    print(f"{counts['sent'] / elapsed:,.0f} messages/s; rejections by field and rule:")
    for name, count in sorted(counts.items(), key=lambda item: -item[1]):
        if name.startswith("rejected: "):
            print(f"  {name[10:]:<58}{count:>9,}")
    failed = (counts["internal error"] + counts["no reply"] + counts["dropped connections"]
              + len(missing) + (replayed != stored))
    print("FAILED" if failed else "ok: no internal error, no drop, every ack in the log")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
