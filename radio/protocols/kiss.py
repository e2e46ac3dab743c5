"""KISS framing and AX.25 UI frames, the way a TNC (Direwolf, a radio's built-in TNC) talks.

Framer: bytes → frames between FEND (0xC0) bytes. Decoder: unescape (FESC TFEND → FEND,
FESC TFESC → FESC), command byte, AX.25 addresses, control/PID, then the APRS information
field (radio/protocols/aprs.py). Encoder: an APRS message (a page) as a KISS frame.
"""

from __future__ import annotations

from radio.framing import DelimitedFramer
from radio.protocols import aprs
from radio.reports import Rejected

FEND, FESC, TFEND, TFESC = 0xC0, 0xDB, 0xDC, 0xDD
MAX_FRAME = 1024
UI_CONTROL, NO_LAYER3 = 0x03, 0xF0


class KissFramer(DelimitedFramer):
    """KISS frames sit between FEND bytes; empty ones (back-to-back FENDs) are padding."""

    delimiter = bytes([FEND])
    max_size = MAX_FRAME


def unescape(frame: bytes) -> bytes:
    out, escaped = bytearray(), False
    for byte in frame:
        if escaped:
            if byte not in (TFEND, TFESC):
                raise ValueError(f"FESC followed by 0x{byte:02X}")
            out.append(FEND if byte == TFEND else FESC)
            escaped = False
        elif byte == FESC:
            escaped = True
        else:
            out.append(byte)
    if escaped:
        raise ValueError("frame ends inside an escape")
    return bytes(out)


def escape(data: bytes) -> bytes:
    return data.replace(bytes([FESC]), bytes([FESC, TFESC])).replace(bytes([FEND]),
                                                                    bytes([FESC, TFEND]))


def _address(field: bytes) -> str:
    call = bytes(b >> 1 for b in field[:6]).decode("ascii", "replace").strip()
    ssid = (field[6] >> 1) & 0x0F
    return f"{call}-{ssid}" if ssid else call


def decode_ax25(frame: bytes, raw: bytes):
    """An AX.25 UI frame (no FCS) → its APRS meaning."""
    addresses, i = [], 0
    while i + 7 <= len(frame):
        addresses.append(_address(frame[i:i + 7]))
        i += 7
        if frame[i - 1] & 0x01:  # last address
            break
    else:
        return Rejected("AX.25: address field never ends", raw)
    if len(addresses) < 2 or len(frame) < i + 2:
        return Rejected("AX.25: too short for addresses, control and PID", raw)
    if frame[i] != UI_CONTROL or frame[i + 1] != NO_LAYER3:
        return Rejected(f"AX.25: not a UI frame (control 0x{frame[i]:02X})", raw)
    destination, source = addresses[0], addresses[1]
    return aprs.parse_info(source, destination, frame[i + 2:], raw)


def decode(frame: bytes):
    try:
        data = unescape(frame)
    except ValueError as exc:
        return Rejected(f"KISS: {exc}", frame)
    if not data:
        return Rejected("KISS: empty frame", frame)
    if data[0] & 0x0F != 0:
        return Rejected(f"KISS: command 0x{data[0]:02X} is not a data frame", frame)
    return decode_ax25(data[1:], frame)


def _encode_address(call: str, last: bool) -> bytes:
    name, _, ssid = call.upper().partition("-")
    body = bytes((ord(c) << 1) for c in name.ljust(6)[:6])
    return body + bytes([0x60 | ((int(ssid or 0) & 0x0F) << 1) | (1 if last else 0)])


def encode_ui(source: str, destination: str, info: bytes) -> bytes:
    """An AX.25 UI frame carrying `info`, in a KISS data frame on port 0."""
    ax25 = (_encode_address(destination, False) + _encode_address(source, True)
            + bytes([UI_CONTROL, NO_LAYER3]) + info)
    return bytes([FEND, 0x00]) + escape(ax25) + bytes([FEND])


def encode_message(source: str, addressee: str, text: str, msg_id: str,
                   destination: str = "APZJBC") -> bytes:
    """A page as an APRS message `:ADDRESSEE:text{id` in a KISS data frame on port 0."""
    return encode_ui(source, destination, f":{addressee:<9}:{text}{{{msg_id}".encode())
