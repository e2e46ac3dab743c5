"""Line framer for NMEA-style sentences: bytes in any chunking → complete `$...` lines.

Garbage before a `$` is dropped (counted by the caller as a rejection), an overlong line is cut,
and a partial line is kept only until the next `$` or newline, so a frame cut by a pulled cable
is discarded rather than glued onto the next one.
"""

from __future__ import annotations

MAX_LINE = 512


class LineFramer:
    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        """Return every complete frame (without CR/LF); junk is returned as frames too so the
        decoder can reject it with a reason instead of it vanishing silently."""
        self._buffer += data
        frames: list[bytes] = []
        while (end := self._buffer.find(b"\n")) >= 0:
            line = bytes(self._buffer[:end]).rstrip(b"\r")
            del self._buffer[: end + 1]
            frames.extend(self._split_on_start(line))
        if len(self._buffer) > MAX_LINE:
            frames.append(bytes(self._buffer))
            self._buffer.clear()
        return frames

    def reset(self) -> bytes:
        """Drop a partial frame (e.g. after a disconnect) and return it for logging."""
        partial = bytes(self._buffer)
        self._buffer.clear()
        return partial

    @staticmethod
    def _split_on_start(line: bytes) -> list[bytes]:
        # A `$` inside a line starts a new sentence: the text before it is a truncated frame.
        parts = line.split(b"$")
        out = [parts[0]] if parts[0].strip() else []
        out.extend(b"$" + p for p in parts[1:])
        return out


class TextLineFramer:
    """Plain text lines (TNC2 monitor output): split on newlines only; `$` means nothing."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        *lines, rest = bytes(self._buffer).split(b"\n")
        self._buffer = bytearray(rest)
        if len(self._buffer) > MAX_LINE:
            lines.append(bytes(self._buffer))
            self._buffer.clear()
        return [line.rstrip(b"\r") for line in lines if line.strip()]

    def reset(self) -> bytes:
        partial = bytes(self._buffer)
        self._buffer.clear()
        return partial
