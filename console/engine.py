"""The running center without the UI: one asyncio loop in a worker thread owns all I/O.

The 110 feed, the radio bridges' decoded reports and the dispatcher's commands all arrive on
this loop, so the write-side state and the store are touched by one thread only and need no
locks. Whatever is appended is handed to the listener (called on this thread; the Qt adapter
hops to the UI thread). Commands from the UI come in through `submit` and return futures.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import copy
import dataclasses
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from console.paging_service import PagingService
from db.store import EventStore
from dispatch import commands
from dispatch import events as ev
from dispatch.alerts import parse_alert_slip
from dispatch.config import RADIO_STATUS_EMERGENCY, ProgramRules, TravelModel
from dispatch.eligibility import Eligibility, assess_incident
from dispatch.events import Event, utc_now
from dispatch.lifecycle import IncidentStatus
from dispatch.recommend import EtaFunction, etas_with_fallback
from dispatch.state import CenterState, UnitStatus
from hub.feed import Accepted, bound_port, start_feed_server
from map.zones import ServiceZones
from radio.bridge import SerialBridge
from radio.pager import PagerPolicy
from radio.ports import PortConfig
from radio.reports import Decoded, NoFix, PageAck, PositionReport, Rejected
from radio.voice import VoicePager
from resources.scenario import Scenario

log = logging.getLogger(__name__)

CLOCK_CHECK_S = 1.0


@dataclass(frozen=True)
class RadioLogEntry:
    """One line of the radio operator's log: every frame in or out, and every rejection."""

    port: str
    direction: str  # "in", "out" or "rejected"
    unit: str
    text: str
    raw: bytes
    time: datetime = field(default_factory=lambda: datetime.now(UTC))


class EngineListener(Protocol):
    """Receives what the engine did. Called on the engine's thread, never the UI thread."""

    def events_appended(self, events: list[Event]) -> None: ...
    def radio_logged(self, entry: RadioLogEntry) -> None: ...
    def link_changed(self, link: str, status: str, detail: str) -> None: ...


class Engine:
    def __init__(self, store: EventStore, scenario: Scenario, listener: EngineListener, *,
                 workstation: str, rules: ProgramRules | None = None,
                 travel: TravelModel | None = None, road_etas: EtaFunction | None = None,
                 pager_policy: PagerPolicy = PagerPolicy(),  # noqa: B008 - frozen
                 voice: VoicePager | None = None) -> None:
        self.store, self.scenario, self.listener = store, scenario, listener
        self.workstation = workstation
        self.rules = rules or scenario.rules()
        self.clock_policy = scenario.clock_policy()
        self.travel = travel or TravelModel()
        self.zones = ServiceZones(scenario.zones)
        self.road_etas = road_etas
        self.loop = asyncio.new_event_loop()
        self.bridges: dict[str, SerialBridge] = {}
        self.unknown_radios: dict[tuple[int, str], int] = {}
        self.feed_port: int | None = None
        self.links: dict[str, tuple[str, str]] = {}
        self._thread = threading.Thread(target=self.loop.run_forever, name="engine", daemon=True)
        self.paging = PagingService(
            lambda: self.store.state, self.bridges, self._append, self._log_radio,
            store.events(types=[ev.PAGE_SENT, ev.PAGE_ACKED, ev.PAGE_FAILED]), pager_policy)
        self._pending_positions: list[tuple[str, PositionReport]] = []
        self.voice = voice
        self._voice_worker = concurrent.futures.ThreadPoolExecutor(1, "voice")
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
        self._voice_worker.shutdown(wait=True, cancel_futures=True)
        if self._feed_server is not None:
            server = self._feed_server
            server.close()
            asyncio.run_coroutine_threadsafe(server.wait_closed(), self.loop).result(timeout=5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)
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

    def snapshot(self) -> list[Event]:
        """The whole log so far, read on the engine loop (for reports and tests)."""
        return self.submit(self.store.events).result(timeout=30)

    def state_copy(self) -> CenterState:
        """A private copy of the current state, taken on the engine loop, for a view to follow
        with the events whose id is above its `last_event_id`."""
        return self.submit(copy.deepcopy, self.store.state).result(timeout=30)

    async def _start_feed(self, host: str, port: int) -> None:
        self._feed_server = await start_feed_server(self._accept_alert, host, port)
        self.feed_port = bound_port(self._feed_server)
        self._link("110", "connected", f"ws://{host}:{self.feed_port}/feed")
        log.info("110 feed listening on ws://%s:%d/feed", host, self.feed_port)

    def add_radio(self, config: PortConfig) -> None:
        def on_decoded(port: str, batch: list[Decoded]) -> None:
            self.loop.call_soon_threadsafe(self._on_batch, port, batch)

        def on_status(port: str, status: str, detail: str) -> None:
            log.log(logging.INFO if status == "connected" else logging.WARNING,
                    "radio %s %s: %s", port, status, detail)
            self._link(f"radio:{port}", status, detail)

        bridge = SerialBridge(config, on_decoded=on_decoded, on_status=on_status)
        self.bridges[config.name] = bridge
        bridge.start()

    def _link(self, link: str, status: str, detail: str) -> None:
        """Remember each link's last status, so a window opened later can show it."""
        self.links[link] = (status, detail)
        self.listener.link_changed(link, status, detail)

    def _watch_clocks(self) -> None:
        """Once a second: record 8-minute clock warnings and breaches, resend or escalate
        pages that were not acknowledged."""
        try:
            self._append(commands.clock_alarms(self.store.state, utc_now(),
                                               self._actor("system:clock"), self.clock_policy))
            self.paging.tick(self._actor("system:pager"))
        except Exception:  # a storage fault must not stop the watch
            log.exception("clock and pager check failed")
        self.loop.call_later(CLOCK_CHECK_S, self._watch_clocks)

    # -- appending --------------------------------------------------------------------------
    def _append(self, events: list[Event]) -> list[Event]:
        stored = self.store.append(events)
        if stored:
            self.listener.events_appended(stored)
        return stored

    def _actor(self, name: str) -> commands.Actor:
        return commands.Actor(name, self.workstation)

    # -- 110 feed ---------------------------------------------------------------------------
    async def _accept_alert(self, doc: Any) -> Accepted:
        slip = parse_alert_slip(doc, self.scenario.region)
        stored = self._append([commands.receive_alert(slip, self._actor("hub:110-feed"))])
        return Accepted(slip.alert_id, duplicate=not stored)

    # -- dispatcher commands (run on the loop via submit) -----------------------------------
    def assess(self, case: str) -> Eligibility:
        """The rules' verdict on an incident of the engine's state (engine thread only; a view
        calls `assess_incident` on its own replica)."""
        incident = self.store.state.incidents[case]
        return assess_incident(incident, self.rules, self.zones.zones_at)

    def triage(self, case: str, actor: commands.Actor) -> Event:
        event = commands.triage(self.store.state, case, self.assess(case), actor)
        return self._append([event])[0]

    def override_triage(self, case: str, reason: str, actor: commands.Actor) -> Event:
        event = commands.triage(self.store.state, case, self.assess(case), actor, reason)
        return self._append([event])[0]

    def refer(self, case: str, to: IncidentStatus, actor: commands.Actor) -> Event:
        return self._append([commands.refer(self.store.state, case, to, actor)])[0]

    def close(self, case: str, actor: commands.Actor) -> Event:
        return self._append([commands.close(self.store.state, case, actor)])[0]

    def merge(self, case: str, into: str, actor: commands.Actor) -> Event:
        return self._append([commands.merge(self.store.state, case, into, actor)])[0]

    def keep_apart(self, case: str, of: str, actor: commands.Actor) -> Event:
        return self._append([commands.keep_apart(self.store.state, case, of, actor)])[0]

    def set_unit_status(self, unit_id: str, status: str, actor: commands.Actor) -> Event:
        event = commands.set_unit_status(self.store.state, unit_id, UnitStatus(status), actor)
        return self._append([event])[0]

    def dispatch(self, case: str, unit_id: str, actor: commands.Actor) -> Event:
        """Assign the unit and page it over the radio in one dispatcher action."""
        state = self.store.state
        incident = state.incidents[case]
        unit = state.units.get(unit_id)
        eta = 0.0
        if unit is not None and unit.lon is not None:
            eta = float(etas_with_fallback([unit], incident.lon, incident.lat, utc_now(),
                                           self.travel, self.road_etas)[0])
        dispatched = self._append([commands.dispatch_unit(state, case, unit_id, eta, actor)])[0]
        text = commands.page_text(state, case)
        self.paging.page(unit_id, text, case, actor)
        self.speak(unit_id, f"{state.units[unit_id].name.split()[0]},请注意。{text}", case, actor)
        return dispatched

    def push_to_talk(self, on: bool, actor: commands.Actor) -> None:
        """Key or release the radio for the operator's own voice (off the loop: it may wait
        for a page being spoken to finish)."""
        if self.voice is None:
            raise ValueError("no voice channel configured (--voice)")
        voice = self.voice

        def done(future: asyncio.Future) -> None:
            error = future.exception()
            if error is not None:
                log.warning("PTT %s failed: %s", "on" if on else "off", error)
            self._log_radio("voice", "out" if error is None else "rejected", actor.name,
                            ("PTT 按下 keyed" if on else "PTT 松开 released")
                            if error is None else str(error), b"")

        # the default pool, not the voice worker: a page queued there waits for this channel
        self.loop.run_in_executor(None, voice.key, on).add_done_callback(done)

    def speak(self, unit_id: str, text: str, case: str | None, actor: commands.Actor) -> None:
        """Say the page on the air (when a voice channel is configured), off the loop."""
        if self.voice is None:
            return
        voice = self.voice

        def work() -> dict:
            clip = voice.synthesize(text)
            sent = voice.transmit(clip)
            return {"audio": str(clip.path), "sha256": clip.sha256,
                    "duration_s": round(clip.duration_s, 3), "rms": round(clip.rms, 4),
                    "keyed_s": round(sent.released_at - sent.keyed_at, 3), "ok": True}

        def done(future: asyncio.Future) -> None:
            try:
                detail = future.result()
            except Exception as exc:  # no espeak-ng, no sound card, PTT port gone ...
                log.warning("voice page to %s failed: %s", unit_id, exc)
                detail = {"ok": False, "error": str(exc)}
            self._log_radio("voice", "out" if detail["ok"] else "rejected", unit_id,
                            f"语音 voice: {text}" if detail["ok"] else detail["error"], b"")
            self._append([actor.event(ev.VOICE_PAGE, {"unit": unit_id, "case": case,
                                                      "text": text, **detail})])

        self.loop.run_in_executor(self._voice_worker, work).add_done_callback(done)

    def page(self, unit_id: str, text: str, actor: commands.Actor) -> int:
        """A message to a unit that is not a dispatch (a canned or free-text page)."""
        if unit_id not in self.store.state.units:
            raise commands.UnknownUnit(f"no unit {unit_id}")
        return self.paging.page(unit_id, text, None, actor)

    def acknowledge_emergency(self, unit_id: str, actor: commands.Actor) -> Event:
        event = commands.acknowledge_emergency(self.store.state, unit_id, actor)
        return self._append([event])[0]

    def group_page(self, group: str, text: str, actor: commands.Actor) -> list[int]:
        """Page every guide of a service zone (by duty post), or `all` guides."""
        units = [u for u in self.store.state.units.values() if u.kind == "guide"
                 and (group == "all" or (u.post is not None and any(
                     name == group for name, _ in self.zones.zones_at(*u.post))))]
        if not units:
            raise ValueError(f"no guide in group {group}")
        return [self.paging.page(u.unit_id, text, None, actor) for u in units]

    def poll(self, unit_id: str, actor: commands.Actor) -> str:
        if unit_id not in self.store.state.units:
            raise commands.UnknownUnit(f"no unit {unit_id}")
        return self.paging.poll(unit_id, actor)

    def map_radio(self, radio: str, unit_id: str, actor: commands.Actor) -> Event:
        event = self._append([commands.map_radio(self.store.state, radio, unit_id, actor)])[0]
        fleet, _, radio_id = radio.partition("/")
        self.unknown_radios.pop((int(fleet), radio_id), None)
        return event

    def _log_radio(self, port: str, direction: str, unit: str, text: str, raw: bytes) -> None:
        self.listener.radio_logged(RadioLogEntry(port, direction, unit, text, raw))

    # -- radio ------------------------------------------------------------------------------
    def _on_batch(self, port: str, batch: list[Decoded]) -> None:
        for decoded in batch:
            try:
                self._on_decoded(port, decoded)
            except Exception:  # one bad report must not cost the rest of the burst
                log.exception("radio %s: handling %r failed", port, decoded)

    def _on_decoded(self, port: str, decoded: Decoded) -> None:
        if isinstance(decoded, Rejected):
            self.listener.radio_logged(RadioLogEntry(port, "rejected", "", decoded.reason,
                                                     decoded.raw))
        elif isinstance(decoded, PageAck):
            self._on_ack(port, decoded)
        elif isinstance(decoded, PositionReport):
            self._on_position(port, self._with_port_unit(port, decoded))
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
        unit_id = self.store.state.by_radio.get((fleet, radio_id))
        if unit_id is None:
            key = (fleet, radio_id)
            self.unknown_radios[key] = self.unknown_radios.get(key, 0) + 1
            if self.unknown_radios[key] == 1:
                log.warning("radio %s: unknown radio id %03d/%s", port, fleet, radio_id)
            self.listener.radio_logged(RadioLogEntry(
                port, "rejected", f"{fleet:03d}/{radio_id}", "未登记的电台编号 unknown radio id",
                raw))
        return unit_id

    def _on_ack(self, port: str, ack: PageAck) -> None:
        unit_id = self._unit_for(port, ack.fleet, ack.unit, ack.raw)
        if unit_id is None:
            return
        if not self.paging.acknowledged(ack.seq, unit_id, self._actor(f"radio:{port}")):
            self._log_radio(port, "rejected", unit_id, f"ack for unknown page {ack.seq}",
                            ack.raw)
            return
        self._log_radio(port, "in", unit_id, f"确认 ack #{ack.seq}", ack.raw)

    def _on_position(self, port: str, report: PositionReport) -> None:
        unit_id = self._unit_for(port, report.fleet, report.unit, report.raw)
        if unit_id is None:
            return
        emergency = report.emergency or report.status in RADIO_STATUS_EMERGENCY
        if emergency and not self.store.state.units[unit_id].emergency:
            self._log_radio(port, "in", unit_id, "紧急报警 EMERGENCY", report.raw)
            self._append([self._actor(f"radio:{port}").event(ev.RADIO_EMERGENCY, {
                "unit": unit_id, "lon": report.lon, "lat": report.lat})])
        if not report.fix:
            self.listener.radio_logged(RadioLogEntry(port, "in", unit_id, "无定位 no fix",
                                                     report.raw))
            return
        if not self._pending_positions:  # flushed after the batches already queued
            self.loop.call_soon(self._flush_positions)
        self._pending_positions.append((port, report))

    def _flush_positions(self) -> None:
        """Positions arrive in bursts (every unit each second): one transaction per burst."""
        batch, self._pending_positions = self._pending_positions, []
        events, units = [], []
        for port, r in batch:
            unit_id = self.store.state.by_radio[(r.fleet, r.unit)]
            units.append(unit_id)
            events.append(self._actor(f"radio:{port}").event(ev.UNIT_POSITION, {
                "unit": unit_id, "lon": r.lon, "lat": r.lat, "speed_kmh": round(r.speed_kmh, 1),
                "course": round(r.course, 1), "radio_status": r.status,
                "fix_time": r.time.isoformat() if r.time else None}))
        self._append(events)
        geofence = self._actor("system:geofence")
        progress = [e for u in dict.fromkeys(units)
                    for e in commands.progress_from_position(self.store.state, u, geofence)]
        for event in progress:  # one at a time: en_route must land before on_scene is checked
            self._append([event])
