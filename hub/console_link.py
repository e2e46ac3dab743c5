"""The console link, ws://HOST:PORT/console: workstations follow the hub and send it commands.

A console logs in (or resumes its session), subscribes, and gets a snapshot carrying its
sequence number followed by every event with the next numbers (event ids, gap-free); or, when
it resumes from a number the hub can still serve from the log, only the events after it. The
session is registered for live events *before* the snapshot or the backlog is taken, and each
console drops what it has already seen, so no event can fall between the copy and the stream.
Commands carry a request id and get one result or one error with the reason; roles are
enforced here, not only hidden in the window. Each console has a bounded send queue: one that
cannot keep up is cut off (and resumes from its last number), never waited for.
Runs on the engine's loop. The protocol, with examples: docs/console-protocol.md.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from dispatch import events as ev
from dispatch.commands import Actor, Conflict
from dispatch.events import Event
from dispatch.lifecycle import IncidentStatus
from dispatch.refusals import Refusal
from dispatch.state import CenterState, Incident
from hub.radio_log import RadioLogEntry
from hub.users import ROLE_VERBS, LoginRefused, Role, SessionExpired, User, UserStore
from hub.wire import event_to_wire, radio_to_wire, state_to_wire

log = logging.getLogger(__name__)

CONSOLE_PATH = "/console"
PROTOCOL_VERSION = 1
HEARTBEAT_S = 5.0
SEND_QUEUE = 10_000  # messages waiting for one console; one further behind is cut off
SEND_TIMEOUT_S = 10.0  # a console that takes nothing for this long is hung up on
RESUME_LIMIT = 20_000  # events a console may catch up from the log; further back: a snapshot
HELLO_TIMEOUT_S = 15.0
MAX_MESSAGE_BYTES = 64 * 1024
MAX_EVENTS_PER_MESSAGE = 1_000  # events already waiting go out together, up to this many
RECENT_RADIO = 500  # radio log lines a console gets with its snapshot (its log's first page)
# What a console may send: a dispatcher's keys and a console's heartbeats stay far below it;
# a script or a stuck key that floods the hub is hung up on (it may resume later), so the
# writer's time goes to the other workstations.
MESSAGE_RATE = 20.0  # messages per second, sustained
MESSAGE_BURST = 100  # messages at once


class Refused(Exception):
    """A message the hub will not act on; `code` tells the console what kind of refusal."""

    def __init__(self, reason: str, code: str = "refused") -> None:
        super().__init__(reason)
        self.code = code


@dataclass(eq=False)  # each connection is its own session, compared by identity
class ConsoleSession:
    user: User
    workstation: str
    token: str
    queue: asyncio.Queue = field(default_factory=lambda: asyncio.Queue(SEND_QUEUE))
    last_sent: int = 0  # the highest event id sent: later copies of it are dropped
    subscribed: bool = False
    holding: list | None = None  # live events held while the backlog is read from the log
    allowance: float = MESSAGE_BURST  # a token bucket over what the console sends
    checked: float = field(default_factory=time.monotonic)

    def admit(self) -> bool:
        """One more message from the console, within MESSAGE_RATE and MESSAGE_BURST?"""
        now = time.monotonic()
        self.allowance = min(MESSAGE_BURST, self.allowance + (now - self.checked) * MESSAGE_RATE)
        self.checked = now
        if self.allowance < 1:
            return False
        self.allowance -= 1
        return True

    @property
    def actor(self) -> Actor:
        return Actor(self.user.name, self.workstation)

    def sees(self, event: Event, state: CenterState) -> bool:
        """An insurer's clerk sees only the cases of its insurer (the slip's
        `structured.insurers`), the units, and nothing of the radio; everyone else sees all."""
        if self.user.role != Role.INSURER_CLERK:
            return True
        if event.type == ev.ALERT_RECEIVED:
            return self.user.insurer in (event.payload.get("structured") or {}).get(
                "insurers", [])
        cases = [event.payload[k] for k in ("case", "into", "of") if k in event.payload]
        return all(_insured_by(state.incidents.get(c), self.user.insurer) for c in cases)

    def filtered(self, document: dict) -> dict:
        """A state snapshot cut down to what this session may see."""
        if self.user.role != Role.INSURER_CLERK:
            return document
        return {**document, "incidents": [
            i for i in document["incidents"]
            if self.user.insurer in (i.get("structured") or {}).get("insurers", [])]}


USER_ACTIONS = {"list": "list", "add": "add", "passwd": "set_password", "role": "set_role",
                "disable": "disable", "enable": "enable"}


def _user_doc(user: User) -> dict:
    return {"name": user.name, "role": str(user.role), "insurer": user.insurer,
            "active": user.active}


def _insured_by(incident: Incident | None, insurer: str | None) -> bool:
    return incident is not None and insurer in incident.structured.get("insurers", [])


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _text(value: Any) -> str:
    """A command's text argument: it goes into the log, onto the air and onto every console,
    so it must be a string UTF-8 can carry, without control characters (a lone surrogate
    failed the database's encoding deep in the write instead of being refused here)."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"a lone surrogate at character {exc.start}") from exc
    if control := _CONTROL.search(value):
        raise ValueError(f"control character U+{ord(control[0]):04X} at character "
                         f"{control.start()}")
    return value


# The hub's verbs: engine method name and how each JSON argument becomes a Python one.
VERBS: dict[str, tuple[str, tuple[Callable[[Any], Any], ...]]] = {
    "triage": ("triage", (_text,)),
    "override_triage": ("override_triage", (_text, _text)),
    "answer_question": ("answer_question", (_text, _text)),
    "refer": ("refer", (_text, IncidentStatus)),
    "close": ("close", (_text, _text)),
    "reopen": ("reopen", (_text, _text)),
    "recall": ("recall", (_text, _text)),
    "merge": ("merge", (_text, _text)),
    "keep_apart": ("keep_apart", (_text, _text)),
    "dispatch": ("dispatch", (_text, _text)),
    "set_unit_status": ("set_unit_status", (_text, _text)),
    "page": ("page", (_text, _text)),
    "group_page": ("group_page", (_text, _text)),
    "poll": ("poll", (_text,)),
    "map_radio": ("map_radio", (_text, _text)),
    "acknowledge_emergency": ("acknowledge_emergency", (_text,)),
    "push_to_talk": ("push_to_talk", (bool,)),
}
# verbs whose first argument is a case: the console may name the version it acted on
CASE_VERBS = frozenset({"triage", "override_triage", "answer_question", "refer", "close",
                        "reopen", "recall", "merge", "keep_apart", "dispatch"})


def _plain(value: Any) -> Any:
    """A command's result as JSON (events become their wire form)."""
    if isinstance(value, Event):
        return event_to_wire(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class ConsoleLink:
    """Every console session of one hub; also the engine's listener for what they follow."""

    def __init__(self, engine, users: UserStore | None) -> None:
        self.engine = engine
        self.users = users
        self.sessions: set[ConsoleSession] = set()
        self._local: dict[str, User] = {}
        self.recent_radio: deque[dict] = deque(maxlen=RECENT_RADIO)

    def seed_radio(self, entries: list[RadioLogEntry]) -> None:
        """The radio log's last lines, read from the event log when the hub starts, so an
        operator's log is not empty after a restart."""
        self.recent_radio.extend(radio_to_wire(e) for e in entries[-RECENT_RADIO:])

    # -- the engine's listener (called on the engine loop) ------------------------------------
    def events_appended(self, events: list[Event]) -> None:
        """Each event is written as JSON once, whatever the number of consoles (and not at
        all when none follows this hub)."""
        following = [session for session in self.sessions if session.subscribed]
        if not following:
            return
        items = [("event", e, json.dumps(event_to_wire(e), ensure_ascii=False)) for e in events]
        for session in following:
            self._queue(session, items)

    def radio_logged(self, entry: RadioLogEntry) -> None:
        doc = radio_to_wire(entry)
        self.recent_radio.append(doc)
        self._broadcast({"type": "radio", "entry": doc}, radio=True)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self._broadcast({"type": "link", "link": link, "status": status, "detail": detail})

    def _broadcast(self, message: dict, radio: bool = False) -> None:
        for session in list(self.sessions):
            if session.subscribed and not (radio and session.user.role == Role.INSURER_CLERK):
                self._queue(session, [message])

    def _queue(self, session: ConsoleSession, items: list) -> None:
        if session.holding is not None:
            session.holding.extend(items)
            return
        try:
            for item in items:
                session.queue.put_nowait(item)
        except asyncio.QueueFull:
            log.warning("console %s@%s cannot keep up: cut off", session.user.name,
                        session.workstation)
            self.sessions.discard(session)
            while not session.queue.empty():  # what it has not taken it will resume from
                session.queue.get_nowait()
            session.queue.put_nowait(("cut", None, None))

    # -- sessions ----------------------------------------------------------------------------
    def local_session(self, name: str, workstation: str, role: Role = Role.SHIFT_LEAD) -> str:
        """A token for the console that runs this hub in its own process (one workstation):
        the operator is the PC's user, trusted as the process itself is; it never leaves
        this process and dies with it."""
        token = secrets.token_urlsafe(32)
        self._local[token] = User(name, role, None, True)
        return token

    def _login(self, message: dict) -> ConsoleSession:
        workstation = str(message.get("workstation") or "?")[:80]
        token = message.get("token")
        if isinstance(token, str) and token in self._local:
            return ConsoleSession(self._local[token], workstation, token)
        if self.users is None:
            raise Refused("this hub has no user store", "login")
        try:
            if isinstance(token, str):
                session = self.users.resume(token, workstation)
            else:
                session = self.users.login(str(message.get("user", "")),
                                           str(message.get("password", "")), workstation)
        except (LoginRefused, SessionExpired) as exc:
            raise Refused(str(exc), "login") from exc
        return ConsoleSession(session.user, workstation, session.token)

    # -- one connection ----------------------------------------------------------------------
    async def handle(self, connection: ServerConnection) -> None:
        peer = connection.remote_address
        try:
            session = await self._hello(connection)
        except (Refused, TimeoutError, ValueError, ConnectionClosed) as exc:
            log.warning("console from %s refused: %s", peer, exc)
            await _send_quietly(connection, {"type": "error", "code": getattr(
                exc, "code", "login"), "reason": str(exc) or "no login in time"})
            return
        log.info("console %s@%s (%s) connected from %s", session.user.name,
                 session.workstation, session.user.role, peer)
        self.sessions.add(session)
        sender = asyncio.create_task(self._sender(connection, session))
        try:
            async for raw in connection:
                if not session.admit():
                    log.warning("console %s@%s floods the hub (over %d messages at once, %g/s):"
                                " hung up on", session.user.name, session.workstation,
                                MESSAGE_BURST, MESSAGE_RATE)
                    # what it sent is left unread, so its answer to the close is never read
                    # either: don't wait the usual 10 s for it
                    connection.close_timeout = 1.0
                    await connection.close(1008, "too many messages")
                    break
                await self._on_message(connection, session, raw)
        except ConnectionClosed:
            pass
        finally:
            self.sessions.discard(session)
            sender.cancel()
            log.info("console %s@%s disconnected", session.user.name, session.workstation)

    async def _hello(self, connection: ServerConnection) -> ConsoleSession:
        raw = await asyncio.wait_for(connection.recv(), HELLO_TIMEOUT_S)
        message = _decode(raw)
        if message.get("type") != "login":
            raise Refused("log in first: {\"type\": \"login\", ...}", "login")
        session = await asyncio.to_thread(self._login, message)  # argon2 is slow on purpose
        user = session.user
        await connection.send(json.dumps({
            "type": "session", "protocol": PROTOCOL_VERSION, "token": session.token,
            "user": user.name, "role": str(user.role), "insurer": user.insurer,
            "verbs": sorted(ROLE_VERBS.get(user.role, ())),
            "scenario": self.engine.scenario.name}, ensure_ascii=False))
        return session

    async def _on_message(self, connection: ServerConnection, session: ConsoleSession,
                          raw: str | bytes) -> None:
        request_id = None
        try:
            message = _decode(raw)
            request_id = message.get("id")
            kind = message.get("type")
            if kind == "subscribe":
                await self._subscribe(session, message.get("after"))
            elif kind == "command":
                reply = await self.command_reply(session, message)
                session.queue.put_nowait({"type": "result", "id": request_id, **reply})
            elif kind == "heartbeat":
                session.queue.put_nowait(self._heartbeat(session))
            else:
                raise Refused(f"unknown message type {kind!r}", "protocol")
        except Refused as exc:
            self._reply_error(session, request_id, exc.code, str(exc))
        except Conflict as exc:  # someone else acted first: the console should look again
            self._reply_error(session, request_id, "conflict", str(exc))
        except (KeyError, ValueError, TypeError) as exc:  # the core refused: say why
            self._reply_error(session, request_id, "refused", str(exc).strip("'\""))
        except asyncio.QueueFull:
            self._queue(session, [("cut", None, None)])
        except Exception as exc:  # a bug here must not end the console's connection
            log.exception("console %s: %r failed", session.user.name, raw[:200])
            self._reply_error(session, request_id, "internal", f"internal error: {exc}")

    async def command_reply(self, session: ConsoleSession, message: dict) -> dict:
        """A command's one answer: the result, or the code and reason it was refused (the
        same for a console here and for one at an edge hub, hub/fanout.py)."""
        try:
            return {"ok": True, "result": _plain(await self._command(session, message))}
        except Refused as exc:
            return {"ok": False, "code": exc.code, "reason": str(exc)}
        except Refusal as exc:  # the core refused: its code and values, for the console's words
            code = "conflict" if isinstance(exc, Conflict) else "refused"  # conflict: look again
            return {"ok": False, "code": code, "reason": str(exc).strip("'\""),
                    "refusal": exc.code, "values": exc.values}
        except (KeyError, ValueError, TypeError) as exc:  # refused elsewhere: say why
            return {"ok": False, "code": "refused", "reason": str(exc).strip("'\"")}
        except Exception as exc:  # a bug here must not end the console's connection
            log.exception("console %s: command %r failed", session.user.name, message)
            return {"ok": False, "code": "internal", "reason": f"internal error: {exc}"}

    def _reply_error(self, session: ConsoleSession, request_id: Any, code: str,
                     reason: str) -> None:
        self._queue(session, [{"type": "result" if request_id is not None else "error",
                               "id": request_id, "ok": False, "code": code,
                               "reason": reason}])

    async def _subscribe(self, session: ConsoleSession, after: Any) -> None:
        """Registered first, then the copy: whatever is appended meanwhile is queued behind
        the copy and the console skips what the copy already holds."""
        session.subscribed = True
        state = self.engine.store.state
        if isinstance(after, int) and 0 <= state.last_event_id - after <= RESUME_LIMIT:
            session.holding = []
            try:
                backlog = await asyncio.to_thread(self.engine.store.events, after)
            finally:
                held, session.holding = session.holding, None
            session.last_sent = after
            self._queue(session, [{"type": "resume", "after": after},
                                  *(("event", e, None) for e in backlog), *held])
            return
        session.queue.put_nowait({"type": "snapshot", "seq": state.last_event_id,
                                  "state": session.filtered(state_to_wire(state)),
                                  "links": {k: list(v) for k, v in self.engine.links.items()}})
        session.last_sent = state.last_event_id
        if session.user.role != Role.INSURER_CLERK:  # the console keeps the lines it has
            self._queue(session, [{"type": "radio", "entry": doc, "replay": True}
                                  for doc in self.recent_radio])

    async def _command(self, session: ConsoleSession, message: dict) -> Any:
        verb, args = message.get("verb"), message.get("args", [])
        if (verb not in VERBS and verb != "users") or not isinstance(args, list):
            raise Refused(f"unknown command {verb!r}", "protocol")
        if verb not in ROLE_VERBS.get(session.user.role, frozenset()):
            raise Refused(f"role {session.user.role} may not {verb}", "forbidden")
        if verb == "users":
            return await self._manage_users(session, args)
        method, kinds = VERBS[verb]
        if len(args) != len(kinds):
            raise Refused(f"{verb} takes {len(kinds)} argument(s)", "protocol")
        try:
            values = [kind(value) for kind, value in zip(kinds, args, strict=True)]
        except ValueError as exc:
            raise Refused(f"{verb}: argument refused: {exc}", "protocol") from exc
        based_on = message.get("based_on")
        extra = {"based_on": based_on} if verb in CASE_VERBS and isinstance(based_on, int) else {}
        call: Callable[..., Any] = getattr(self.engine, method)
        result = call(*values, session.actor, **extra)
        return await result if isinstance(result, Awaitable) else result

    def _heartbeat(self, session: ConsoleSession) -> dict:
        """The last number sent to this console; for a shift lead or an administrator also
        the head of the log's hash chain, to note and compare (`jingbao audit verify`)."""
        beat: dict[str, Any] = {"type": "heartbeat", "seq": session.last_sent}
        if session.user.role in (Role.SHIFT_LEAD, Role.ADMIN):
            beat["chain"] = list(self.engine.store.chain_head)
        return beat

    async def _manage_users(self, session: ConsoleSession, args: list) -> Any:
        """An administrator's `users` command: list, add, passwd, role, disable, enable. Each
        change is an event in the log (who changed whom, never a password)."""
        if self.users is None:
            raise Refused("this hub has no user store", "refused")
        if not args or args[0] not in USER_ACTIONS:
            raise Refused(f"users: one of {', '.join(USER_ACTIONS)}", "protocol")
        action, params = args[0], [str(a) if a is not None else None for a in args[1:]]
        method = getattr(self.users, USER_ACTIONS[action])
        try:
            result = await asyncio.to_thread(method, *params)  # argon2 is slow on purpose
        except TypeError as exc:
            raise Refused(f"users {action}: wrong arguments", "protocol") from exc
        if action == "list":
            return [_user_doc(u) for u in result]
        changed = {"action": action, "user": result.name, "role": str(result.role),
                   "insurer": result.insurer, "active": result.active}
        await self.engine.record_user_change(changed, session.actor)
        return _user_doc(result)

    async def _sender(self, connection: ServerConnection, session: ConsoleSession) -> None:
        """The only writer to this console: events in id order, each once, the ones already
        waiting sent together as one message, and a heartbeat at least every HEARTBEAT_S
        however busy the line is."""
        loop = asyncio.get_running_loop()
        next_beat = loop.time() + HEARTBEAT_S
        while True:
            try:
                item = await asyncio.wait_for(session.queue.get(),
                                              max(0.0, next_beat - loop.time()))
            except TimeoutError:
                item = None
            if item is None or loop.time() >= next_beat:
                next_beat = loop.time() + HEARTBEAT_S
                if not await _send(connection, self._heartbeat(session)):
                    return
            while item is not None:  # an event gathers those queued behind it
                item = await self._send_item(connection, session, item)
                if item is False:
                    return

    async def _send_item(self, connection: ServerConnection, session: ConsoleSession,
                         item: Any) -> Any:
        """Send one queued item (events: with the events waiting right behind it, as one
        message). Returns the next item taken from the queue but not yet sent, None when
        there is none, False when the line is closed."""
        if not isinstance(item, tuple):
            return None if await _send(connection, item) else False
        if item[0] == "cut":
            await connection.close(1013, "too far behind: resubscribe")
            return False
        events, following = [item], None
        while len(events) < MAX_EVENTS_PER_MESSAGE and not session.queue.empty():
            following = session.queue.get_nowait()
            if not (isinstance(following, tuple) and following[0] == "event"):
                break
            events.append(following)
            following = None
        texts = self._event_texts(session, events)
        # `sent`: the hub's clock as the batch leaves, so a console can tell the line's delay
        # from the time the events waited to be written
        if texts and not await _send_text(connection, f'{{"type":"events","sent":{time.time():.3f},'
                                          f'"events":[{",".join(texts)}]}}'):
            return False
        return following

    def _event_texts(self, session: ConsoleSession, items: list[tuple]) -> list[str]:
        """The events as this session gets them: numbered, each once; an event the session
        may not see keeps its number with no content, so the sequence has no gap."""
        texts = []
        state = self.engine.store.state
        for _kind, event, text in items:
            if event.id <= session.last_sent:
                continue
            session.last_sent = event.id
            if not session.sees(event, state):
                texts.append(f'{{"seq":{event.id},"event":null}}')
            else:
                body = text or json.dumps(event_to_wire(event), ensure_ascii=False)
                texts.append(f'{{"seq":{event.id},"event":{body}}}')
        return texts


async def _send_text(connection: ServerConnection, text: str) -> bool:
    """Send, or hang up on a console that has not read for SEND_TIMEOUT_S: aborting, since a
    close would queue behind what it does not read. It resumes from its last number."""
    try:
        await asyncio.wait_for(connection.send(text), SEND_TIMEOUT_S)
    except ConnectionClosed:
        return False
    except TimeoutError:
        log.warning("console at %s has not read for %.0f s: hung up", connection.remote_address,
                    SEND_TIMEOUT_S)
        connection.transport.abort()
        return False
    return True


async def _send(connection: ServerConnection, message: dict) -> bool:
    return await _send_text(connection, json.dumps(message, ensure_ascii=False))


def _decode(raw: str | bytes) -> dict:
    if len(raw) > MAX_MESSAGE_BYTES:
        raise Refused(f"message over {MAX_MESSAGE_BYTES} bytes", "protocol")
    try:
        message = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise Refused(f"malformed JSON: {exc}", "protocol") from exc
    if not isinstance(message, dict):
        raise Refused("a message must be a JSON object", "protocol")
    return message


async def _send_quietly(connection: ServerConnection, message: dict) -> None:
    try:
        await connection.send(json.dumps(message, ensure_ascii=False))
        await connection.close(1008, "refused")
    except ConnectionClosed:
        pass
