"""The event log as a hash chain, so an altered, deleted, inserted or reordered row shows.

Each row stores the SHA-256 of its predecessor's hash followed by its own canonical form, and
that predecessor's hash beside it. `verify` walks the log in id order and names the first row
where either no longer holds. The id is left out of the canonical form on purpose: it is given
by the database at insert, after the hash is computed, and the order is what the chain itself
proves. What a chain cannot show is rows cut off the end: that is why the head (the last id and
hash) is shown to the shift lead, who can note it and compare later.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def canonical(time: datetime, type_: str, actor: str, workstation: str,
              payload: dict[str, Any], idempotency_key: str | None) -> bytes:
    """One event as bytes that every database gives back alike (UTC time to the µs, JSON
    with sorted keys and no spaces)."""
    when = (time if time.tzinfo else time.replace(tzinfo=UTC)).astimezone(UTC)
    doc = [when.isoformat(timespec="microseconds"), type_, actor, workstation, payload,
           idempotency_key]
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def link(previous: str, body: bytes) -> str:
    return hashlib.sha256(previous.encode("ascii") + body).hexdigest()


@dataclass(frozen=True)
class Problem:
    event_id: int
    what: str


@dataclass(frozen=True)
class Verdict:
    checked: int
    head_id: int
    head_hash: str
    problems: list[Problem]


def verify(rows: Iterable[Any], *, limit: int = 20,
           start: tuple[int, str] = (0, GENESIS)) -> Verdict:
    """Walk rows (id, time, type, actor, workstation, payload, idempotency_key, prev_hash,
    hash) in id order from `start` (the id and hash of the last row archived, if any); name
    the rows where the chain breaks, up to `limit` of them."""
    problems: list[Problem] = []
    (previous_id, previous), checked = start, 0
    for row in rows:
        checked += 1
        body = canonical(row.time, row.type, row.actor, row.workstation, row.payload,
                         row.idempotency_key)
        if row.hash is None:
            problems.append(Problem(row.id, "has no hash: written outside the hub"))
        elif link(row.prev_hash or "", body) != row.hash:
            problems.append(Problem(row.id, "altered: its content does not match its hash"))
        elif row.prev_hash != previous:
            where = f"event {previous_id}" if previous_id else "the start of the log"
            problems.append(Problem(row.id, f"does not follow {where}: a row between was "
                                            "deleted, or this one inserted or moved"))
        previous, previous_id = row.hash or "", row.id
        if len(problems) >= limit:
            break
    return Verdict(checked, previous_id, previous, problems)
