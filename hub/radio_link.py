"""The radio link, ws://HOST:PORT/radio: radio bridges on the PCs with the serial cables.

A bridge (`jingbao radio-bridge`, radio/hub_bridge.py) says which ports it has, then sends
numbered batches of decoded reports; the hub acknowledges a batch only once what it carried is
in the log, so the bridge keeps it until then and sends it again after any break. Fixes carry
an idempotency key made of the bridge's run, the batch and the place in it, so a batch sent
twice is logged once. The hub sends back the frames to put on the air (pages, polls) for the
port the bridge owns. Runs on the engine's loop; the protocol is in docs/radio-protocol.md.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import logging
from dataclasses import dataclass

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from radio.ports import PortConfig
from radio.report_wire import from_wire
from radio.voice import VoiceError

log = logging.getLogger(__name__)

RADIO_PATH = "/radio"
HELLO_TIMEOUT_S = 15.0
SEND_QUEUE = 1_000  # frames to put on the air, waiting for the bridge
SPEAK_TIMEOUT_S = 120.0  # a page queued behind others on the bridge's one channel, and said
KEY_TIMEOUT_S = 10.0


@dataclass
class RemotePort:
    """A serial port on a bridge's PC, as the pager sees a local one: its configuration, and
    `send`, which hands the frame to the bridge (False while the bridge is away, so the pager
    resends or escalates as for a pulled cable)."""

    config: PortConfig
    bridge: str
    outbox: asyncio.Queue | None = None

    def send(self, frame: bytes) -> bool:
        if self.outbox is None:
            return False
        try:
            self.outbox.put_nowait({"type": "send", "port": self.config.name.split("/", 1)[1],
                                    "frame": base64.b64encode(frame).decode("ascii")})
        except asyncio.QueueFull:
            return False
        return True

    def stop(self) -> None:
        """The hub is stopping: nothing more goes to the bridge (which keeps its port)."""
        self.outbox = None


class RemoteVoice:
    """A bridge's voice channel (hub/voice_channel.py): the hub sends the text or the PTT
    state with a request number, the bridge answers with what went on the air."""

    def __init__(self, bridge: str, outbox: asyncio.Queue) -> None:
        self.name = f"bridge {bridge}"
        self.outbox = outbox
        self.waiting: dict[int, asyncio.Future] = {}
        self._numbers = itertools.count(1)

    async def speak(self, text: str) -> dict:
        reply = await self._ask({"type": "speak", "text": text}, SPEAK_TIMEOUT_S)
        if not reply.get("ok"):
            raise VoiceError(str(reply.get("error", "not spoken")))
        return {k: reply[k] for k in ("audio", "sha256", "duration_s", "rms", "keyed_s", "ok")}

    async def key(self, on: bool) -> None:
        reply = await self._ask({"type": "key", "on": on}, KEY_TIMEOUT_S)
        if not reply.get("ok"):
            raise VoiceError(str(reply.get("error", "not keyed")))

    async def _ask(self, message: dict, timeout: float) -> dict:
        number = next(self._numbers)
        answer = asyncio.get_running_loop().create_future()
        self.waiting[number] = answer
        try:
            self.outbox.put_nowait({**message, "id": number})
            return await asyncio.wait_for(answer, timeout)
        except asyncio.QueueFull as exc:
            raise VoiceError(f"{self.name}: too much waiting to be sent") from exc
        except TimeoutError as exc:
            raise VoiceError(f"{self.name}: no answer in {timeout:.0f} s") from exc
        finally:
            self.waiting.pop(number, None)

    def answered(self, message: dict) -> None:
        answer = self.waiting.get(message.get("id"))  # type: ignore[arg-type]
        if answer is not None and not answer.done():
            answer.set_result(message)

    def away(self) -> None:
        for answer in self.waiting.values():
            if not answer.done():
                answer.set_exception(VoiceError(f"{self.name} away"))


class RadioLink:
    def __init__(self, engine) -> None:
        self.engine = engine

    async def handle(self, connection: ServerConnection) -> None:
        try:
            hello = json.loads(await asyncio.wait_for(connection.recv(), HELLO_TIMEOUT_S))
            bridge, ports = self._ports(hello)
        except (ValueError, KeyError, TypeError, TimeoutError, ConnectionClosed) as exc:
            log.warning("radio bridge from %s refused: %s", connection.remote_address, exc)
            await _close(connection, f"say hello first: {exc}")
            return
        outbox: asyncio.Queue = asyncio.Queue(SEND_QUEUE)
        for port in ports:
            port.outbox = outbox
            self.engine.attach_remote_port(port)
        log.info("radio bridge %s connected from %s with %s", bridge, connection.remote_address,
                 [p.config.name for p in ports])
        voice = RemoteVoice(bridge, outbox) if hello.get("voice") is True else None
        if voice is not None:
            self.engine.attach_remote_voice(voice)
        sender = asyncio.create_task(_forward(connection, outbox))
        try:
            await connection.send(json.dumps({"type": "welcome"}))
            async for raw in connection:
                await self._on_message(connection, bridge, raw, voice)
        except ConnectionClosed:
            pass
        finally:
            sender.cancel()
            if voice is not None:
                voice.away()
                self.engine.detach_remote_voice(voice)
            for port in ports:
                port.outbox = None
                self.engine.detach_remote_port(port, "radio bridge away")
            log.info("radio bridge %s disconnected", bridge)

    def _ports(self, hello: dict) -> tuple[str, list[RemotePort]]:
        if hello.get("type") != "hello":
            raise ValueError("the first message must be hello")
        bridge = str(hello["bridge"])[:40]
        ports = [RemotePort(PortConfig(f"{bridge}/{p['name']}", f"bridge:{bridge}",
                                       protocol=p.get("protocol", "gateway"),
                                       unit=p.get("unit")), bridge)
                 for p in hello["ports"]]
        return bridge, ports

    async def _on_message(self, connection: ServerConnection, bridge: str, raw,
                          voice: RemoteVoice | None) -> None:
        try:
            message = json.loads(raw)
            kind = message.get("type")
            if kind in ("spoken", "keyed"):
                if voice is not None:
                    voice.answered(message)
                return
            port = f"{bridge}/{message['port']}"
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("radio bridge %s sent a bad message (%s): %.200r", bridge, exc, raw)
            return
        if kind == "link":
            self.engine.remote_link(port, str(message.get("status")),
                                    str(message.get("detail", "")))
        elif kind == "batch":
            try:
                seq, run = int(message["seq"]), str(message.get("run", ""))
                items = [from_wire(item) if isinstance(item, dict) else from_wire({})
                         for item in message.get("items", [])]
            except (KeyError, TypeError, ValueError) as exc:
                log.warning("radio bridge %s sent a bad batch (%s): %.200r", bridge, exc, raw)
                return
            keys = [f"radio:{bridge}:{run}:{seq}:{n}" for n in range(len(items))]
            await self.engine.take_remote_batch(port, items, keys)
            await connection.send(json.dumps({"type": "ack", "seq": seq}))


async def _forward(connection: ServerConnection, outbox: asyncio.Queue) -> None:
    while True:
        message = await outbox.get()
        try:
            await connection.send(json.dumps(message))
        except ConnectionClosed:
            return


async def _close(connection: ServerConnection, reason: str) -> None:
    try:
        await connection.close(1008, reason[:120])
    except ConnectionClosed:
        pass
