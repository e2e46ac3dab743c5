"""Configured serial ports: which device, how it is wired, which protocol speaks on it.

One registry maps a protocol name to its framer and decoder, so a port's configuration picks
them and the bridge knows nothing of protocols. Ports come from the scenario file
(`radio_ports`) or from `--radio NAME=DEVICE[,key=value...]` on the command line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol

import serial

from radio import gateway
from radio.framing import LineFramer, TextLineFramer
from radio.reports import Decoded, Rejected

log = logging.getLogger(__name__)

PARITIES = {"N": serial.PARITY_NONE, "E": serial.PARITY_EVEN, "O": serial.PARITY_ODD}


class Framer(Protocol):
    def feed(self, data: bytes) -> list[bytes]: ...
    def reset(self) -> bytes: ...


@dataclass(frozen=True)
class PortConfig:
    name: str
    url: str
    protocol: str = "gateway"  # gateway (FleetSync + paging), nmea, fleetsync, kiss, tnc2
    baudrate: int = 9600
    parity: str = "N"
    allow_no_checksum: bool = False
    unit: str | None = None  # for a port whose reports carry no unit id (a GNSS receiver)

    def __post_init__(self) -> None:
        if self.protocol not in PROTOCOLS:
            raise ValueError(f"port {self.name}: unknown protocol {self.protocol!r}; "
                             f"known: {', '.join(sorted(PROTOCOLS))}")
        if self.parity not in PARITIES:
            raise ValueError(f"port {self.name}: parity must be one of N, E, O")

    def framer(self) -> Framer:
        return PROTOCOLS[self.protocol][0]()

    def decoder(self) -> Callable[[bytes], Decoded]:
        """The protocol's decoder, guarded: whatever it raises costs one frame, not the port."""
        return guarded(PROTOCOLS[self.protocol][1](self), self.name)


def guarded(decode: Callable[[bytes], Decoded], port: str) -> Callable[[bytes], Decoded]:
    """`decode`, but an exception becomes a logged rejection of that frame: a decoder bug met
    by one odd sentence must not end the reader that every later report depends on."""
    def decode_or_reject(frame: bytes) -> Decoded:
        try:
            return decode(frame)
        except Exception as exc:
            log.exception("%s: decoder failed on %r", port, frame)
            return Rejected(f"decoder error: {type(exc).__name__}: {exc}", frame)

    return decode_or_reject


def _text(config: PortConfig) -> Callable[[bytes], Decoded]:
    return gateway.decoder_for(config.allow_no_checksum)


def _kiss(config: PortConfig) -> Callable[[bytes], Decoded]:
    from radio.protocols import kiss

    return kiss.decode


def _kiss_framer() -> Framer:
    from radio.protocols.kiss import KissFramer

    return KissFramer()


def _tnc2(config: PortConfig) -> Callable[[bytes], Decoded]:
    from radio.protocols import aprs

    return aprs.parse_tnc2


PROTOCOLS: dict[str, tuple[Callable[[], Framer], Callable[[PortConfig], Callable]]] = {
    "gateway": (LineFramer, _text),
    "nmea": (LineFramer, _text),
    "fleetsync": (LineFramer, _text),
    "kiss": (_kiss_framer, _kiss),
    "tnc2": (TextLineFramer, _tnc2),
}

_TYPES = {f.name: f.type for f in fields(PortConfig)}
_ALIASES = {"baud": "baudrate", "no_checksum": "allow_no_checksum"}


def from_mapping(doc: Mapping[str, Any]) -> PortConfig:
    return PortConfig(**{_ALIASES.get(k, k): v for k, v in doc.items()})


def parse_port_spec(spec: str) -> PortConfig:
    """`gw1=/dev/ttyUSB0,baud=4800,protocol=nmea,unit=G05,no_checksum`."""
    if "=" not in spec:
        raise ValueError(f"radio port {spec!r}: expected NAME=DEVICE[,key=value...]")
    name, rest = spec.split("=", 1)
    url, *options = rest.split(",")
    doc: dict[str, Any] = {"name": name, "url": url}
    for option in options:
        key, _, value = option.partition("=")
        key = _ALIASES.get(key, key)
        if key not in _TYPES or key in ("name", "url"):
            raise ValueError(f"radio port {name}: unknown option {key!r}")
        if key == "baudrate":
            doc[key] = int(value)
        elif key == "allow_no_checksum":
            doc[key] = value.lower() not in ("0", "no", "false")
        else:
            doc[key] = value
    return PortConfig(**doc)
