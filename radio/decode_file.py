"""`jingbao radio decode`: a capture file through a protocol's framer and decoder, one JSON
line per report or rejection, for operators checking a capture and for tests."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

from radio.ports import PortConfig
from radio.protocols.aprs import AprsMessage, AprsObject
from radio.reports import NoFix, Other, PageAck, PositionReport, Rejected


def _raw(raw: bytes) -> str:
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        return "base64:" + base64.b64encode(raw).decode("ascii")


def _degrees(value: float, fix: bool) -> float | None:
    """A report without a fix has no place (NaN): JSON null, not the invalid `NaN`."""
    return round(value, 7) if fix else None


def _describe(item: Any) -> dict[str, Any]:
    if isinstance(item, PositionReport):
        return {"kind": "position", "unit": item.unit, "fleet": item.fleet,
                "time": item.time.isoformat() if item.time else None, "fix": item.fix,
                "lon": _degrees(item.lon, item.fix), "lat": _degrees(item.lat, item.fix),
                "speed_kmh": round(item.speed_kmh, 2), "course": round(item.course, 1),
                "status": item.status, "emergency": item.emergency,
                "uncertainty_m": round(item.uncertainty_m, 1)}
    if isinstance(item, NoFix):
        return {"kind": "no_fix", "sentence": item.sentence}
    if isinstance(item, PageAck):
        return {"kind": "ack", "unit": item.unit, "seq": item.seq}
    if isinstance(item, AprsMessage):
        return {"kind": "message", "from": item.source, "to": item.addressee,
                "text": item.text, "id": item.msg_id}
    if isinstance(item, AprsObject):
        return {"kind": item.kind, "from": item.source, "name": item.name, "alive": item.alive,
                "lon": round(item.lon, 7), "lat": round(item.lat, 7),
                "uncertainty_m": round(item.uncertainty_m, 1), "comment": item.comment}
    if isinstance(item, Other):
        return {"kind": "other", "sentence": item.sentence}
    if isinstance(item, Rejected):
        return {"kind": "rejected", "reason": item.reason, "raw": _raw(item.raw)}
    raise TypeError(f"unknown decoded item {item!r}")


def decode_bytes(data: bytes, protocol: str, allow_no_checksum: bool = False,
                 ) -> Iterator[dict[str, Any]]:
    """Everything in `data` as the bridge would see it; a last line without its newline is
    decoded too (the end of a file is not a cut cable, unlike the end of a serial read)."""
    config = PortConfig("file", "-", protocol=protocol, allow_no_checksum=allow_no_checksum)
    framer, decode = config.framer(), config.decoder()
    for frame in framer.feed(data):
        yield _describe(decode(frame))
    tail = framer.reset()
    if tail.strip():
        yield _describe(decode(tail))
