"""Text sentences on a radio or GNSS serial line: one decoder per sentence family.

A registry (sentence prefix → decoder) instead of a chain of ifs: the gateway's paging acks,
Kenwood FleetSync positions, and everything else as NMEA 0183 (positions from RMC/GGA/GNS/GLL,
other valid sentences passed as Other). A frame nobody can read is rejected with the reason,
never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from radio.protocols import fleetsync, nmea, paging
from radio.reports import Decoded, Rejected

DECODERS: dict[bytes, Callable[[bytes], Decoded]] = {
    **dict.fromkeys(fleetsync.SENTENCES, fleetsync.decode),
    b"$PJBAK": paging.decode_ack,
}


def decode(frame: bytes, *, allow_no_checksum: bool = False) -> Decoded:
    if not frame.startswith(b"$"):
        return Rejected("garbage: no sentence start '$'", frame)
    decoder = DECODERS.get(frame.split(b",", 1)[0])
    if decoder is not None:
        return decoder(frame)
    return nmea.decode(frame, allow_no_checksum=allow_no_checksum)


def decoder_for(allow_no_checksum: bool) -> Callable[[bytes], Decoded]:
    return partial(decode, allow_no_checksum=allow_no_checksum)
