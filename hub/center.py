"""Assembling a running center without any window: store, engine, radio ports, and in demo
mode the simulated 110 call center and radio gateway. Qt-free, so `jingbao hub` runs on a
server without Qt's libraries; the console adds its window on top (console/app.py).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from db.lease import Lease
from db.schema import default_url
from db.store import EventStore
from dispatch import geodesy
from dispatch.commands import Actor
from dispatch.events import Event
from dispatch.service_hours import CHINA_TZ
from hub.day_packer import DayPacker
from hub.engine import Engine, EngineListener
from hub.fanout import NatsFanout
from hub.feed_tokens import FeedTokens
from hub.radio_log import RadioLogEntry
from hub.server import tls_context
from hub.simulated_feed import SlipFactory, run_simulated_feed
from hub.users import UserStore
from map import roads
from map.routing import Router, UnitEtas
from radio.ports import PortConfig, parse_port_spec
from radio.simulator import GatewaySimulator, SimGuide
from radio.voice import VoicePager, pager_from_spec
from resources import scenario as scenarios

log = logging.getLogger(__name__)

LEASE_CHECK_S = 2.0  # how often a serving hub makes sure its lease is still its own


class LogListener:
    """The headless hub's listener: links going up and down are logged; events are in the
    log already and nobody on this process draws them."""

    def events_appended(self, events: list[Event]) -> None:
        pass

    def radio_logged(self, entry: RadioLogEntry) -> None:
        pass

    def link_changed(self, link: str, status: str, detail: str) -> None:
        log.info("link %s: %s %s", link, status, detail)


def road_etas(scenario: scenarios.Scenario) -> UnitEtas | None:
    """ETAs over the scenario's roads (its OSM extract, or its own polylines)."""
    if scenario.osm_path is not None:
        graph = roads.load_osm(scenario.osm_path)
    elif scenario.roads:
        graph = roads.graph_from_lines(scenario.roads)
    else:
        return None
    return UnitEtas(Router(graph), lambda moment: moment.astimezone(CHINA_TZ))


def voice_pager(spec: str | None) -> VoicePager | None:
    """`--voice /dev/ttyUSB1,line=DTR,device=hw:1,lead=0.3,tail=0.3`: speak pages on the air."""
    if not spec:
        return None
    return pager_from_spec(spec, Path(default_url().removeprefix("sqlite:///")).with_name("voice"))


def simulated_guides(scenario: scenarios.Scenario,
                     router: Router | None = None) -> list[SimGuide]:
    """Guides start near their posts (spread a little so co-posted guides don't overlap).
    With a `router` (the scenario's roads: an extract's, or its own named streets) they start
    on the nearest road node and ride the roads; else they go east-west, then north-south."""
    guides = []
    for n, unit in enumerate(scenario.roster()):
        lon, lat = geodesy.offset(*unit.post, 60.0 * (n % 3 - 1), 50.0 * (n % 2))
        if router is not None:
            [node], _gap = router.snap([lon], [lat])
            lon, lat = float(router.graph.lon[node]), float(router.graph.lat[node])
        guides.append(SimGuide(unit.fleet, unit.radio_id, lon, lat, post=(lon, lat),
                               streets=router.path if router is not None else None))
    return guides


@dataclass
class Center:
    """Everything a console runs, so the CLI, the screenshot and the tests start it alike."""

    scenario: scenarios.Scenario
    engine: Engine
    actor: Actor
    simulator: GatewaySimulator | None = None
    feed_task: object | None = None
    lease: Lease | None = None
    fanout: NatsFanout | None = None
    packer: DayPacker | None = None
    _watching: threading.Event | None = None

    def watch_lease(self, lost: Callable[[], None], every_s: float = LEASE_CHECK_S) -> None:
        """Check the lease every few seconds; call `lost` once if it is gone (the hub must
        stop: a standby may be writing the database by now)."""
        stop = self._watching = threading.Event()

        def watch() -> None:
            while not stop.wait(every_s):
                if not self.lease.held():
                    log.critical("this hub lost its lease on the database: stopping")
                    lost()
                    return

        threading.Thread(target=watch, name="lease", daemon=True).start()

    def stop(self) -> None:
        if self._watching is not None:
            self._watching.set()
        if self.packer is not None:
            self.packer.stop()
        if self.feed_task is not None:
            self.feed_task.cancel()
        if self.fanout is not None:
            self.engine.submit(self.fanout.stop).result(timeout=10)
        self.engine.stop()
        if self.simulator is not None:
            self.simulator.stop()
        if self.lease is not None:
            self.lease.release()


def fail_stop() -> None:
    """The lease is gone, so a standby may be writing the database: not one more write from
    this process, not even an orderly stop's (what it acknowledged is in the log already)."""
    logging.shutdown()
    os._exit(3)


class LeaseHeld(RuntimeError):
    """Another hub serves this database; `database` names it (password hidden), for a
    message in the user's language."""

    def __init__(self, database: str) -> None:
        super().__init__(f"another hub serves {database}; connect to it (--hub URL) or stop it")
        self.database = database


def demo_db_url() -> str:
    """The demo uses its own SQLite file, reset at each start, apart from real data."""
    path = Path(default_url().removeprefix("sqlite:///")).with_name("demo.sqlite3")
    return f"sqlite:///{path}"


def _reset_demo(url: str) -> None:
    path = url.removeprefix("sqlite:///")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def start_center(args: argparse.Namespace, listener: EngineListener, *,
                 standby: threading.Event | None = None,
                 standing_by: Callable[[str], None] | None = None) -> Center | None:
    """The center on its database once this process holds the database's lease. Without
    `standby` a lease held elsewhere raises LeaseHeld; with it, this hub stands by (after
    `standing_by` is told) until the lease is free, or returns None when `standby` is set."""
    scenario = scenarios.load(scenarios.scenario_path(args.scenario, args.demo))
    url = args.db or (demo_db_url() if args.demo else default_url())
    lease = Lease(url)
    if not lease.try_acquire():
        shown = make_url(url).render_as_string(hide_password=True)
        if standby is None:
            raise LeaseHeld(shown)
        if standing_by is not None:
            standing_by(shown)
        if not lease.wait(standby):
            return None
        log.info("lease on %s taken: serving", url)
    if args.demo and not args.db:
        _reset_demo(url)
    store = EventStore.open(url, scenario.roster)
    tls = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    tokens = None if args.open_feed else FeedTokens(store.engine)
    etas = road_etas(scenario)
    engine = Engine(store, scenario, listener, workstation=socket.gethostname(),
                    road_etas=etas, voice=voice_pager(args.voice),
                    users=UserStore(store.engine), tls=tls, feed_tokens=tokens)
    actor = Actor(f"dispatcher:{getpass.getuser()}", socket.gethostname())
    radios = [*scenario.radio_ports, *(parse_port_spec(spec) for spec in args.radio)]
    center = Center(scenario, engine, actor, lease=lease)
    if args.demo:
        on_roads = etas.router if etas is not None else None
        center.simulator = GatewaySimulator(simulated_guides(scenario, on_roads),
                                            time_scale=args.time_scale)
        center.simulator.start()
        radios.append(PortConfig("sim", center.simulator.path))
        # the simulated 110's slips and token are ready before the engine writes: a token
        # written beside its first radio fixes met "database is locked" on SQLite
        streets = roads.named_street_points(scenario.osm_path) if scenario.osm_path else None
        factory = SlipFactory(scenario, streets=streets)
        token = tokens.add(f"demo-110-{secrets.token_hex(4)}") if tokens else None
    engine.start(feed_host=args.feed_host, feed_port=args.feed_port, radio_ports=radios)
    center.packer = DayPacker(url)  # yesterday ready for the replay (hub/day_packer.py)
    center.packer.start()
    if getattr(args, "nats", None):
        center.fanout = NatsFanout(engine, args.nats, args.center)
        engine.submit(center.fanout.start).result(timeout=30)
        engine.submit(engine.add_listener, center.fanout).result(timeout=5)
    log.info("database %s; radio ports %s", url, [f"{p.name}={p.url}" for p in radios] or "none")
    if args.demo:
        center.feed_task = engine.submit(run_simulated_feed, f"{engine.url}/feed", factory,
                                         args.first_alert_s, tuple(args.alert_interval_s),
                                         token)
    return center
