"""Serial bridge: one port, one reader thread, reconnect with back-off, decoded reports out.

pyserial is blocking, so each port gets its own thread; what one read decodes goes to
`on_decoded` as one list (called on that thread: the receiver must hop to its own loop), so a
burst of reports crosses threads once, not once per frame. A pulled cable or vanished pty
is reported through `on_status`, retried with back-off, and the partial frame at the cut is
discarded so it cannot be misread as the start of the next one. A failure of the reader itself
(a bug in framing, decoding or a receiver) is reported and counted the same way and the port
reopened: the thread ends only at `stop`, so "connected" always means someone is reading.
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable

import serial

from radio.ports import PARITIES, PortConfig
from radio.reports import Decoded, Rejected

log = logging.getLogger(__name__)

CONNECTED, DISCONNECTED = "connected", "disconnected"
BACKOFF_START_S, BACKOFF_MAX_S = 0.2, 5.0


class SerialBridge:
    def __init__(self, config: PortConfig, *, on_decoded: Callable[[str, list[Decoded]], None],
                 on_status: Callable[[str, str, str], None]) -> None:
        self.config = config
        self.url, self.name = config.url, config.name
        self._on_decoded, self._on_status = on_decoded, on_status
        self._framer = config.framer()
        self._decode = config.decoder()
        self._port: serial.SerialBase | None = None
        self._write_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"serial-{self.name}",
                                        daemon=True)
        self._backoff = BACKOFF_START_S
        self.counts: Counter[str] = Counter()  # by decoded kind, rejection reason, failures

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=3)

    def send(self, frame: bytes) -> bool:
        """Write a frame; False (and logged) when the port is down, so the caller can retry."""
        with self._write_lock:
            port = self._port
            if port is None:
                log.warning("%s: cannot send, port is down: %r", self.name, frame)
                return False
            try:
                port.write(frame)
                port.flush()
            except (serial.SerialException, OSError) as exc:
                log.warning("%s: write failed (%s): %r", self.name, exc, frame)
                return False
        return True

    def _run(self) -> None:
        """Open, read until the line fails, report, wait, reopen. Nothing but `stop` ends this
        loop: a reader that died while its link still showed "connected" would lose every
        later report unseen, so a failure anywhere in it is reported and the port reopened."""
        while not self._stop.is_set():
            try:
                reason = self._session()
            except Exception as exc:
                self.counts["reader failed"] += 1
                log.exception("%s: reader failed; reopening the port", self.name)
                reason = f"reader failed: {type(exc).__name__}: {exc}"
            if reason is not None:
                self._status(DISCONNECTED, reason)
                self._stop.wait(self._backoff)
                self._backoff = min(self._backoff * 2, BACKOFF_MAX_S)

    def _session(self) -> str | None:
        """One opened port until it fails: why it ended, or None when stopped. Back-off
        starts over only after a session that ended without an exception."""
        try:
            port = serial.serial_for_url(self.url, baudrate=self.config.baudrate,
                                         parity=PARITIES[self.config.parity], timeout=0.2)
        except (serial.SerialException, OSError, ValueError) as exc:
            return f"cannot open {self.url}: {exc}"
        try:
            with self._write_lock:
                self._port = port
            self._status(CONNECTED, self.url)
            reason = self._read_until_failure(port)
        finally:
            self._release(port)
        self._backoff = BACKOFF_START_S
        return reason

    def _release(self, port: serial.SerialBase) -> None:
        """Close the port and discard the frame cut at the disconnect (reported, not glued
        onto the first frame after reconnecting)."""
        with self._write_lock:
            self._port = None
        try:
            port.close()
        except (serial.SerialException, OSError) as exc:
            log.warning("%s: closing %s failed: %s", self.name, self.url, exc)
        partial = self._framer.reset()
        if partial:
            self._emit([Rejected("partial frame discarded at disconnect", partial)])

    def _status(self, status: str, detail: str) -> None:
        try:
            self._on_status(self.name, status, detail)
        except Exception:  # the receiver's failure must not kill the port's reader
            log.exception("%s: status handler failed for %s (%s)", self.name, status, detail)

    def _read_until_failure(self, port: serial.SerialBase) -> str | None:
        while not self._stop.is_set():
            try:
                data = port.read(port.in_waiting or 1)
            except (serial.SerialException, OSError) as exc:
                return f"lost {self.url}: {exc}"
            frames = self._framer.feed(data)
            if frames:
                self._emit([self._decode(frame) for frame in frames])
        return None

    def _emit(self, batch: list[Decoded]) -> None:
        for decoded in batch:
            self.counts[type(decoded).__name__] += 1
            if isinstance(decoded, Rejected):
                self.counts[f"rejected: {decoded.reason.split(':')[0]}"] += 1
                log.warning("%s: rejected frame (%s): %r", self.name, decoded.reason,
                            decoded.raw)
        try:
            self._on_decoded(self.name, batch)
        except Exception:  # the receiver's failure must not kill the port's reader
            log.exception("%s: handler failed for a batch of %d", self.name, len(batch))
