"""Kill the hub with SIGKILL again and again under load, then count what survived.

A real `jingbao hub` process takes slips from four 110 clients (each waits for its ack, as
110 does) and fixes from a simulated radio gateway on a pty; after a random number of acks it
is killed with SIGKILL and started again on the same database. At the end every acknowledged
alert must be in the log, the projections must agree with the log, case numbers must have no
gap and the hash chain must verify. Prints the figures; exits 1 if anything was lost.

    .venv/bin/python bench/fault_soak.py [--rounds 20] [--db URL]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.schema import make_engine  # noqa: E402
from db.store import EventStore, verify_chain  # noqa: E402
from dispatch import events as ev  # noqa: E402
from resources import scenario as scenarios  # noqa: E402
from tests.test_faults import JINGBAO, feed_token, load_until_killed  # noqa: E402


def start_hub(db_url: str, radio: str, token: str) -> tuple[subprocess.Popen, str]:
    hub = subprocess.Popen([JINGBAO, "hub", "--db", db_url, "--feed-port", "0", "--radio",
                            f"sim={radio}"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
    line = hub.stdout.readline()
    if "110 feed on" not in line:
        raise RuntimeError(f"the hub did not start: {line!r}")
    return hub, f"{line.split(' on ')[1].strip()}?token={token}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--seed", type=int, default=random.randrange(2**32))
    args = parser.parse_args()
    rng = random.Random(args.seed)
    url = args.db or f"sqlite:///{tempfile.mkdtemp()}/soak.sqlite3"
    radio = subprocess.Popen([JINGBAO, "simulate-radio", "--interval", "0.2"],
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    pty = radio.stdout.readline().strip()
    acked: set[str] = set()
    token = feed_token(url)
    started = time.monotonic()
    try:
        for round_ in range(args.rounds):
            hub, feed = start_hub(url, pty, token)
            acked |= asyncio.run(load_until_killed(feed, round_ * 10_000, hub,
                                                   kill_after=rng.randint(5, 300)))
            hub.wait(timeout=10)
    finally:
        radio.terminate()
    elapsed = time.monotonic() - started
    store = EventStore(make_engine(url), scenarios.load().roster)
    logged = {e.payload["alert_id"] for e in store.events(types=[ev.ALERT_RECEIVED])}
    positions = len(store.events(types=[ev.UNIT_POSITION]))
    rebuilt = store.check_projections()
    cases = sorted(int(c) for c in store.state.incidents)
    gap_free = cases == list(range(1001, 1001 + len(cases)))
    chain = verify_chain(store.engine)
    store.engine.dispose()
    lost = acked - logged
    print(f"seed {args.seed}; {url}")
    print(f"kill -9 survived: {args.rounds} rounds in {elapsed:.0f} s")
    print(f"alerts acknowledged: {len(acked)}, in the log: {len(logged)}, lost: {len(lost)}")
    print(f"fixes logged meanwhile: {positions}")
    print(f"projections agreed with the log: {not rebuilt}; case numbers gap-free: {gap_free}")
    print(f"hash chain: {chain.checked} events, {len(chain.problems)} problem(s)")
    failed = lost or rebuilt or not gap_free or chain.problems
    print("FAILED" if failed else "ok: nothing acknowledged was lost")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
