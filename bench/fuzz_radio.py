"""Long fuzz of every radio protocol: radio/fuzzing.py's generators, for minutes, not seconds.

The property tests (tests/test_radio_fuzz.py) run a few hundred inputs per protocol in CI; this
runs the same generators for `--seconds` (split evenly over the protocols) and prints, per
protocol: inputs tried, frames decoded, fixes, reports without a fix, rejections, decoder
errors the guard caught, invariant failures and uncaught exceptions. Exits 1 if any invariant
failed or anything escaped the framer and the guarded decoder; a failure prints the protocol
and seed that replay it.

    .venv/bin/python bench/fuzz_radio.py [--seconds 60] [--protocol P [--seed N]]
"""

from __future__ import annotations

import argparse
import logging
import random
import sys
import time
import traceback
from collections import Counter

from radio import fuzzing
from radio.ports import PROTOCOLS
from radio.reports import NoFix, PositionReport, Rejected

COLUMNS = ("inputs", "frames", "fixes", "no fix", "rejected", "decoder errors",
           "invariant failures", "uncaught")
SHOWN = 5  # failures printed per protocol (the counts have them all)


def _tally(counts: Counter, item: object) -> list[str]:
    counts["frames"] += 1
    if isinstance(item, PositionReport):
        counts["fixes" if item.fix else "no fix"] += 1
    elif isinstance(item, NoFix):
        counts["no fix"] += 1
    elif isinstance(item, Rejected):
        counts["rejected"] += 1
        if item.reason.startswith("decoder error"):
            counts["decoder errors"] += 1
            return [f"caught {item.reason} on {item.raw[:120]!r}"]
    failures = fuzzing.invariant_failures(item)
    counts["invariant failures"] += len(failures)
    return failures


def one(protocol: str, seed: int, counts: Counter) -> list[str]:
    """One input from `seed` through `protocol`'s framer and guarded decoder: what went wrong."""
    rng = random.Random(seed)
    counts["inputs"] += 1
    try:
        data = fuzzing.hostile(protocol, rng)
        return [problem for item in fuzzing.decode_stream(protocol, data, rng)
                for problem in _tally(counts, item)]
    except Exception:
        counts["uncaught"] += 1
        return [traceback.format_exc(limit=4)]


def fuzz(protocol: str, seconds: float, master: random.Random) -> Counter:
    counts: Counter = Counter()
    shown = 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seed = master.getrandbits(64)
        for problem in one(protocol, seed, counts):
            shown += 1
            if shown <= SHOWN:
                print(f"  --protocol {protocol} --seed {seed}: {problem}")
    return counts


def _table(totals: dict[str, Counter]) -> None:
    widths = [max(len(c) + 2, 11) for c in COLUMNS]
    print(f"{'protocol':<10}" + "".join(f"{c:>{w}}" for c, w in zip(COLUMNS, widths,
                                                                      strict=True)))
    for protocol, counts in totals.items():
        print(f"{protocol:<10}" + "".join(f"{counts[c]:>{w},}" for c, w in zip(COLUMNS, widths,
                                                                                 strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--protocol", choices=sorted(PROTOCOLS), help="only this one")
    parser.add_argument("--seed", type=int, help="replay one input (as printed on a failure)")
    args = parser.parse_args()
    logging.getLogger("radio.ports").setLevel(logging.CRITICAL)  # counted here instead
    protocols = [args.protocol] if args.protocol else sorted(PROTOCOLS)
    if args.seed is not None:
        problems = [p for protocol in protocols for p in one(protocol, args.seed, Counter())]
        print("\n".join(problems) or "no problem")
        return 1 if problems else 0
    totals = {protocol: fuzz(protocol, args.seconds / len(protocols), random.Random())
              for protocol in protocols}
    _table(totals)
    failed = sum(c["invariant failures"] + c["uncaught"] for c in totals.values())
    print("FAILED" if failed else "ok: no invariant failure, nothing escaped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
