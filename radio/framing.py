"""Framers: bytes in any chunking → complete frames, one class per way of delimiting them.

They share one rule: whatever is left after the last delimiter waits for more bytes, an
overlong remainder is cut and handed on (so the decoder rejects it with a reason instead of it
vanishing), and `reset` drops the remainder at a disconnect, so a frame cut by a pulled cable
is discarded rather than glued onto the next one.
"""

from __future__ import annotations

MAX_LINE = 512


class DelimitedFramer:
    """Frames end at `delimiter`; subclasses say how a delimited chunk becomes frames."""

    delimiter = b"\n"
    max_size = MAX_LINE

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        frames: list[bytes] = []
        while (end := self._buffer.find(self.delimiter)) >= 0:
            chunk = bytes(self._buffer[:end])
            del self._buffer[: end + len(self.delimiter)]
            frames.extend(self.frames_of(chunk))
        if len(self._buffer) > self.max_size:
            frames.append(bytes(self._buffer))
            self._buffer.clear()
        return frames

    def frames_of(self, chunk: bytes) -> list[bytes]:
        return [chunk] if chunk else []

    def reset(self) -> bytes:
        """Drop a partial frame (e.g. after a disconnect) and return it for logging."""
        partial = bytes(self._buffer)
        self._buffer.clear()
        return partial


class LineFramer(DelimitedFramer):
    """NMEA-style sentences: `$...` lines. Junk before a `$` comes out as its own frame."""

    def frames_of(self, chunk: bytes) -> list[bytes]:
        # A `$` inside a line starts a new sentence: the text before it is a truncated frame.
        parts = chunk.rstrip(b"\r").split(b"$")
        out = [parts[0]] if parts[0].strip() else []
        out.extend(b"$" + p for p in parts[1:])
        return out


class TextLineFramer(DelimitedFramer):
    """Plain text lines (TNC2 monitor output): split on newlines only; `$` means nothing."""

    def frames_of(self, chunk: bytes) -> list[bytes]:
        line = chunk.rstrip(b"\r")
        return [line] if line.strip() else []
