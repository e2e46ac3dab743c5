"""The radio gateway's protocol as the console sees it: one decoder per sentence type.

A registry (sentence prefix → decoder) instead of a chain of ifs, so adding a protocol is adding
a line; frames nobody claims are rejected with the reason, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable

from radio.protocols import fleetsync, paging
from radio.reports import Decoded, Rejected

DECODERS: dict[bytes, Callable[[bytes], Decoded]] = {
    b"$PKLDS": fleetsync.decode,
    b"$PKNDS": fleetsync.decode,
    b"$PJBAK": paging.decode_ack,
}


def decode(frame: bytes) -> Decoded:
    if not frame.startswith(b"$"):
        return Rejected("garbage: no sentence start '$'", frame)
    decoder = DECODERS.get(frame.split(b",", 1)[0])
    if decoder is None:
        return Rejected(f"unsupported sentence {frame[:8]!r}", frame)
    return decoder(frame)
