"""The console ↔ radio gateway paging sentences (docs/radio-protocol.md).

    $PJBPG,<seq>,<fleet>,<unit>,<lat>,<N|S>,<lon>,<E|W>,<text>*<cs>   console → gateway: page
    $PJBAK,<seq>,<fleet>,<unit>*<cs>                                    gateway → console: ack
    $PJBPL,<fleet>,<unit>*<cs>                                          console → gateway: poll

The text is UTF-8 (Chinese pages); the checksum is the XOR of the UTF-8 bytes between `$` and
`*`, so this module computes it itself instead of pynmeagps's ASCII-only helper. Field
separators inside the text are replaced by their full-width forms so a page cannot break framing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from radio.reports import PageAck, Rejected

_SAFE = str.maketrans({",": "\uff0c", "*": "\uff0a", "$": "\uff04", "\r": " ", "\n": " "})
_SENTENCE = re.compile(rb"^\$(?P<body>[^*]+)\*(?P<cs>[0-9A-Fa-f]{2})$")


def checksum(body: bytes) -> int:
    value = 0
    for byte in body:
        value ^= byte
    return value


def _frame(body: str) -> bytes:
    raw = body.encode("utf-8")
    return b"$" + raw + f"*{checksum(raw):02X}\r\n".encode("ascii")


def _split(frame: bytes) -> list[str] | Rejected:
    match = _SENTENCE.match(frame)
    if not match:
        return Rejected("not a $...*hh sentence", frame)
    body = match["body"]
    if checksum(body) != int(match["cs"], 16):
        return Rejected(f"bad checksum {match['cs'].decode()}, expected {checksum(body):02X}",
                        frame)
    try:
        return body.decode("utf-8").split(",")
    except UnicodeDecodeError:
        return Rejected("text is not UTF-8", frame)


@dataclass(frozen=True)
class Page:
    seq: int
    fleet: int
    unit: str
    lon: float
    lat: float
    text: str


def encode_page(page: Page) -> bytes:
    text = page.text.translate(_SAFE)
    return _frame(
        f"PJBPG,{page.seq},{page.fleet:03d},{page.unit},{abs(page.lat):.6f},"
        f"{'N' if page.lat >= 0 else 'S'},{abs(page.lon):.6f},{'E' if page.lon >= 0 else 'W'},"
        f"{text}"
    )


def encode_ack(seq: int, fleet: int, unit: str) -> bytes:
    return _frame(f"PJBAK,{seq},{fleet:03d},{unit}")


def encode_poll(fleet: int, unit: str) -> bytes:
    """Ask the gateway to poll a radio for its position now (it answers with $PKLDS)."""
    return _frame(f"PJBPL,{fleet:03d},{unit}")


def decode_poll(frame: bytes) -> tuple[int, str] | Rejected:
    fields = _split(frame)
    if isinstance(fields, Rejected):
        return fields
    if len(fields) != 3 or fields[0] != "PJBPL":
        return Rejected("a poll has 2 fields after PJBPL", frame)
    try:
        return int(fields[1]), fields[2]
    except ValueError as exc:
        return Rejected(f"bad poll field: {exc}", frame)


def decode_page(frame: bytes) -> Page | Rejected:
    fields = _split(frame)
    if isinstance(fields, Rejected):
        return fields
    if len(fields) != 9 or fields[0] != "PJBPG":
        return Rejected("a page has 8 fields after PJBPG", frame)
    try:
        lat = float(fields[4]) * (1 if fields[5] == "N" else -1)
        lon = float(fields[6]) * (1 if fields[7] == "E" else -1)
        return Page(int(fields[1]), int(fields[2]), fields[3], lon, lat, fields[8])
    except ValueError as exc:
        return Rejected(f"bad page field: {exc}", frame)


def decode_ack(frame: bytes) -> PageAck | Rejected:
    fields = _split(frame)
    if isinstance(fields, Rejected):
        return fields
    if len(fields) != 4 or fields[0] != "PJBAK":
        return Rejected("an ack has 3 fields after PJBAK", frame)
    try:
        return PageAck(int(fields[1]), int(fields[2]), fields[3], frame)
    except ValueError as exc:
        return Rejected(f"bad ack field: {exc}", frame)
