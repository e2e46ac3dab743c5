"""The console's end of the console link (docs/console-protocol.md). Qt-free.

It runs its own asyncio loop in a worker thread: logs in (or resumes its session), subscribes,
and hands the listener a snapshot and then the events in sequence order, in batches. A gap
in the numbers, a heartbeat ahead of what arrived, or silence for three heartbeats means the
line cannot be trusted: the client reconnects with back-off and resumes from the last number
it holds, so nothing is missed or doubled. Commands go out with a request id and come back as
a future holding the result, or `CommandRefused` with the hub's reason.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import json
import logging
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from dispatch.events import Event
from dispatch.state import CenterState, Unit
from hub.console_link import CONSOLE_PATH, HEARTBEAT_S
from hub.radio_log import RadioLogEntry
from hub.wire import event_from_wire, radio_from_wire, state_from_wire

log = logging.getLogger(__name__)

SILENCE_S = 3 * HEARTBEAT_S  # no word from the hub for this long: the line is dead
BACKOFF_START_S, BACKOFF_MAX_S = 0.2, 5.0
HUB_LINK = "hub"


class CommandRefused(Exception):
    """The hub refused a command (or the line went down before it answered)."""

    def __init__(self, reason: str, code: str, refusal: str | None = None,
                 values: dict[str, str] | None = None) -> None:
        super().__init__(reason)
        self.code = code
        self.refusal = refusal  # the core's own code (dispatch/refusals.py), for the words
        self.values = values or {}


class LoginFailed(Exception):
    pass


class _Resync(Exception):
    """The stream cannot be trusted any more: reconnect and resume."""


class HubListener(Protocol):
    """What the console hears; called on the client's thread, never the UI thread."""

    def session_opened(self, user: str, role: str, verbs: list[str]) -> None: ...
    def snapshot_received(self, state: CenterState) -> None: ...
    def events_appended(self, events: list[Event]) -> None: ...
    def radio_logged(self, entry: RadioLogEntry) -> None: ...
    def link_changed(self, link: str, status: str, detail: str) -> None: ...


@dataclass
class Credentials:
    """A session token (resumed), or a user name and password (logged in once; the password
    is then forgotten and the token kept for reconnects)."""

    token: str | None = None
    user: str | None = None
    password: str | None = None


class HubClient:
    def __init__(self, hub_url: str, roster: Callable[[], list[Unit]], listener: HubListener,
                 credentials: Credentials, *, workstation: str,
                 tls: ssl.SSLContext | None = None) -> None:
        # a center with a standby hub lists both: "ws://hub-a:8765,ws://hub-b:8765"
        self.urls = [u.strip().rstrip("/") + CONSOLE_PATH for u in hub_url.split(",")]
        self._at = 0  # the address tried now; a failure moves on to the next
        self.roster, self.listener, self.credentials = roster, listener, credentials
        self.workstation, self.tls = workstation, tls
        self.loop = asyncio.new_event_loop()
        self.last_seq: int | None = None
        self.links: dict[str, tuple[str, str]] = {}
        self.verbs: frozenset[str] = frozenset()
        self.user: str | None = None
        self.chain_head: tuple[int, str] | None = None  # sent to shift leads and admins
        self._radio_seen: datetime | None = None  # the latest radio log line handed on
        self.batch_sent_at: float | None = None  # the hub's clock when the batch left it
        self._ids = itertools.count(1)
        self._pending: dict[int, concurrent.futures.Future] = {}
        self._batch: list[Event] = []
        self._ws: ClientConnection | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="hub-client", daemon=True)
        self.connected = threading.Event()

    # -- life cycle ---------------------------------------------------------------------------
    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        if self._ws is not None:
            asyncio.run_coroutine_threadsafe(self._ws.close(), self.loop)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_until_complete(self._follow())

    # -- commands -----------------------------------------------------------------------------
    def submit(self, verb: str, *args: Any, based_on: int | None = None,
               ) -> concurrent.futures.Future:
        """Send a command; the future holds the hub's result or raises CommandRefused."""
        future: concurrent.futures.Future = concurrent.futures.Future()
        request = {"type": "command", "id": next(self._ids), "verb": verb, "args": list(args)}
        if based_on is not None:
            request["based_on"] = based_on

        def send() -> None:
            if self._ws is None:
                future.set_exception(CommandRefused("not connected to the hub", "link"))
                return
            self._pending[request["id"]] = future
            self.loop.create_task(self._send(request))

        self.loop.call_soon_threadsafe(send)
        return future

    async def _send(self, message: dict) -> None:
        try:
            await self._ws.send(json.dumps(message, ensure_ascii=False))
        except (ConnectionClosed, AttributeError):
            self._fail_pending("the line to the hub went down")

    def _fail_pending(self, reason: str) -> None:
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(CommandRefused(reason, "link"))

    # -- the line -----------------------------------------------------------------------------
    def _link(self, status: str, detail: str) -> None:
        if self.links.get(HUB_LINK) != (status, detail):
            self.links[HUB_LINK] = (status, detail)
            self.listener.link_changed(HUB_LINK, status, detail)

    @property
    def url(self) -> str:
        return self.urls[self._at]

    async def _follow(self) -> None:
        """Connect, log in, subscribe or resume, read; on any break try the next address at
        once, and back off only when every address has failed in turn."""
        backoff = BACKOFF_START_S
        while not self._stopping:
            try:
                async with connect(self.url, ssl=self.tls, max_size=None, compression=None,
                                   open_timeout=10) as ws:
                    self._ws = ws
                    await self._login(ws)
                    self._link("connected", self.url)
                    backoff = BACKOFF_START_S
                    await ws.send(json.dumps({"type": "subscribe", "after": self.last_seq}))
                    await self._read(ws)
            except LoginFailed as exc:
                self._link("disconnected", f"login refused: {exc}")
                log.error("hub refused the login: %s", exc)
                return
            except (OSError, ConnectionClosed, InvalidHandshake, TimeoutError, _Resync) as exc:
                if not self._stopping:
                    self._link("disconnected", f"{type(exc).__name__}: {exc}"[:200])
                    log.warning("hub link lost (%s); retrying in %.1f s", exc, backoff)
            finally:
                self._ws = None
                self.connected.clear()
                self._fail_pending("the line to the hub went down; look again and retry")
            if not self._stopping:
                self._at = (self._at + 1) % len(self.urls)
                if self._at == 0:
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, BACKOFF_MAX_S)

    async def _login(self, ws: ClientConnection) -> None:
        c = self.credentials
        hello = {"type": "login", "workstation": self.workstation}
        hello |= {"token": c.token} if c.token else {"user": c.user, "password": c.password}
        await ws.send(json.dumps(hello, ensure_ascii=False))
        reply = json.loads(await asyncio.wait_for(ws.recv(), SILENCE_S))
        if reply.get("type") != "session":
            raise LoginFailed(reply.get("reason", "no session"))
        self.credentials = Credentials(token=reply["token"])
        self.user, self.verbs = reply["user"], frozenset(reply.get("verbs", ()))
        self.listener.session_opened(reply["user"], reply["role"], list(self.verbs))

    async def _read(self, ws: ClientConnection) -> None:
        while True:
            raw = await asyncio.wait_for(ws.recv(), SILENCE_S)
            self._on_message(json.loads(raw))

    def _flush(self) -> None:
        """Hand on the events that arrived together (a burst of fixes is one batch)."""
        batch, self._batch = self._batch, []
        if batch:
            self.listener.events_appended(batch)

    def _on_message(self, message: dict) -> None:
        kind = message.get("type")
        if kind == "events":
            if not self._batch:
                self.batch_sent_at = message.get("sent")
            for numbered in message["events"]:
                self._on_message({"type": "event", **numbered})
            return
        if kind == "event":
            seq = message["seq"]
            if self.last_seq is not None and seq <= self.last_seq:
                return
            if self.last_seq is not None and seq != self.last_seq + 1:
                raise _Resync(f"event {seq} after {self.last_seq}: a gap")
            self.last_seq = seq
            if message["event"] is None:  # not this session's to see (an insurer's clerk)
                return
            if not self._batch:  # runs once the messages already received are read
                self.loop.call_soon(self._flush)
            self._batch.append(event_from_wire(message["event"]))
            return
        self._flush()  # whatever comes next was sent after these events
        if kind == "snapshot":
            self.last_seq = message["seq"]
            for link, (status, detail) in message.get("links", {}).items():
                self.links[link] = (status, detail)
                self.listener.link_changed(link, status, detail)
            self.listener.snapshot_received(state_from_wire(message["state"], self.roster()))
            self.connected.set()
        elif kind == "resume":
            self.connected.set()
        elif kind == "heartbeat":
            if "chain" in message:
                self.chain_head = tuple(message["chain"])
            if self.last_seq is not None and message["seq"] > self.last_seq:
                raise _Resync(f"the hub sent up to {message['seq']}, {self.last_seq} arrived")
        elif kind == "radio":
            entry = radio_from_wire(message["entry"])
            if message.get("replay") and self._radio_seen and entry.time <= self._radio_seen:
                return  # a snapshot's recent lines that this console already shows
            self._radio_seen = max(entry.time, self._radio_seen or entry.time)
            self.listener.radio_logged(entry)
        elif kind == "link":
            self.links[message["link"]] = (message["status"], message["detail"])
            self.listener.link_changed(message["link"], message["status"], message["detail"])
        elif kind == "result":
            self._resolve(message)
        elif kind == "error":
            log.warning("hub: %s", message.get("reason"))

    def _resolve(self, message: dict) -> None:
        future = self._pending.pop(message.get("id"), None)
        if future is None or future.done():
            return
        if message.get("ok"):
            future.set_result(message.get("result"))
        else:
            future.set_exception(CommandRefused(
                message.get("reason", "refused"), message.get("code", "refused"),
                message.get("refusal"), message.get("values")))
