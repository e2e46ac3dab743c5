"""The running center without the UI: one asyncio loop in a worker thread owns all I/O.

The 110 feed, the radio bridges' decoded reports and the dispatcher's commands all arrive on
this loop. The database is written by one writer thread, never by the loop: a slow disk or a
PostgreSQL server that hangs must not stop the feed, the radio, the clocks or the pager. Two
kinds of writes go there, one at a time under one lock:
- decisions (a slip accepted, a dispatcher's command, a clock alarm): decided on the current
  state under the lock, written within a deadline, and answered with the result or the error;
- facts (a fix, a page on air, an ack): queued in order and written in batches, retried while
  the database is away (positions are thinned first if the backlog grows), never dropped.
The store replaces its state only after a commit, so the state the loop reads is always what
the log holds. Whatever is appended is handed to the listener (called on this loop's thread;
the Qt adapter hops to the UI thread). Commands from the UI come in through `submit`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
import math
import ssl
import threading
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError

from db.store import EventStore, StorageUnavailable
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import ProgramRules, TravelModel
from dispatch.eligibility import Eligibility, assess_incident
from dispatch.events import Event, utc_now
from dispatch.lifecycle import IncidentStatus
from dispatch.recommend import EtaFunction, etas_with_fallback
from dispatch.retirement import SWEEP_EVERY_S
from dispatch.state import CenterState, UnitStatus
from dispatch.trusted_time import FixTiming, judge_fix
from hub.console_link import CONSOLE_PATH, ConsoleLink
from hub.feed import FEED_PATH, Accepted, feed_handler
from hub.feed_tokens import FeedTokens, feed_gate
from hub.paging_service import PagingService
from hub.radio_link import RADIO_PATH, RadioLink, RemotePort
from hub.radio_log import RADIO_EVENTS, RadioLogEntry, lines_from_log
from hub.server import bound_port, start_hub_server
from hub.users import UserStore
from hub.voice_channel import LocalVoice, VoiceChannel
from map.zones import ServiceZones
from radio.bridge import SerialBridge
from radio.pager import PagerPolicy
from radio.ports import PortConfig
from radio.reports import Decoded, NoFix, PageAck, PositionReport, Rejected
from radio.voice import VoicePager
from resources.scenario import Scenario

log = logging.getLogger(__name__)

CLOCK_CHECK_S = 1.0
WRITE_DEADLINE_S = 5.0  # a write not done by then is answered "resend later"
FACT_BATCH = 2_000
FACT_BACKLOG = 200_000  # facts waiting for the database; beyond it, the oldest fixes go
UNKNOWN_RADIO_REPEAT_S = 60.0  # an unknown radio id is said in the radio log once a minute
RETRY_START_S, RETRY_MAX_S = 0.2, 5.0
STORAGE_FAULTS = (DBAPIError, TimeoutError, OSError)


class EngineListener(Protocol):
    """Receives what the engine did. Called on the engine's thread, never the UI thread."""

    def events_appended(self, events: list[Event]) -> None: ...
    def radio_logged(self, entry: RadioLogEntry) -> None: ...
    def link_changed(self, link: str, status: str, detail: str) -> None: ...


class Listeners:
    """Several listeners as one: the process's own (a log, a test's recorder) and the console
    link's consoles. One that raises is logged and the others still hear."""

    def __init__(self, *listeners: EngineListener) -> None:
        self.listeners = listeners

    def _each(self, method: str, *args: Any) -> None:
        for listener in self.listeners:
            try:
                getattr(listener, method)(*args)
            except Exception:  # a view's failure must not cost the log or the other views
                log.exception("listener %r failed on %s", listener, method)

    def events_appended(self, events: list[Event]) -> None:
        self._each("events_appended", events)

    def radio_logged(self, entry: RadioLogEntry) -> None:
        self._each("radio_logged", entry)

    def link_changed(self, link: str, status: str, detail: str) -> None:
        self._each("link_changed", link, status, detail)


class Engine:
    def __init__(self, store: EventStore, scenario: Scenario, listener: EngineListener, *,
                 workstation: str, rules: ProgramRules | None = None,
                 travel: TravelModel | None = None, road_etas: EtaFunction | None = None,
                 pager_policy: PagerPolicy = PagerPolicy(),  # noqa: B008 - frozen
                 voice: VoicePager | None = None, users: UserStore | None = None,
                 tls: ssl.SSLContext | None = None,
                 feed_tokens: FeedTokens | None = None) -> None:
        self.store, self.scenario = store, scenario
        self.console_link = ConsoleLink(self, users)
        self.console_link.seed_radio(lines_from_log(store.events(types=RADIO_EVENTS)))
        self.radio_link = RadioLink(self)
        self.listener = Listeners(listener, self.console_link)
        self.tls = tls
        self.feed_tokens = feed_tokens  # None: the feed is open (tests, a closed network)
        self._host = "127.0.0.1"
        self.workstation = workstation
        self.rules = rules or scenario.rules()
        self.clock_policy = scenario.clock_policy()
        self.fix_margin_m = scenario.fix_region_margin_m()
        self.ended_kept = scenario.ended_kept()
        self._next_sweep = 0.0  # loop time of the next look for ended cases to retire
        self.travel = travel or TravelModel()
        self.zones = ServiceZones(scenario.zones)
        self.road_etas = road_etas
        self.loop = asyncio.new_event_loop()
        self.bridges: dict[str, SerialBridge] = {}
        self.unknown_radios: dict[tuple[int, str], int] = {}
        self._unknown_said: dict[tuple[int, str], float] = {}  # when the log last said so
        self.feed_port: int | None = None
        self.links: dict[str, tuple[str, str]] = {}
        self._thread = threading.Thread(target=self.loop.run_forever, name="engine", daemon=True)
        self._writer = concurrent.futures.ThreadPoolExecutor(1, "db-writer")
        self._write_lock = asyncio.Lock()
        self._facts: deque[Event] = deque()
        self._facts_task: asyncio.Task | None = None
        self._in_flight = 0  # facts at the front of the queue being written now
        self._facts_recorded = self._facts_settled = 0  # since start: handed in, written/dropped
        self._settle_waiters: list[tuple[int, asyncio.Future]] = []
        self._clock_task: asyncio.Task | None = None
        self._fix_timing: dict[str, FixTiming] = {}
        self.paging = PagingService(
            lambda: self.store.state, self.bridges, self._record, self._log_radio,
            store.events(types=[ev.PAGE_SENT, ev.PAGE_ACKED, ev.PAGE_FAILED,
                                ev.PAGE_WITHDRAWN]), pager_policy)
        # (port, report, idempotency key: set for a bridge's fixes, which may come twice)
        self._pending_positions: list[tuple[str, PositionReport, str | None]] = []
        self.voice = voice
        self.local_voice = LocalVoice(voice) if voice is not None else None
        self.remote_voices: dict[str, VoiceChannel] = {}  # bridge → its channel
        self._speaking: set[asyncio.Task] = set()  # pages on the air (held: tasks are weak)
        self._feed_server = None

    # -- life cycle -------------------------------------------------------------------------
    def start(self, *, feed_host: str = "127.0.0.1", feed_port: int | None = 0,
              radio_ports: list[PortConfig] = ()) -> None:
        self._thread.start()
        self.loop.call_soon_threadsafe(self._watch_clocks)
        if feed_port is not None:
            self.submit(self._start_feed, feed_host, feed_port).result(timeout=10)
        for config in radio_ports:
            self.add_radio(config)

    def stop(self) -> None:
        for bridge in self.bridges.values():
            bridge.stop()
        if self.local_voice is not None:
            self.local_voice.stop()
        if self._feed_server is not None:
            server = self._feed_server
            server.close()
            asyncio.run_coroutine_threadsafe(server.wait_closed(), self.loop).result(timeout=5)
        try:
            self.submit(self._finish_facts).result(timeout=WRITE_DEADLINE_S * 2)
        except Exception:  # the database is away: say what is lost, then stop anyway
            log.exception("stopping with %d fact(s) not written", len(self._facts))
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
        self._writer.shutdown(wait=True)
        self.store.close()

    def submit(self, fn: Callable[..., Any], *args: Any) -> concurrent.futures.Future:
        """Run fn(*args) on the engine loop (coroutine functions are awaited)."""
        if asyncio.iscoroutinefunction(fn):
            return asyncio.run_coroutine_threadsafe(fn(*args), self.loop)
        future: concurrent.futures.Future = concurrent.futures.Future()

        def run() -> None:
            try:
                future.set_result(fn(*args))
            except Exception as exc:  # handed to the caller through the future
                future.set_exception(exc)

        self.loop.call_soon_threadsafe(run)
        return future

    def add_listener(self, listener: EngineListener) -> None:
        """One more listener from now on (the NATS fan-out to edge hubs); on the loop."""
        self.listener = Listeners(*self.listener.listeners, listener)

    def snapshot(self) -> list[Event]:
        """The whole log so far (for reports and tests), read on the caller's thread."""
        return self.store.events()

    @property
    def url(self) -> str:
        """Where consoles and 110 reach this hub (ws:// or wss://, without the path)."""
        return f"{'wss' if self.tls else 'ws'}://{self._host}:{self.feed_port}"

    async def _start_feed(self, host: str, port: int) -> None:
        self._host = host
        self._feed_server = await start_hub_server(
            {FEED_PATH: feed_handler(self.accept_alert), CONSOLE_PATH: self.console_link.handle,
             RADIO_PATH: self.radio_link.handle},
            host, port, tls=self.tls,
            gates={path: feed_gate(self.feed_tokens) for path in (FEED_PATH, RADIO_PATH)}
            if self.feed_tokens else None)
        self.feed_port = bound_port(self._feed_server)
        self._link("110", "connected", f"{self.url}{FEED_PATH}")
        log.info("110 feed on %s%s, consoles on %s%s", self.url, FEED_PATH, self.url,
                 CONSOLE_PATH)

    def add_radio(self, config: PortConfig) -> None:
        def on_decoded(port: str, batch: list[Decoded]) -> None:
            self.loop.call_soon_threadsafe(self._on_batch, port, batch)

        def on_status(port: str, status: str, detail: str) -> None:
            log.log(logging.INFO if status == "connected" else logging.WARNING,
                    "radio %s %s: %s", port, status, detail)
            self.loop.call_soon_threadsafe(self._link, f"radio:{port}", status, detail)

        bridge = SerialBridge(config, on_decoded=on_decoded, on_status=on_status)
        self.bridges[config.name] = bridge
        bridge.start()

    def _link(self, link: str, status: str, detail: str) -> None:
        """Remember each link's last status, so a window opened later can show it."""
        if self.links.get(link) == (status, detail):
            return
        self.links[link] = (status, detail)
        self.listener.link_changed(link, status, detail)

    def _watch_clocks(self) -> None:
        """Once a second: record 8-minute clock warnings and breaches, resend or escalate
        pages that were not acknowledged (skipped while the last check still waits for the
        database, so checks never pile up)."""
        if self._clock_task is None or self._clock_task.done():
            self._clock_task = self.loop.create_task(self._check_clocks())
        self.loop.call_later(CLOCK_CHECK_S, self._watch_clocks)

    async def _check_clocks(self) -> None:
        try:
            if self.loop.time() >= self._next_sweep:
                self._next_sweep = self.loop.time() + SWEEP_EVERY_S
                await self.retire_ended()
            self.paging.tick(self._actor("system:pager"))
            clock = self._actor("system:clock")
            await self._decide(lambda state: commands.clock_alarms(state, utc_now(), clock,
                                                                   self.clock_policy))
        except Exception:  # a storage fault must not stop the watch
            log.exception("clock and pager check failed")

    async def retire_ended(self) -> None:
        """Ended cases leave memory after the scenario's `ended_kept_hours`, on the writer
        thread so the state is never replaced under an append."""
        retired = await self.loop.run_in_executor(
            self._writer, self.store.retire, utc_now(), self.ended_kept)
        if retired:
            log.info("%d ended case(s) left memory (the log keeps them): %s", len(retired),
                     ", ".join(retired[:10]))

    # -- writing ----------------------------------------------------------------------------
    def _append_and_notify(self, events: list[Event]) -> list[Event]:
        """On the writer thread: append, then tell the listener on the loop, even when the
        caller stopped waiting (a late commit is still a commit)."""
        stored = self.store.append(events)
        if stored:
            self.loop.call_soon_threadsafe(self.listener.events_appended, stored)
        return stored

    async def _write(self, events: list[Event]) -> list[Event]:
        future = self.loop.run_in_executor(self._writer, self._append_and_notify, events)
        try:
            stored = await asyncio.wait_for(asyncio.shield(future), WRITE_DEADLINE_S)
        except TimeoutError as exc:
            self._link("db", "disconnected", f"no answer in {WRITE_DEADLINE_S:.0f} s")
            raise StorageUnavailable("the database did not answer in time") from exc
        except STORAGE_FAULTS as exc:
            self._link("db", "disconnected", str(exc).splitlines()[0][:200])
            raise StorageUnavailable(f"the database refused the write: {exc}") from exc
        self._link("db", "connected", self.store.engine.url.render_as_string())
        return stored

    async def _decide(self, decide: Callable[[CenterState], list[Event]], *,
                      case: str | None = None, based_on: int | None = None) -> list[Event]:
        """Decide on the current state and write, with nothing else written in between; a
        command based on an older version of `case` than the current one is refused."""
        async with self._write_lock:
            if case is not None:
                commands.check_version(self.store.state, case, based_on)
            events = decide(self.store.state)
            return await self._write(events) if events else []

    async def _decide_one(self, decide: Callable[[CenterState], Event], *,
                          case: str | None = None, based_on: int | None = None) -> Event:
        return (await self._decide(lambda state: [decide(state)], case=case,
                                   based_on=based_on))[0]

    def _record(self, events: list[Event]) -> int:
        """Facts observed (a fix, a page on air, an ack): written in order by `_drain_facts`.
        Returns a ticket: `await self._written(ticket)` waits until they are in the log."""
        self._facts.extend(events)
        self._facts_recorded += len(events)
        if len(self._facts) > FACT_BACKLOG:
            self._thin_positions()
        if self._facts_task is None or self._facts_task.done():
            self._facts_task = self.loop.create_task(self._drain_facts())
        return self._facts_recorded

    async def _written(self, ticket: int) -> None:
        """Until the facts recorded up to `ticket` are written (or thinned away)."""
        if self._facts_settled < ticket:
            future = self.loop.create_future()
            self._settle_waiters.append((ticket, future))
            await future

    def _settle(self, count: int) -> None:
        self._facts_settled += count
        waiting = []
        for ticket, future in self._settle_waiters:
            if ticket <= self._facts_settled:
                if not future.done():
                    future.set_result(None)
            else:
                waiting.append((ticket, future))
        self._settle_waiters = waiting

    def _thin_positions(self) -> None:
        """The database has been away long: drop the oldest fixes (a unit's later fixes say
        where it is); status keys, emergencies, pages and acks are never dropped, nor what is
        being written right now."""
        excess = len(self._facts) - FACT_BACKLOG
        kept = deque(e for n, e in enumerate(self._facts) if n < self._in_flight
                     or e.type != ev.UNIT_POSITION or (excess := excess - 1) < 0)
        dropped = len(self._facts) - len(kept)
        log.warning("database away: %d old fix(es) dropped", dropped)
        self._facts = kept
        self._settle(dropped)

    async def _finish_facts(self) -> None:
        """Stopping: the facts not written yet are written by the one drain task (a second
        drain beside it would take the same batch and pop it twice)."""
        if self._facts_task is not None and not self._facts_task.done():
            await self._facts_task
        if self._facts:
            await self._drain_facts()

    async def _drain_facts(self) -> None:
        retry = RETRY_START_S
        while self._facts:
            self._in_flight = min(FACT_BATCH, len(self._facts))
            batch = [self._facts[n] for n in range(self._in_flight)]
            try:
                async with self._write_lock:
                    stored = await self._write_facts(batch)
                    await self._progress(stored)
            except StorageUnavailable as exc:
                log.warning("%d fact(s) wait for the database: %s", len(self._facts), exc)
                await asyncio.sleep(retry)
                retry = min(retry * 2, RETRY_MAX_S)
                continue
            finally:
                self._in_flight = 0
            retry = RETRY_START_S
            for _ in batch:
                self._facts.popleft()
            self._settle(len(batch))

    async def _write_facts(self, batch: list[Event]) -> list[Event]:
        """Write a batch; if one fact cannot be applied (a bug, not a storage fault), write
        them one by one so only that one is set aside, logged."""
        try:
            return await self._write(batch)
        except StorageUnavailable:
            raise
        except Exception:
            if len(batch) == 1:
                log.exception("fact set aside: %r", batch[0])
                return []
        stored = []
        for event in batch:
            stored += await self._write_facts([event])
        return stored

    async def _progress(self, stored: list[Event]) -> None:
        """After fixes are in the log: en route, on scene (one at a time: en route must land
        before on scene is checked)."""
        geofence = self._actor("system:geofence")
        for unit_id in dict.fromkeys(e.payload["unit"] for e in stored
                                     if e.type == ev.UNIT_POSITION):
            for event in commands.progress_from_position(self.store.state, unit_id, geofence,
                                                            self.scenario.radio_status):
                await self._write([event])

    def _actor(self, name: str) -> commands.Actor:
        return commands.Actor(name, self.workstation)

    # -- 110 feed ---------------------------------------------------------------------------
    async def accept_alert(self, doc: Any) -> Accepted:
        slip = parse_alert_slip(doc, self.scenario.region)
        stored = await self._decide(
            lambda state: [commands.receive_alert(slip, self._actor("hub:110-feed"))])
        if not stored:
            return Accepted(slip.alert_id, duplicate=True)
        # the newest incident is this slip's: nothing was written since (no await in between)
        incident = next(reversed(self.store.state.incidents.values()))
        if incident.conflict_of is not None:
            log.warning("alert %s resent with other content: case %s kept beside case %s",
                        slip.alert_id, incident.case, incident.conflict_of)
        return Accepted(slip.alert_id, duplicate=False,
                        conflict=incident.conflict_of is not None)

    # -- dispatcher commands (coroutines: run them with `submit`) ---------------------------
    def assess(self, case: str, state: CenterState | None = None) -> Eligibility:
        """The rules' verdict on an incident of the engine's state (engine thread only; a view
        calls `assess_incident` on its own replica)."""
        incident = (state or self.store.state).incidents[case]
        return assess_incident(incident, self.rules, self.zones.zones_at)

    async def triage(self, case: str, actor: commands.Actor, *,
                     based_on: int | None = None) -> Event:
        return await self._decide_one(
            lambda state: commands.triage(state, case, self.assess(case, state), actor),
            case=case, based_on=based_on)

    async def override_triage(self, case: str, reason: str, actor: commands.Actor, *,
                              based_on: int | None = None) -> Event:
        return await self._decide_one(
            lambda state: commands.triage(state, case, self.assess(case, state), actor, reason),
            case=case, based_on=based_on)

    async def answer_question(self, case: str, answer: str, actor: commands.Actor, *,
                              based_on: int | None = None) -> list[Event]:
        """The caller's yes/no to the open triage question, recorded, then triage re-run."""
        return await self._decide(lambda state: commands.answer_question(
            state, case, commands.parse_answer(answer),
            lambda i: assess_incident(i, self.rules, self.zones.zones_at), actor),
            case=case, based_on=based_on)

    async def refer(self, case: str, to: IncidentStatus, actor: commands.Actor, *,
                    based_on: int | None = None) -> Event:
        return await self._decide_one(lambda state: commands.refer(state, case, to, actor),
                                      case=case, based_on=based_on)

    async def close(self, case: str, disposition: str, actor: commands.Actor, *,
                    based_on: int | None = None) -> Event:
        return await self._decide_one(
            lambda state: commands.close(state, case, disposition, actor),
            case=case, based_on=based_on)

    async def reopen(self, case: str, reason: str, actor: commands.Actor, *,
                     based_on: int | None = None) -> Event:
        return await self._decide_one(lambda state: commands.reopen(state, case, reason, actor),
                                      case=case, based_on=based_on)

    async def recall(self, case: str, reason: str, actor: commands.Actor, *,
                     based_on: int | None = None) -> Event:
        """The guide leaves the case (the dispatcher sends another, or none yet) and is told
        so by radio, with the reason."""
        event = await self._decide_one(lambda state: commands.recall(state, case, reason, actor),
                                       case=case, based_on=based_on)
        unit = event.payload["unit"]
        self.paging.withdraw(unit, case, actor)  # the dispatch page, if still unanswered
        self.paging.page(unit, f"警保联动{case}任务取消:{reason}", None, actor)
        return event

    async def merge(self, case: str, into: str, actor: commands.Actor, *,
                    based_on: int | None = None) -> Event:
        return await self._decide_one(lambda state: commands.merge(state, case, into, actor),
                                      case=case, based_on=based_on)

    async def keep_apart(self, case: str, of: str, actor: commands.Actor, *,
                         based_on: int | None = None) -> Event:
        return await self._decide_one(
            lambda state: commands.keep_apart(state, case, of, actor), case=case,
            based_on=based_on)

    async def set_unit_status(self, unit_id: str, status: str, actor: commands.Actor) -> Event:
        return await self._decide_one(lambda state: commands.set_unit_status(
            state, unit_id, UnitStatus(status), actor))

    async def dispatch(self, case: str, unit_id: str, actor: commands.Actor, *,
                       based_on: int | None = None) -> Event:
        """Assign the unit and page it over the radio in one dispatcher action."""
        def decide(state: CenterState) -> Event:
            incident = state.incidents.get(case)
            unit = state.units.get(unit_id)
            eta = 0.0
            if incident is not None and unit is not None and unit.lon is not None:
                eta = float(etas_with_fallback([unit], incident.lon, incident.lat, utc_now(),
                                               self.travel, self.road_etas)[0])
            return commands.dispatch_unit(state, case, unit_id, eta, actor)

        dispatched = await self._decide_one(decide, case=case, based_on=based_on)
        state = self.store.state
        text = commands.page_text(state, case)
        self.paging.page(unit_id, text, case, actor)
        self.speak(unit_id, f"{state.units[unit_id].name.split()[0]},请注意。{text}", case, actor)
        return dispatched

    def voice_channel(self) -> VoiceChannel | None:
        """The hub's own channel if it has one, else the first radio bridge that offers one."""
        return self.local_voice or next(iter(self.remote_voices.values()), None)

    def attach_remote_voice(self, channel: VoiceChannel) -> None:
        self.remote_voices[channel.name] = channel

    def detach_remote_voice(self, channel: VoiceChannel) -> None:
        if self.remote_voices.get(channel.name) is channel:
            del self.remote_voices[channel.name]

    def push_to_talk(self, on: bool, actor: commands.Actor) -> None:
        """Key or release the radio for the operator's own voice (it may wait for a page being
        spoken to finish, so the answer comes in the radio log)."""
        channel = self.voice_channel()
        if channel is None:
            raise ValueError("no voice channel configured (--voice)")

        async def key() -> None:
            try:
                await channel.key(on)
                error = None
            except Exception as exc:  # PTT port gone, bridge away ...
                log.warning("PTT %s on %s failed: %s", "on" if on else "off", channel.name, exc)
                error = exc
            self._log_radio("voice", "out" if error is None else "rejected", actor.name,
                            ("PTT 按下 keyed" if on else "PTT 松开 released")
                            if error is None else str(error), b"")

        self._hold(key())

    def speak(self, unit_id: str, text: str, case: str | None, actor: commands.Actor) -> None:
        """Say the page on the air (when a voice channel is configured), off the loop."""
        channel = self.voice_channel()
        if channel is None:
            return

        async def say() -> None:
            try:
                detail = {**await channel.speak(text), "via": channel.name}
            except Exception as exc:  # no espeak-ng, no sound card, PTT port gone, bridge away
                log.warning("voice page to %s on %s failed: %s", unit_id, channel.name, exc)
                detail = {"ok": False, "error": str(exc), "via": channel.name}
            self._log_radio("voice", "out" if detail["ok"] else "rejected", unit_id,
                            f"语音 voice: {text}" if detail["ok"] else detail["error"], b"")
            self._record([actor.event(ev.VOICE_PAGE, {"unit": unit_id, "case": case,
                                                      "text": text, **detail})])

        self._hold(say())

    def _hold(self, work: Any) -> None:
        task = self.loop.create_task(work)
        self._speaking.add(task)
        task.add_done_callback(self._speaking.discard)

    def page(self, unit_id: str, text: str, actor: commands.Actor) -> int:
        """A message to a unit that is not a dispatch (a canned or free-text page)."""
        if unit_id not in self.store.state.units:
            raise commands.UnknownUnit(unit_id)
        commands.check_radio_text("page", text)
        return self.paging.page(unit_id, text, None, actor)

    async def record_user_change(self, change: dict, actor: commands.Actor) -> Event:
        """An administrator changed a user: the log keeps who did it, from where (hub/users.py
        holds the user list itself)."""
        return await self._decide_one(lambda state: actor.event(ev.USER_CHANGED, change))

    async def acknowledge_emergency(self, unit_id: str, actor: commands.Actor) -> Event:
        """Logged in the radio log too, beside the alarm it answers: the operator reads there
        who took the emergency and when."""
        event = await self._decide_one(
            lambda state: commands.acknowledge_emergency(state, unit_id, actor))
        self._log_radio(self.paging.heard_on.get(unit_id, "-"), "out", unit_id,
                        f"紧急报警已确认 emergency acknowledged by {actor.name}", b"")
        return event

    def group_page(self, group: str, text: str, actor: commands.Actor) -> list[int]:
        """Page every guide of a service zone (by duty post), or `all` guides."""
        commands.check_radio_text("page", text)
        units = [u for u in self.store.state.units.values() if u.kind == "guide"
                 and (group == "all" or (u.post is not None and any(
                     name == group for name, _ in self.zones.zones_at(*u.post))))]
        if not units:
            raise ValueError(f"no guide in group {group}")
        return [self.paging.page(u.unit_id, text, None, actor) for u in units]

    def poll(self, unit_id: str, actor: commands.Actor) -> str:
        if unit_id not in self.store.state.units:
            raise commands.UnknownUnit(unit_id)
        return self.paging.poll(unit_id, actor)

    async def map_radio(self, radio: str, unit_id: str, actor: commands.Actor) -> Event:
        event = await self._decide_one(
            lambda state: commands.map_radio(state, radio, unit_id, actor))
        fleet, _, radio_id = radio.partition("/")
        self.unknown_radios.pop((int(fleet), radio_id), None)
        return event

    def _log_radio(self, port: str, direction: str, unit: str, text: str, raw: bytes) -> None:
        self.listener.radio_logged(RadioLogEntry(port, direction, unit, text, raw))

    # -- radio ------------------------------------------------------------------------------
    def _on_batch(self, port: str, batch: list[Decoded],
                  keys: list[str] | None = None) -> None:
        for n, decoded in enumerate(batch):
            try:
                self._on_decoded(port, decoded, keys[n] if keys else None)
            except Exception:  # one bad report must not cost the rest of the burst
                log.exception("radio %s: handling %r failed", port, decoded)

    # -- radio bridges on other PCs (hub/radio_link.py) ---------------------------------------
    def attach_remote_port(self, port: RemotePort) -> None:
        self.bridges[port.config.name] = port
        self._link(f"radio:{port.config.name}", "connected", f"bridge {port.bridge}")

    def detach_remote_port(self, port: RemotePort, why: str) -> None:
        if self.bridges.get(port.config.name) is port:
            self._link(f"radio:{port.config.name}", "disconnected", why)

    def remote_link(self, port: str, status: str, detail: str) -> None:
        if port in self.bridges:
            self._link(f"radio:{port}", status, detail)

    async def take_remote_batch(self, port: str, items: list[Decoded], keys: list[str]) -> None:
        """A bridge's batch, handled as a local port's, returning once it is in the log."""
        if port not in self.bridges:
            return
        self._on_batch(port, items, keys)
        self._flush_positions()
        await self._written(self._facts_recorded)

    def _on_decoded(self, port: str, decoded: Decoded, key: str | None = None) -> None:
        if isinstance(decoded, Rejected):
            self.listener.radio_logged(RadioLogEntry(port, "rejected", "", decoded.reason,
                                                     decoded.raw))
        elif isinstance(decoded, PageAck):
            self._on_ack(port, decoded)
        elif isinstance(decoded, PositionReport):
            self._on_position(port, self._with_port_unit(port, decoded), key)
        elif isinstance(decoded, NoFix):
            unit = self.bridges[port].config.unit or ""
            self.listener.radio_logged(RadioLogEntry(port, "in", unit, "无定位 no fix",
                                                     decoded.raw))

    def _with_port_unit(self, port: str, report: PositionReport) -> PositionReport:
        """A GNSS receiver's NMEA names no unit: the port's configuration says whose it is."""
        if report.unit or self.bridges[port].config.unit is None:
            return report
        unit = self.store.state.units.get(self.bridges[port].config.unit)
        if unit is None:
            return report
        return dataclasses.replace(report, fleet=unit.fleet, unit=unit.radio_id)

    def _unit_for(self, port: str, fleet: int, radio_id: str, raw: bytes) -> str | None:
        """The unit a report comes from; the port it was heard on is where it is paged. An
        unknown id is logged once, then once a minute with its count: a radio reporting each
        second would otherwise bury the operator's log."""
        unit_id = self.store.state.by_radio.get((fleet, radio_id))
        if unit_id is not None:
            self.paging.heard(unit_id, port)
            return unit_id
        key = (fleet, radio_id)
        count = self.unknown_radios[key] = self.unknown_radios.get(key, 0) + 1
        now = self.loop.time()
        if count == 1:
            log.warning("radio %s: unknown radio id %03d/%s", port, fleet, radio_id)
        if now - self._unknown_said.get(key, -math.inf) >= UNKNOWN_RADIO_REPEAT_S:
            self._unknown_said[key] = now
            again = f" (第{count}次 seen {count} times)" if count > 1 else ""
            self.listener.radio_logged(RadioLogEntry(
                port, "rejected", f"{fleet:03d}/{radio_id}",
                f"未登记的电台编号 unknown radio id{again}", raw))
        return None

    def _on_ack(self, port: str, ack: PageAck) -> None:
        unit_id = self._unit_for(port, ack.fleet, ack.unit, ack.raw)
        if unit_id is None:
            return
        if not self.paging.acknowledged(ack.seq, unit_id, self._actor(f"radio:{port}")):
            self._log_radio(port, "rejected", unit_id, f"ack for unknown page {ack.seq}",
                            ack.raw)
            return
        self._log_radio(port, "in", unit_id, f"确认 ack #{ack.seq}", ack.raw)

    def _on_position(self, port: str, report: PositionReport, key: str | None = None) -> None:
        unit_id = self._unit_for(port, report.fleet, report.unit, report.raw)
        if unit_id is None:
            return
        emergency = report.emergency or report.status in self.scenario.radio_status.emergency
        if emergency and not self._emergency_known(unit_id):
            self._log_radio(port, "in", unit_id, "紧急报警 EMERGENCY", report.raw)
            where = {"lon": report.lon, "lat": report.lat} if self._placeable(report) else {}
            self._record([self._actor(f"radio:{port}").event(ev.RADIO_EMERGENCY, {
                "unit": unit_id, **where})])
        if not report.fix:
            self._log_radio(port, "in", unit_id, "无定位 no fix", report.raw)
            return
        if not self._placeable(report):
            self._log_radio(port, "rejected", unit_id,
                            f"定位不在服务区域内 fix outside the region: {report.lat:.5f}, "
                            f"{report.lon:.5f}", report.raw)
            return
        if not self._pending_positions:  # flushed after the batches already queued
            self.loop.call_soon(self._flush_positions)
        self._pending_positions.append((port, report, key))

    def _emergency_known(self, unit_id: str) -> bool:
        """Raised already: in the state, or still waiting in the facts to be written (a key
        held down repeats in every report)."""
        return self.store.state.units[unit_id].emergency or any(
            e.type == ev.RADIO_EMERGENCY and e.payload["unit"] == unit_id for e in self._facts)

    def _placeable(self, report: PositionReport) -> bool:
        """A fix the map may draw: finite, not 0,0, inside the region and its margin."""
        lon, lat = report.lon, report.lat
        return (math.isfinite(lon) and math.isfinite(lat) and (lon, lat) != (0.0, 0.0)
                and self.scenario.region.contains(lon, lat, self.fix_margin_m))

    def _note_timing(self, port: str, unit_id: str, report: PositionReport) -> None:
        """Tell the operator once when a radio's clock goes wrong or its fixes come late."""
        verdict = judge_fix(report.time, utc_now())
        if self._fix_timing.get(unit_id, FixTiming.CURRENT) == verdict.timing:
            return
        self._fix_timing[unit_id] = verdict.timing
        if verdict.timing == FixTiming.LATE:
            self._log_radio(port, "rejected", unit_id,
                            f"定位迟到 late fix ({verdict.skew_s:.0f} s old): not drawn",
                            report.raw)
        elif verdict.timing == FixTiming.CLOCK_WRONG:
            self._log_radio(port, "rejected", unit_id,
                            f"电台时钟错误 radio clock off by {verdict.skew_s / 3600:.1f} h: "
                            "hub time used", report.raw)

    def _flush_positions(self) -> None:
        """Positions arrive in bursts (every unit each second): one batch of facts per burst.
        The event's time is the hub's receipt; the radio's own time rides along."""
        batch, self._pending_positions = self._pending_positions, []
        events = []
        for port, r, key in batch:
            unit_id = self.store.state.by_radio.get((r.fleet, r.unit))
            if unit_id is None:  # re-mapped while the burst waited
                continue
            self._note_timing(port, unit_id, r)
            events.append(self._actor(f"radio:{port}").event(ev.UNIT_POSITION, {
                "unit": unit_id, "lon": r.lon, "lat": r.lat, "speed_kmh": round(r.speed_kmh, 1),
                "course": round(r.course, 1), "radio_status": r.status,
                "fix_time": r.time.isoformat() if r.time else None}, key))
        if events:
            self._record(events)
