"""An edge hub: serves consoles and 110 clients of its own, following the serving hub's log.

`jingbao hub --edge nats://…` on another server: it reads the state from the database once
(the latest snapshot and the log after it; it never writes the log), then follows the serving
hub's stream of appended events (hub/fanout.py) and hands them to its consoles with the very
same numbers, so a console may move between hubs and resume. Subscribed first, read second: a
batch that arrives while the state is read is applied after it, and a batch that skips numbers
(NATS was away) makes the edge read the gap from the log. Its consoles' commands and its 110
slips go to the serving hub by NATS request, which decides them on the one current state (so
conflicts are caught where they happen) and answers; the edge relays the answer. The radio
log's lines and the serving hub's links (its radio gateways, its database) reach the edge's
consoles too: the lines the log holds are read at start, the rest relayed as they come; the
edge's own 110 feed and NATS lamps are its own.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from typing import Any

import nats
from nats.js.api import DeliverPolicy

from db.schema import make_engine
from db.store import EventStore, StorageUnavailable
from dispatch.alerts import SlipRejected
from dispatch.events import utc_now
from dispatch.retirement import REPLICA_MARGIN, SWEEP_EVERY_S, retirable
from hub.console_link import CONSOLE_PATH, ConsoleLink, ConsoleSession
from hub.fanout import subjects
from hub.feed import FEED_PATH, Accepted, feed_handler
from hub.feed_tokens import FeedTokens, feed_gate
from hub.radio_log import RADIO_EVENTS, lines_from_log
from hub.server import bound_port, start_hub_server
from hub.users import ROLE_VERBS, UserStore
from hub.wire import event_from_wire, radio_from_wire
from resources.scenario import Scenario

log = logging.getLogger(__name__)

REQUEST_TIMEOUT_S = 10.0  # the serving hub's own write deadline is 5 s
OWN_LINKS = ("110", "nats")  # the edge's own; the serving hub's of these names are not shown


class EdgeConsoleLink(ConsoleLink):
    """The console link, with commands run by the serving hub as the console's user and its
    answer relayed as it is."""

    async def command_reply(self, session: ConsoleSession, message: dict) -> dict:
        verb = message.get("verb")
        if verb not in ROLE_VERBS.get(session.user.role, frozenset()):
            return {"ok": False, "code": "forbidden",
                    "reason": f"role {session.user.role} may not {verb}"}
        try:
            return await self.engine.ask("command", {
                "user": session.user.name, "role": str(session.user.role),
                "insurer": session.user.insurer, "workstation": session.workstation,
                "message": {k: message.get(k) for k in ("verb", "args", "based_on")}})
        except StorageUnavailable as exc:
            return {"ok": False, "code": "link", "reason": str(exc)}


class EdgeHub:
    def __init__(self, db_url: str, scenario: Scenario, nats_url: str, center: str, *,
                 open_feed: bool = False, tls=None) -> None:
        self.db_url, self.scenario, self.nats_url = db_url, scenario, nats_url
        self.subjects = subjects(center)
        database = make_engine(db_url)
        self.users = UserStore(database)
        self.feed_tokens = None if open_feed else FeedTokens(database)
        self.tls = tls
        self.store: EventStore | None = None
        self.links: dict[str, tuple[str, str]] = {}
        self.console_link = EdgeConsoleLink(self, self.users)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="edge", daemon=True)
        self._nc = None
        self._server = None
        self._batches: asyncio.Queue = asyncio.Queue()
        self._applier: asyncio.Task | None = None
        self.feed_port = 0
        self._host = "127.0.0.1"
        self._next_sweep = 0.0  # loop time of the next look for ended cases to retire

    @property
    def url(self) -> str:
        return f"{'wss' if self.tls else 'ws'}://{self._host}:{self.feed_port}"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._start(host, port), self.loop).result(60)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self.loop).result(15)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(5)
        if self.store is not None:
            self.store.close()

    async def _start(self, host: str, port: int) -> None:
        self._nc = await nats.connect(self.nats_url, name="jingbao-edge",
                                      max_reconnect_attempts=-1,
                                      disconnected_cb=self._nats_down,
                                      reconnected_cb=self._nats_up)
        js = self._nc.jetstream()
        await js.subscribe(self.subjects["events"], ordered_consumer=True,
                           deliver_policy=DeliverPolicy.NEW, cb=self._on_batch)
        await self._nc.subscribe(self.subjects["radio"], cb=self._on_radio)
        await self._nc.subscribe(self.subjects["link"], cb=self._on_link)
        # subscribed first, then read: what arrives meanwhile waits in the queue
        self.store = await asyncio.to_thread(
            EventStore, make_engine(self.db_url), self.scenario.roster)
        log.info("edge: state read from the database up to event %d",
                 self.store.state.last_event_id)
        self.console_link.seed_radio(lines_from_log(await asyncio.to_thread(
            self.store.events, types=RADIO_EVENTS)))
        await self._ask_links()
        self._applier = asyncio.create_task(self._apply_batches())
        self._link("nats", "connected", self.nats_url)
        self._host = host
        self._server = await start_hub_server(
            {FEED_PATH: feed_handler(self.accept_alert), CONSOLE_PATH: self.console_link.handle},
            host, port, tls=self.tls,
            gates={FEED_PATH: feed_gate(self.feed_tokens)} if self.feed_tokens else None)
        self.feed_port = bound_port(self._server)
        self._link("110", "connected", f"{self.url}{FEED_PATH}")

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        if self._applier is not None:
            self._applier.cancel()
        if self._nc is not None:
            await self._nc.close()

    def _link(self, link: str, status: str, detail: str) -> None:
        self.links[link] = (status, detail)
        self.console_link.link_changed(link, status, detail)

    async def _nats_down(self) -> None:
        self._link("nats", "disconnected", "NATS away: following resumes when it is back")

    async def _nats_up(self) -> None:
        self._link("nats", "connected", self.nats_url)

    async def _ask_links(self) -> None:
        try:
            links = {str(link): (str(status), str(detail))
                     for link, (status, detail) in (await self.ask("links", {})).items()}
        except StorageUnavailable as exc:  # its changes still come as they happen
            log.warning("edge: the serving hub's links not known yet: %s", exc)
            return
        except (ValueError, TypeError, AttributeError) as exc:
            log.warning("edge: the serving hub's links refused: %s", exc)
            return
        for link, (status, detail) in links.items():
            if link not in OWN_LINKS:
                self._link(link, status, detail)

    async def _on_radio(self, msg) -> None:
        try:
            entry = radio_from_wire(json.loads(msg.data)["entry"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("edge: a radio log line refused: %s", exc)
            return
        self.console_link.radio_logged(entry)

    async def _on_link(self, msg) -> None:
        try:
            doc = json.loads(msg.data)
            link, status, detail = str(doc["link"]), str(doc["status"]), str(doc["detail"])
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("edge: a link status refused: %s", exc)
            return
        if link not in OWN_LINKS:
            self._link(link, status, detail)

    # -- following the serving hub -------------------------------------------------------------
    async def _on_batch(self, msg) -> None:
        self._batches.put_nowait(msg.data)

    async def _apply_batches(self) -> None:
        while True:
            body = await self._batches.get()
            try:
                await self._apply(json.loads(body))
            except Exception:  # one bad batch must not stop the following: the log is truth
                log.exception("edge: a batch could not be applied; reading the log instead")
                await self._catch_up()

    async def _apply(self, doc: dict) -> None:
        events = [event_from_wire(e) for e in doc["events"]]
        last = self.store.state.last_event_id
        if not events or events[-1].id <= last:
            return
        if events[0].id > last + 1:  # numbers skipped while NATS was away: the log has them
            log.warning("edge: events %d-%d missed; reading them from the log", last + 1,
                        events[0].id - 1)
            await self._catch_up()
            last = self.store.state.last_event_id
        fresh = [e for e in events if e.id > last]
        self._take(fresh)
        if fresh and doc.get("chain"):
            self.store.chain_head = tuple(doc["chain"])

    async def _catch_up(self) -> None:
        fresh = await asyncio.to_thread(self.store.events, self.store.state.last_event_id)
        self._take(fresh)

    def _take(self, events: list) -> None:
        for event in events:
            self.store.state.apply(event)
        if events:
            self.console_link.events_appended(events)
        if self.loop.time() >= self._next_sweep:  # a replica: after the serving hub
            self._next_sweep = self.loop.time() + SWEEP_EVERY_S
            state = self.store.state
            state.retire(retirable(state, utc_now(), self.scenario.ended_kept() + REPLICA_MARGIN))

    # -- asking the serving hub ------------------------------------------------------------------
    async def ask(self, kind: str, request: dict) -> dict:
        try:
            reply = await self._nc.request(self.subjects[kind], json.dumps(
                request, ensure_ascii=False).encode("utf-8"), timeout=REQUEST_TIMEOUT_S)
        except (nats.errors.TimeoutError, nats.errors.NoRespondersError) as exc:
            raise StorageUnavailable(f"the serving hub did not answer ({exc})") from exc
        return json.loads(reply.data)

    async def accept_alert(self, doc: Any) -> Accepted:
        """A slip taken here is stored by the serving hub; its answer is relayed as it is."""
        reply = await self.ask("alert", doc)
        if reply.get("type") == "ack":
            return Accepted(reply["alert_id"], reply["duplicate"], bool(reply.get("conflict")))
        reason = str(reply.get("reason"))
        if reason.startswith("storage unavailable"):
            raise StorageUnavailable(reason)
        if reason.startswith("internal error"):
            raise RuntimeError(f"the serving hub: {reason}")
        raise SlipRejected(reason)
