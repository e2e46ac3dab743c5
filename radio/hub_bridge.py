"""`jingbao radio-bridge`: the serial ports of the PC with the radio cable, serving a hub.

The ports are read here exactly as the hub reads its own (radio/bridge.py: one thread each,
reconnect with back-off, decoders that cannot die), and what they decode goes to the hub's
radio link (hub/radio_link.py) in numbered batches. A batch stays in this process until the
hub says it is in the log, so a hub that restarts or a network that breaks costs nothing: the
batches are sent again, in order, and the hub logs each fix once. While the hub is away the
buffer is bounded: past its limit the oldest fixes are thinned, but page acknowledgements,
emergency and status reports and rejections are kept. Frames the hub wants on the air (pages,
position polls) come back the other way and are written to the port; with `--voice`, this PC's
PTT line and sound card speak the hub's voice pages and key the radio for the operator.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import itertools
import json
import logging
import secrets
import ssl
from collections import deque
from dataclasses import dataclass

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from radio.bridge import SerialBridge
from radio.ports import PortConfig
from radio.report_wire import to_wire
from radio.reports import Decoded
from radio.voice import VoicePager

log = logging.getLogger(__name__)

RADIO_PATH = "/radio"
MAX_BUFFERED = 100_000  # reports kept for the hub; past it the oldest plain fixes are thinned
BACKOFF_START_S, BACKOFF_MAX_S = 0.2, 5.0


@dataclass
class Batch:
    seq: int
    port: str
    items: list[dict]


def _plain_fix(item: dict) -> bool:
    """A fix that a later fix of the same radio makes obsolete (no emergency, no status key)."""
    return item["kind"] == "position" and not item["emergency"] and not item["status"]


class HubBridge:
    def __init__(self, hub_url: str, name: str, ports: list[PortConfig], *,
                 token: str | None = None, tls: ssl.SSLContext | None = None,
                 voice: VoicePager | None = None) -> None:
        # a center with a standby hub lists both: "ws://hub-a:8765,ws://hub-b:8765"
        self.urls = [u.strip().rstrip("/") + RADIO_PATH for u in hub_url.split(",")]
        self._at = 0  # the address tried now; a failure moves on to the next
        self.name, self.token, self.tls = name, token, tls
        self.run = secrets.token_hex(4)  # with the batch number, keys every fix uniquely
        self.loop = asyncio.new_event_loop()
        self.ports = {p.name: SerialBridge(p, on_decoded=self._decoded, on_status=self._status)
                      for p in ports}
        self.configs = {p.name: p for p in ports}
        self.unacked: deque[Batch] = deque()
        self.links: dict[str, tuple[str, str]] = {}
        self._seq = itertools.count(1)
        self._ws: ClientConnection | None = None
        self.connected = asyncio.Event()
        self.voice = voice
        self._voice_worker = concurrent.futures.ThreadPoolExecutor(1, "voice")  # pages in turn

    # -- the serial side (called on each port's reader thread) ---------------------------------
    def _decoded(self, port: str, batch: list[Decoded]) -> None:
        items = [doc for doc in map(to_wire, batch) if doc is not None]
        if items:
            self.loop.call_soon_threadsafe(self._buffer, port, items)

    def _status(self, port: str, status: str, detail: str) -> None:
        self.loop.call_soon_threadsafe(self._port_status, port, status, detail)

    def _port_status(self, port: str, status: str, detail: str) -> None:
        self.links[port] = (status, detail)
        if self._ws is not None:
            self.loop.create_task(self._send({"type": "link", "port": port, "status": status,
                                              "detail": detail}))

    def _buffer(self, port: str, items: list[dict]) -> None:
        batch = Batch(next(self._seq), port, items)
        self.unacked.append(batch)
        if sum(len(b.items) for b in self.unacked) > MAX_BUFFERED:
            self._thin()
        if self._ws is not None:
            self.loop.create_task(self._send_batch(batch))

    def _thin(self) -> None:
        excess = sum(len(b.items) for b in self.unacked) - MAX_BUFFERED
        for batch in self.unacked:
            if excess <= 0:
                break
            kept = [i for i in batch.items if not (_plain_fix(i) and (excess := excess - 1) >= 0)]
            batch.items = kept
        log.warning("hub away: oldest fixes thinned, %d reports kept",
                    sum(len(b.items) for b in self.unacked))

    # -- the hub side ---------------------------------------------------------------------------
    def serve(self) -> None:
        """Open the ports and follow the hub until interrupted."""
        asyncio.set_event_loop(self.loop)
        for bridge in self.ports.values():
            bridge.start()
        try:
            self.loop.run_until_complete(self._follow())
        finally:
            for bridge in self.ports.values():
                bridge.stop()
            self._voice_worker.shutdown(wait=False, cancel_futures=True)

    async def _send(self, message: dict) -> None:
        try:
            if self._ws is not None:
                await self._ws.send(json.dumps(message, ensure_ascii=False))
        except ConnectionClosed:
            pass

    async def _send_batch(self, batch: Batch) -> None:
        await self._send({"type": "batch", "run": self.run, "seq": batch.seq,
                          "port": batch.port, "items": batch.items})

    @property
    def url(self) -> str:
        return self.urls[self._at]

    async def _follow(self) -> None:
        """On any break try the next address at once; back off only when every address has
        failed in turn."""
        backoff = BACKOFF_START_S
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else None
        while True:
            try:
                async with connect(self.url, ssl=self.tls, additional_headers=headers,
                                   max_size=None, open_timeout=10) as ws:
                    await self._hello(ws)
                    backoff = BACKOFF_START_S
                    async for raw in ws:
                        self._on_message(json.loads(raw))
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, ValueError) as exc:
                log.warning("hub %s away (%s); %d batch(es) kept; retrying in %.1f s", self.url,
                            exc, len(self.unacked), backoff)
            finally:
                self._ws = None
                self.connected.clear()
            self._at = (self._at + 1) % len(self.urls)
            if self._at == 0:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)

    async def _hello(self, ws: ClientConnection) -> None:
        ports = [{"name": c.name, "protocol": c.protocol, "unit": c.unit}
                 for c in self.configs.values()]
        await ws.send(json.dumps({"type": "hello", "bridge": self.name, "ports": ports,
                                  "voice": self.voice is not None}))
        welcome = json.loads(await asyncio.wait_for(ws.recv(), 15))
        if welcome.get("type") != "welcome":
            raise ValueError(f"the hub answered {welcome!r}")
        self._ws = ws
        self.connected.set()
        log.info("following hub %s; sending %d kept batch(es)", self.url, len(self.unacked))
        for port, (status, detail) in self.links.items():
            await self._send({"type": "link", "port": port, "status": status, "detail": detail})
        for batch in list(self.unacked):  # in order; the hub logs a fix sent twice once
            await self._send_batch(batch)

    def _on_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "ack":
            while self.unacked and self.unacked[0].seq <= message["seq"]:
                self.unacked.popleft()
        elif kind == "send":
            port = self.ports.get(message.get("port", ""))
            if port is None or not port.send(base64.b64decode(message["frame"])):
                log.warning("frame for %s not sent: port down or unknown", message.get("port"))
        elif kind in ("speak", "key"):
            self.loop.create_task(self._voice(message))

    async def _voice(self, message: dict) -> None:
        """Speak a page or key the radio, then tell the hub what went on the air. The PTT is
        keyed on the default pool: a page waiting on the voice worker must not hold it up."""
        answer = "spoken" if message["type"] == "speak" else "keyed"
        try:
            if self.voice is None:
                raise ValueError("this bridge has no voice channel (--voice)")
            if answer == "spoken":
                detail = await self.loop.run_in_executor(self._voice_worker, self.voice.say,
                                                         str(message["text"]))
            else:
                await self.loop.run_in_executor(None, self.voice.key, bool(message["on"]))
                detail = {"ok": True}
        except Exception as exc:  # no espeak-ng, no sound card, PTT port gone ...
            log.warning("voice %s failed: %s", message["type"], exc)
            detail = {"ok": False, "error": str(exc)}
        await self._send({"type": answer, "id": message.get("id"), **detail})
