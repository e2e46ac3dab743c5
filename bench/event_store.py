"""Event store write rate, batched as the engine writes its facts (issue 12; goals: ≥ 20,000
events/s on SQLite, ≥ 10,000/s on PostgreSQL).

The engine's facts queue (hub/engine.py `_drain_facts`) hands the store bursts of facts; here
each transaction is one burst of 300 paging facts (page sent / page acked, one per unit, the
radio traffic of a busy minute) through `EventStore.append`: hash chain, state fold, events
rows (Core executemany) and the units' projection, committed with the database's durability
settings (SQLite WAL + synchronous=FULL). Also one alert per transaction, the 110 path. Prints
the median and spread of the repeats.

    .venv/bin/python bench/event_store.py [--bursts 40] [--repeats 5] [--db sqlite postgresql]
"""

from __future__ import annotations

import argparse
import time

from storebench import UNITS, database, roster_factory, spread

from db.store import EventStore
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ZHOUSHAN
from dispatch.events import Event

SLIP = {"alert_id": "B-0", "received_at": "2026-11-25T09:00:00+08:00",
        "caller_phone": "13800000000",
        "location": {"lon": 122.1035, "lat": 30.0165, "address": "定海 解放路"},
        "description": "两车追尾 无人受伤",
        "structured": {"injuries": False, "vehicles_movable": True, "estimated_loss_cny": 2000}}


def burst(n: int) -> list[Event]:
    actor = commands.Actor("system:pager", "bench")
    return [actor.event(ev.PAGE_SENT if k % 2 == 0 else ev.PAGE_ACKED, {
        "unit": f"U{k:03d}", "seq": n * UNITS + k, "case": None, "port": "gw1",
        "text": "请回执 please acknowledge"}) for k in range(UNITS)]


def facts_rate(url: str, bursts: int) -> float:
    store = EventStore.open(url, roster_factory())
    batches = [burst(n) for n in range(bursts)]
    start = time.perf_counter()
    for batch in batches:
        store.append(batch)
    elapsed = time.perf_counter() - start
    store.close()
    return bursts * UNITS / elapsed


def alerts_rate(url: str, count: int) -> float:
    store = EventStore.open(url, roster_factory())
    actor = commands.Actor("hub:110-feed", "bench")
    slips = [commands.receive_alert(parse_alert_slip({**SLIP, "alert_id": f"B-{n}"}, ZHOUSHAN),
                                    actor) for n in range(count)]
    start = time.perf_counter()
    for slip in slips:
        store.append([slip])
    elapsed = time.perf_counter() - start
    store.close()
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bursts", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--db", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()
    for kind in args.db:
        facts, alerts = [], []
        for _ in range(args.repeats):
            with database(kind) as url:
                facts.append(facts_rate(url, args.bursts))
            with database(kind) as url:
                alerts.append(alerts_rate(url, 200))
        print(f"{kind}: facts in bursts of {UNITS}: {spread(facts, 'events/s')}")
        print(f"{kind}: one alert per transaction: {spread(alerts, 'alerts/s')}")


if __name__ == "__main__":
    main()
