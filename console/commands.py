"""Subcommands of `jingbao`; each imports its heavy modules only when it runs."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from datetime import date

from console.cli import command

log = logging.getLogger(__name__)


def day_arg(text: str) -> date:
    """A day on the command line, YYYY-MM-DD: a wrong one is a usage error, not a traceback."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a day (YYYY-MM-DD): {text!r}") from None


def demo_region(text: str) -> str:
    """`--demo REGION`: a region of resources/demo; an unknown one is a usage error."""
    from resources.scenario import demo_region as known

    try:
        return known(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _DemoRegion(argparse.Action):
    """`--demo [REGION]`: demo mode, on the region's scenario unless `--scenario` names one
    (whichever order they come in), so whatever loads `args.scenario` loads the region's."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        from resources.scenario import DEMO_REGIONS

        setattr(namespace, self.dest, values)
        if getattr(namespace, "scenario", None) is None:
            namespace.scenario = str(DEMO_REGIONS[values])


def _center_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--demo", nargs="?", const="zhoushan", default=False, type=demo_region,
                   action=_DemoRegion, metavar="REGION",
                   help="embedded demo: simulated 110 feed and radio gateway on a pty, "
                        "a fresh demo SQLite file; REGION zhoushan (the default: a synthetic "
                        "island) or helsinki (real OpenStreetMap streets)")
    p.add_argument("--db", help="database URL (default: SQLite file in the user data folder), "
                                "e.g. postgresql://user@host/db")
    p.add_argument("--scenario", help="scenario JSON (default: the Zhoushan demo region)")
    p.add_argument("--feed-host", default="127.0.0.1", help="110 feed listen address")
    p.add_argument("--feed-port", type=int, default=8765,
                   help="the hub's port: 110 feed at /feed, consoles at /console (0 = any free)")
    p.add_argument("--tls-cert", metavar="PEM",
                   help="serve wss:// with this certificate (chain) file; needs --tls-key")
    p.add_argument("--tls-key", metavar="PEM", help="the private key of --tls-cert")
    p.add_argument("--open-feed", action="store_true",
                   help="accept 110 slips without a feed token (only on a closed network; "
                        "otherwise give each 110 client a token: `jingbao feed-token add`)")
    p.add_argument("--radio", action="append", default=[], metavar="NAME=URL",
                   help="a radio gateway serial port, e.g. gw1=/dev/ttyUSB0 (repeatable)")
    p.add_argument("--voice", metavar="PTT[,line=RTS|DTR,device=D,lead=S,tail=S]",
                   help="speak pages on the air: key the radio's PTT on this serial port's "
                        "RTS (or DTR) and play espeak-ng's Mandarin to sound device D")
    p.add_argument("--time-scale", type=float, default=2.0,
                   help="demo: how much faster than real time simulated guides move")
    p.add_argument("--first-alert-s", type=float, default=2.0, help="demo: first alert after")
    p.add_argument("--alert-interval-s", type=float, nargs=2, default=[20.0, 60.0],
                   metavar=("MIN", "MAX"), help="demo: seconds between simulated alerts")


def _console_options(p: argparse.ArgumentParser) -> None:
    _center_options(p)
    p.add_argument("--hub", metavar="URL[,URL2]",
                   help="follow a center's hub (ws://host:8765 or wss://…) instead of running "
                        "one in this process; asks for the user and password. With a standby "
                        "hub, list both: the console goes to whichever serves")
    p.add_argument("--user", default="", help="with --hub: the user name to offer")
    p.add_argument("--tls-ca", metavar="PEM",
                   help="with a wss:// --hub: trust this CA (or self-signed) certificate")
    p.add_argument("--tiles", metavar="mbtiles:PATH | xyz:URL[,datum=gcj02]",
                   help="offline basemap: an MBTiles pack, or an internal XYZ tile server "
                        "({z}/{x}/{y}) cached on disk; datum gcj02 for Chinese providers")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="interface language")


@command("console", "run the dispatcher console (Qt window)", _console_options)
def console(args: argparse.Namespace) -> int:
    from console.app import run_console

    return run_console(args)


def _screenshot_options(p: argparse.ArgumentParser) -> None:
    _console_options(p)
    p.add_argument("--out", required=True, help="PNG file to write")
    p.add_argument("--seconds", type=float, default=14.0, help="let the demo run this long")
    p.set_defaults(demo=True, feed_port=0, time_scale=12.0, first_alert_s=0.5,
                   alert_interval_s=[1.0, 2.5])


@command("screenshot", "render the real window after the demo has run a little, save a PNG",
         _screenshot_options)
def screenshot(args: argparse.Namespace) -> int:
    from console.screenshot import take_screenshot

    return take_screenshot(args)


def _hub_options(p: argparse.ArgumentParser) -> None:
    _center_options(p)
    p.set_defaults(time_scale=1.0)
    p.add_argument("--nats", metavar="URL",
                   help="publish the log to NATS JetStream (nats://host:4222) for edge hubs, "
                        "and run their consoles' commands and 110 slips")
    p.add_argument("--edge", metavar="NATS_URL",
                   help="run as an edge hub: serve consoles and 110 here, following the "
                        "serving hub's log through NATS (needs --db to read the start state)")
    p.add_argument("--center", default="center",
                   help="the center's name on NATS (hubs of one center share it)")


@command("hub", "run the center without a window: 110 feed intake, radio ports, event log",
         _hub_options)
def hub(args: argparse.Namespace) -> int:
    from hub import heap
    from hub.center import LogListener, fail_stop, start_center

    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if args.edge:
        return _edge_hub(args, stop)
    center = start_center(args, LogListener(), standby=stop, standing_by=lambda db: print(
        f"hub: standing by: another hub holds the lease on {db}", flush=True))
    if center is None:
        return 0
    center.watch_lease(fail_stop)
    heap.settle()
    print(f"hub: 110 feed on ws://{args.feed_host}:{center.engine.feed_port}/feed", flush=True)
    stop.wait()
    center.stop()
    return 0


def _edge_hub(args: argparse.Namespace, stop: threading.Event) -> int:
    from pathlib import Path

    from db.schema import default_url
    from hub.edge import EdgeHub
    from hub.server import tls_context
    from resources import scenario as scenarios

    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    tls = tls_context(args.tls_cert, args.tls_key) if args.tls_cert else None
    edge = EdgeHub(args.db or default_url(), scenario, args.edge, args.center,
                   open_feed=args.open_feed, tls=tls)
    edge.start(args.feed_host, args.feed_port)
    print(f"hub: edge of {args.center} via {args.edge}: 110 feed on "
          f"ws://{args.feed_host}:{edge.feed_port}/feed", flush=True)
    stop.wait()
    edge.stop()
    return 0



def _simulate_radio_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", help="scenario JSON (default: the Zhoushan demo region)")
    p.add_argument("--time-scale", type=float, default=1.0, help="speed-up of guide movement")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between reports")


@command("simulate-radio", "open a pty, print its path, simulate guides' radios on it",
         _simulate_radio_options)
def simulate_radio(args: argparse.Namespace) -> int:
    from pathlib import Path

    from hub.center import simulated_guides
    from radio.simulator import GatewaySimulator
    from resources import scenario as scenarios

    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    sim = GatewaySimulator(simulated_guides(scenario), time_scale=args.time_scale,
                           report_interval_s=args.interval)
    print(sim.path, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sim.start()
    stop.wait()
    sim.stop()
    return 0


def _triage_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="alert slips, one JSON object per line (docs/alert-slip.md)")
    p.add_argument("--scenario", help="scenario JSON (default: the Zhoushan demo region)")


@command("triage", "print each slip's triage, one JSON line: eligible, verify (with the question "
         "to ask the caller) or referred to 120 / the police (with the reasons)", _triage_options)
def triage(args: argparse.Namespace) -> int:
    import json
    import sys
    from pathlib import Path

    from console.audit import triage_lines
    from resources import scenario as scenarios

    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    with open(args.file, encoding="utf-8") as lines:
        for verdict in triage_lines(lines, scenario):
            sys.stdout.write(json.dumps(verdict, ensure_ascii=False) + "\n")
    return 0


def _scenario_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", help="the scenario JSON to check (default: the demo's)")
    p.add_argument("--schema", action="store_true",
                   help="print the scenario file's JSON Schema instead "
                        "(published as docs/scenario.schema.json)")


@command("scenario", "check a scenario file: every problem with its key and line",
         _scenario_options)
def scenario(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from resources import scenario as scenarios
    from resources.scenario_model import ScenarioModel

    if args.schema:
        print(json.dumps(ScenarioModel.model_json_schema(), indent=2, ensure_ascii=False))
        return 0
    path = Path(args.file) if args.file else scenarios.DEMO_SCENARIO
    loaded = scenarios.load(path)  # a ScenarioError is reported by main with its lines
    print(f"{path}: {loaded.name}: valid; {len(loaded.zones)} zones, {len(loaded.posts)} posts, "
          f"{len(loaded.unit_specs)} units, {len(loaded.radio_ports)} radio ports")
    return 0


def _radio_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="radio_command", required=True)
    decode = sub.add_parser("decode", help="decode a capture file, one JSON line per frame")
    decode.add_argument("--protocol", required=True,
                        choices=["nmea", "fleetsync", "gateway", "kiss", "tnc2"],
                        help="how the capture's port speaks (as a radio port's protocol=)")
    decode.add_argument("--allow-no-checksum", action="store_true",
                        help="accept NMEA sentences without checksum")
    decode.add_argument("file", help="the capture (raw bytes as read from the serial line)")


@command("radio", "radio tools: `radio decode --protocol P FILE`", _radio_options)
def radio(args: argparse.Namespace) -> int:
    import json
    import sys
    from pathlib import Path

    from radio.decode_file import decode_bytes

    data = Path(args.file).read_bytes()
    for item in decode_bytes(data, args.protocol, args.allow_no_checksum):
        sys.stdout.write(json.dumps(item, ensure_ascii=False) + "\n")
    return 0


def _export_map_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--day", required=True, type=day_arg,
                   help="the day, YYYY-MM-DD (China time)")
    p.add_argument("--out", required=True, help="HTML file to write")
    p.add_argument("--db", help="database URL (default: the SQLite file in the data folder)")
    p.add_argument("--scenario", help="scenario JSON (default: the Zhoushan demo region)")
    p.add_argument("--tiles", metavar="PACK",
                   help="basemap pack (.mbtiles or .pmtiles) whose tiles the page carries "
                        "(default: the scenario's pack; `none` for no basemap)")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"],
                   help="the language of the page's statuses")


@command("export-map", "the day on one offline HTML map: incidents, tracks, heat map, posts, "
         "zones", _export_map_options)
def export_map(args: argparse.Namespace) -> int:
    from pathlib import Path

    from sqlalchemy import make_url

    from db.schema import default_url, make_engine, upgrade
    from map.tiles import open_pack
    from resources import scenario as scenarios

    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    pack = args.tiles or scenario.basemap
    tiles = open_pack(pack) if pack and str(pack) != "none" else None
    url = args.db or default_url()
    shown = make_url(url).render_as_string(hide_password=True)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        print(f"no database at {shown} (name one with --db); nothing exported", file=sys.stderr)
        return 2  # an export never creates an empty database to read nothing from
    engine = make_engine(url)
    upgrade(engine)
    try:
        count, empty = _write_day_map(engine, scenario, tiles, args.day,
                                      Path(args.out), args.lang)
    finally:
        engine.dispose()
    if empty:
        print(f"{shown} holds no events on {args.day}: the map is empty", file=sys.stderr)
    print(f"{args.out}: {count} incidents on {args.day}, read from {shown}")
    return 0


def _write_day_map(engine, scenario, tiles, day, out, lang: str = "zh_CN") -> tuple[int, bool]:
    """A day's map from the database (export-map, and each day of a report): its incidents,
    and whether the day held nothing at all. Range reads from the snapshot before the day, no
    replay of the hub's state."""
    from console.texts import status_words
    from db import days
    from map.day_map import export_day_map

    state, events = days.day_log(engine, scenario.roster, day)
    tracks = days.day_tracks(engine, day)
    count = export_day_map(events, scenario, day, out, tiles, state=state, tracks=tracks,
                           status_text=status_words(lang))
    return count, not events and not tracks


def _replay_options(p: argparse.ArgumentParser) -> None:
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--day", type=day_arg, help="the China day to replay, YYYY-MM-DD")
    when.add_argument("--from", dest="start", metavar="TIME",
                      help="start of a range, ISO time (China time unless it says otherwise); "
                           "with --to")
    p.add_argument("--to", dest="end", metavar="TIME", help="end of the --from range")
    p.add_argument("--db", help="database URL (default: the SQLite file in the data folder)")
    p.add_argument("--scenario", help="scenario JSON (default: the Zhoushan demo region)")
    p.add_argument("--tiles", metavar="mbtiles:PATH | xyz:URL[,datum=gcj02]",
                   help="offline basemap (default: the scenario's pack)")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="interface language")
    p.add_argument("--at", metavar="HH:MM[:SS]", help="open at this China time of the range")
    p.add_argument("--follow", metavar="UNIT", help="keep this unit in view")
    p.add_argument("--out", metavar="PNG",
                   help="save the window at --at as a PNG and exit (no interactive window)")


def _china_time(text: str):
    from datetime import datetime

    from dispatch.service_hours import CHINA_TZ

    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=CHINA_TZ)


@command("replay", "the day (or a range) on the map as it was at any moment: time slider, "
         "playback 1×–600×, follow a unit, incidents' milestones, event by event",
         _replay_options)
def replay(args: argparse.Namespace) -> int:
    from pathlib import Path

    from console.replay_window import show_replay
    from db import replay_source, tracks
    from db.schema import default_url, make_engine, upgrade
    from resources import scenario as scenarios

    if args.start and not args.end:
        log.error("--from needs --to")
        return 2
    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    start, end = (tracks.day_bounds(args.day) if args.day
                  else (_china_time(args.start), _china_time(args.end)))
    if end <= start:
        log.error("the range ends before it starts")
        return 2
    engine = make_engine(args.db or default_url())
    upgrade(engine)
    try:
        return show_replay(args, scenario, lambda progress, cancelled: replay_source.load_range(
            engine, scenario.roster, start, end, progress, cancelled))
    finally:
        engine.dispose()


def _archive_options(p: argparse.ArgumentParser) -> None:
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--before", type=day_arg,
                      help="archive every day before this one, YYYY-MM-DD (China "
                                       "time), into --out")
    what.add_argument("--load", metavar="DIR", help="load an archive's files into --db, which "
                                                    "must hold no log yet (for review)")
    p.add_argument("--out", help="folder for the archive's files (with --before)")
    p.add_argument("--db", help="database URL (default: the SQLite file in the data folder)")


@command("archive", "old days out of the live database into files (tracks and events, "
         "checked before anything is deleted), or back into a review database",
         _archive_options)
def archive(args: argparse.Namespace) -> int:
    from pathlib import Path

    from db import archive as archives
    from db.schema import default_url, make_engine, upgrade

    if args.before and not args.out:
        raise SystemExit("archive --before needs --out DIR")
    engine = make_engine(args.db or default_url())
    upgrade(engine)
    try:
        if args.load:
            files = archives.archive_files(Path(args.load))
            print(f"{archives.load(engine, files)} rows loaded from {len(files)} file(s)")
            return 0
        done = archives.archive(engine, args.before, Path(args.out))
    except archives.ArchiveRefused as refused:
        print(f"nothing changed: {refused}")
        return 1
    finally:
        engine.dispose()
    print(f"{done.rows} rows up to event {done.cut_id} archived in {len(done.files)} file(s) "
          f"and removed from the database")
    return 0


def _tiles_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="tiles_command", required=True)
    build = sub.add_parser("build", help="render an offline basemap pack (MBTiles or PMTiles)")
    source = build.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-osm", metavar="FILE", help="an .osm.pbf / .osm / .osm.gz extract")
    source.add_argument("--scenario", metavar="FILE",
                        help="a scenario JSON's own coast, roads and towns (the demo's island), "
                             "or the OSM extract it names under `osm`")
    build.add_argument("--zoom", default="10-17", help="zoom levels, e.g. 10-17")
    build.add_argument("--out", required=True,
                       help="pack to write: .mbtiles, or .pmtiles for a PMTiles file")
    build.add_argument("--name", help="the pack's name (default: the input file's)")


@command("tiles", "offline basemap tools: `tiles build --from-osm FILE --out pack.mbtiles`",
         _tiles_options)
def tiles(args: argparse.Namespace) -> int:
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # renders into images, no window
    from PySide6.QtGui import QGuiApplication

    from map import tile_pack

    _app = QGuiApplication.instance() or QGuiApplication([])  # fonts for the labels
    try:
        return _build_tiles(args, tile_pack.parse_zooms(args.zoom))
    except (OSError, RuntimeError, ValueError) as exc:  # osmium reports a bad file as such
        log.error("tiles build failed: %s", exc)
        return 2


def _build_tiles(args: argparse.Namespace, zooms: range) -> int:
    import tempfile
    from pathlib import Path

    from map import tile_pack
    from map.osm_features import read_osm

    if args.scenario:
        from map.scenario_osm import write_osm
        from resources import scenario as scenarios

        scenario = scenarios.load(Path(args.scenario))
        if scenario.osm_path is not None:  # real roads: the pack is its OSM extract's
            args.from_osm = str(scenario.osm_path)
            args.name = args.name or Path(args.scenario).stem
    if args.scenario and not args.from_osm:
        with tempfile.TemporaryDirectory() as folder:
            features = read_osm(write_osm(scenario, Path(folder) / "scenario.osm"))
        name, attribution = args.name or scenario.name, scenario.name
        source = Path(args.scenario)
        r = scenario.region
        box = (r.min_lon, r.min_lat, r.max_lon, r.max_lat)  # the sea around the island too
    else:
        features = read_osm(args.from_osm)
        name = args.name or Path(args.from_osm).name.split(".")[0]
        attribution = tile_pack.OSM_ATTRIBUTION
        source = Path(args.from_osm)
        box = None
    counts = tile_pack.build(features, zooms, Path(args.out), name, attribution,
                             source_sha1=tile_pack.sha1_of(source), lon_lat_box=box)
    print(f"{args.out}: {counts['tiles']} tiles ({counts['images']} distinct images), "
          f"zoom {zooms.start}-{zooms.stop - 1}")
    return 0


def _audit_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="audit_command", required=True)
    verify = sub.add_parser("verify", help="walk the event log's hash chain; name any row "
                                           "altered, deleted, inserted or moved")
    verify.add_argument("--db", help="database URL (default: the SQLite file in the data "
                                     "folder)")


@command("audit", "the tamper-evident event log: `audit verify --db URL`", _audit_options)
def audit(args: argparse.Namespace) -> int:
    from db.schema import default_url, make_engine
    from db.store import verify_chain

    url = args.db or default_url()
    engine = make_engine(url)
    try:
        verdict = verify_chain(engine)
    finally:
        engine.dispose()
    for problem in verdict.problems:
        print(f"event {problem.event_id}: {problem.what}")
    print(f"{url}: {verdict.checked} events checked, {len(verdict.problems)} problem(s); "
          f"head: event {verdict.head_id} {verdict.head_hash}")
    return 1 if verdict.problems else 0


ROLE_HELP = "dispatcher, radio_operator, shift_lead, admin or insurer_clerk (hub.users.Role)"
USER_HELP = "the user's login name"


def _users_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="users_command", required=True)
    add = sub.add_parser("add", help="a new user; the password is asked for")
    add.add_argument("name", help=USER_HELP)
    add.add_argument("--role", required=True, help=ROLE_HELP)
    add.add_argument("--insurer", help="the insurer an insurer_clerk works for, e.g. 人保财险")
    passwd = sub.add_parser("passwd", help="a new password (ends the user's sessions)")
    passwd.add_argument("name", help=USER_HELP)
    sub.add_parser("disable", help="no more logins; ends the user's sessions").add_argument(
        "name", help=USER_HELP)
    sub.add_parser("enable", help="may log in again").add_argument("name", help=USER_HELP)
    role = sub.add_parser("role", help="another role (from the user's next resume on)")
    role.add_argument("name", help=USER_HELP)
    role.add_argument("role", help=ROLE_HELP)
    role.add_argument("--insurer", help="required for insurer_clerk")
    sub.add_parser("list", help="every user, role, insurer and whether active")
    for each in sub.choices.values():
        each.add_argument("--db", help="database URL (default: the SQLite file in the data "
                                       "folder)")
    for each in (add, passwd):
        each.add_argument("--password-stdin", action="store_true",
                          help="read the password from the first line of stdin (scripts)")


def _new_password(from_stdin: bool) -> str:
    """From stdin for scripts; else typed twice without echo, so a typo is caught here and
    not at the user's first login."""
    import getpass
    import sys

    from hub.users import InvalidUser

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("password: ")
    if getpass.getpass("again: ") != password:
        raise InvalidUser("the two passwords differ")
    return password


@command("users", "who may log in and as what: `users add NAME --role ROLE`, `users list` …",
         _users_options)
def users(args: argparse.Namespace) -> int:
    from db.schema import default_url, make_engine, upgrade
    from hub.users import UserError, UserStore

    engine = make_engine(args.db or default_url())
    try:
        upgrade(engine)
        store = UserStore(engine)
        if args.users_command == "list":
            for user in store.list():
                print(f"{user.name}\t{user.role}\t{user.insurer or '-'}\t"
                      f"{'active' if user.active else 'disabled'}")
            return 0
        if args.users_command == "add":
            user = store.add(args.name, _new_password(args.password_stdin), args.role,
                             args.insurer)
        elif args.users_command == "passwd":
            user = store.set_password(args.name, _new_password(args.password_stdin))
        elif args.users_command == "role":
            user = store.set_role(args.name, args.role, args.insurer)
        elif args.users_command == "disable":
            user = store.disable(args.name)
        else:
            user = store.enable(args.name)
    except UserError as exc:
        log.error("users %s: %s", args.users_command, exc)
        return 1
    finally:
        engine.dispose()
    print(f"{user.name}: {user.role}{f' ({user.insurer})' if user.insurer else ''}, "
          f"{'active' if user.active else 'disabled'}")
    return 0


def _feed_token_options(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="feed_token_command", required=True)
    add = sub.add_parser("add", help="let a 110 system send slips; prints its token once")
    add.add_argument("name", help="a name for the 110 system, e.g. 110-main")
    revoke = sub.add_parser("revoke", help="refuse a 110 system's token from now on")
    revoke.add_argument("name", help="the 110 system's name, as given to `feed-token add`")
    sub.add_parser("list", help="the 110 systems and whether each may send")
    for parser in (add, revoke, sub.choices["list"]):
        parser.add_argument("--db", help="database URL (default: the SQLite file in the data "
                                         "folder)")


@command("feed-token", "tokens of the 110 systems allowed to send slips", _feed_token_options)
def feed_token(args: argparse.Namespace) -> int:
    from db.schema import default_url, make_engine, upgrade
    from hub.feed_tokens import FeedTokens

    engine = make_engine(args.db or default_url())
    upgrade(engine)
    tokens = FeedTokens(engine)
    try:
        if args.feed_token_command == "add":
            print(tokens.add(args.name))
        elif args.feed_token_command == "revoke":
            tokens.revoke(args.name)
        else:
            for name, active in tokens.list():
                print(f"{name}\t{'active' if active else 'revoked'}")
    except ValueError as exc:
        log.error("%s", exc)
        return 1
    finally:
        engine.dispose()
    return 0


def _backup_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: the SQLite file in the data folder)")
    p.add_argument("--out", required=True, help="the backup file to write")


@command("backup", "a consistent copy of the database while the hub runs (SQLite online "
         "backup, or pg_dump)", _backup_options)
def backup(args: argparse.Namespace) -> int:
    import subprocess
    from pathlib import Path

    from db.backup import backup as take_backup
    from db.schema import default_url

    try:
        how = take_backup(args.db or default_url(), Path(args.out))
    except (OSError, RuntimeError, subprocess.CalledProcessError) as exc:
        log.error("backup failed: %s", getattr(exc, "stderr", None) or exc)
        return 1
    print(f"{args.out}: {how}")
    return 0


def _radio_bridge_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--hub", required=True, metavar="URL[,URL2]",
                   help="the hub, ws://host:8765 (with a standby hub, both, comma-separated)")
    p.add_argument("--radio", action="append", default=[], metavar="NAME=URL",
                   help="a serial port with its options, as for the hub (repeatable; default: "
                        "the `radio` list of config.toml)")
    p.add_argument("--name", default=None, help="this bridge's name (default: the host name)")
    p.add_argument("--token", help="the token from `jingbao feed-token add NAME` on the hub "
                                   "(or the JINGBAO_TOKEN environment variable)")
    p.add_argument("--tls-ca", metavar="PEM", help="with wss://: trust this CA certificate")
    p.add_argument("--voice", metavar="PTT[,line=RTS|DTR,device=D,lead=S,tail=S]",
                   help="speak the hub's voice pages here: the serial port whose RTS or DTR "
                        "keys the radio, and the sound card wired to its microphone")


@command("radio-bridge", "serve a hub with this PC's radio ports (the PC with the cable)",
         _radio_bridge_options)
def radio_bridge(args: argparse.Namespace) -> int:
    import os
    import socket
    import ssl
    from pathlib import Path

    import platformdirs

    from console.user_config import config_path
    from radio.hub_bridge import HubBridge
    from radio.ports import parse_port_spec
    from radio.voice import pager_from_spec

    if not args.radio:
        log.error("no radio port: give --radio NAME=DEVICE or list them as `radio` in %s",
                  config_path())
        return 2
    ports = [parse_port_spec(spec) for spec in args.radio]
    tls = ssl.create_default_context(cafile=args.tls_ca) if args.tls_ca else None
    voice = pager_from_spec(args.voice, Path(platformdirs.user_data_dir(
        "jingbao", "jingbao")) / "voice") if args.voice else None
    bridge = HubBridge(args.hub, args.name or socket.gethostname(), ports,
                       token=args.token or os.environ.get("JINGBAO_TOKEN"), tls=tls, voice=voice)
    print(f"radio bridge {bridge.name}: {', '.join(p.name for p in ports)} → {bridge.url}",
          flush=True)
    try:
        bridge.serve()
    except KeyboardInterrupt:
        pass
    return 0


def _experiment_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--osm", required=True, help="road graph: an .osm.pbf extract (e.g. Andorra)")
    p.add_argument("--accidents", required=True,
                   help="accident sample `date;time;lng;lat;…` carried onto the graph's area")
    p.add_argument("--train-days", type=int, default=3,
                   help="the first N days plan the posts; the later days judge them")
    p.add_argument("--limit", type=float, default=10.0, help="HiGHS time limit per plan, s")


def _simulate_day_options(p: argparse.ArgumentParser) -> None:
    _experiment_options(p)
    p.add_argument("--guides", type=int, default=20, help="guides on duty, one per post")
    p.add_argument("--share", type=float, default=1.0,
                   help="share of the sample's accidents the joint desk takes (e.g. 0.25)")
    p.add_argument("--days", type=int, default=None, help="simulate only the first N held-out days")
    p.add_argument("--compare", action="store_true",
                   help="also hand-placed posts with straight-line nearest, same guides")
    p.add_argument("--fewest", type=float, metavar="RATE",
                   help="find the fewest guides whose held-out days reach RATE (e.g. 0.986)")


def _print_figures(label: str, figures) -> None:
    p = figures.percentiles
    causes = ", ".join(f"{k} {v}" for k, v in figures.breach_causes.items()) or "none"
    print(f"{label}: 8分钟到达率 8-minute rate {100 * figures.rate:.2f}% of "
          f"{figures.incidents}; p50 {p[50]:.0f} s, p90 {p[90]:.0f} s, p95 {p[95]:.0f} s; "
          f"breaches: {causes}")


@command("simulate-day", "operations simulation: real accident points on a road graph, guides "
         "at planned posts, the recommendation policy, rides on the roads",
         _simulate_day_options)
def simulate_day(args: argparse.Namespace) -> int:
    from pathlib import Path

    from map import day_simulation as ds

    exp = ds.load(Path(args.osm), Path(args.accidents), args.train_days)
    days = exp.test_days[:args.days]
    print(f"planning days {', '.join(map(str, exp.train_days))}; "
          f"held-out days {', '.join(map(str, days))}; {args.guides} guides")
    instance = ds.planning_instance(exp)
    planned = ds.planned_posts(exp, instance, args.guides, args.share, args.limit)
    runs = [("planned posts + road ETA", planned, "road")]
    if args.compare:
        hand = ds.hand_posts(exp, args.guides)
        runs += [("planned posts + road ETA, full search", planned, "road-full"),
                 ("planned posts + straight line", planned, "line"),
                 ("hand-placed posts + road ETA", hand, "road"),
                 ("hand-placed posts + straight line", hand, "line")]
    for label, posts, policy in runs:
        _print_figures(label, ds.figures(ds.run(exp, days, posts, policy, args.share)))
    if args.fewest is not None:
        for policy in ("road", "road-full"):
            found = ds.fewest_guides(exp, instance, args.fewest, days, policy, args.share)
            if found is None:
                print(f"{policy}: no number of guides up to 200 reaches {100 * args.fewest:.1f}%")
            else:
                _print_figures(f"{policy}: fewest guides reaching {100 * args.fewest:.1f}%: "
                               f"{found[0]}", found[1])
    return 0


def _plan_posts_options(p: argparse.ArgumentParser) -> None:
    _experiment_options(p)
    p.add_argument("-k", "--posts", type=int, default=20, help="posts to place per band")
    p.add_argument("--target", type=float, default=0.986,
                   help="also find the fewest posts reaching this share of the demand")
    p.add_argument("--band", action="append", default=[],
                   help="only this time band (repeatable; default all): morning_peak, "
                        "evening_peak, off_peak, night, weekend")
    p.add_argument("--map", metavar="HTML",
                   help="also write a map of hand-placed posts against the proposal for "
                        "--posts guides (all day), on the held-out days' accidents")
    p.add_argument("--share", type=float, default=1.0,
                   help="with --map: share of the accidents the desk takes (sets how busy a "
                        "guide is, hence where second guides go)")


@command("plan-posts", "duty-post planning per time band from the accident history: K posts "
         "(HiGHS, greedy + swap fallback), the fewest for a target, checked on held-out days",
         _plan_posts_options)
def plan_posts(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dispatch.planning import BANDS
    from map import day_simulation as ds
    from map.post_plans import compare_on_map, plan_band

    exp = ds.load(Path(args.osm), Path(args.accidents), args.train_days)
    print(f"planning days {', '.join(map(str, exp.train_days))}; held-out days "
          f"{', '.join(map(str, exp.test_days))}; ride budget {ds.RIDE_BUDGET_S:.0f} s")
    for band in args.band or BANDS:
        found = plan_band(exp, band, args.posts, args.target, args.limit)
        if found is None:
            print(f"{band}: no accident on the planning days")
            continue
        p, f = found.plan, found.fewest
        fewest = (f"fewest posts for {100 * args.target:.1f}%: {len(f.sites)} ({f.method})"
                  if f else f"{100 * args.target:.1f}% out of reach of every candidate")
        held_out = (f"{100 * found.held_out_share:.2f}% of {found.held_out} accidents"
                    if found.held_out else "no accident in this band")
        print(f"{band}: {found.accidents} accidents; {len(p.sites)} posts reach "
              f"{100 * p.share:.2f}% of the smoothed demand (gap to bound {p.gap_points:.3f} "
              f"points, {p.method}, {p.seconds:.2f} s); {fewest}; held-out: {held_out}")
    if args.map:
        now, proposal = compare_on_map(exp, args.posts, args.share, Path(args.map))
        print(f"{args.map}: held-out accidents reached within {ds.RIDE_BUDGET_S:.0f} s at peak: "
              f"hand-placed {100 * now:.2f}%, proposed {100 * proposal:.2f}%")
    return 0


def _report_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="first", required=True, type=day_arg,
                   help="first day, YYYY-MM-DD (local)")
    p.add_argument("--to", dest="last", required=True, type=day_arg,
                   help="last day, inclusive")
    p.add_argument("--out", required=True, help="folder for report.html and report.xlsx")
    p.add_argument("--db", help="database URL (default: SQLite file in the user data folder)")
    p.add_argument("--scenario", help="scenario JSON: its service zones and map (default: the "
                                      "Zhoushan demo region)")
    p.add_argument("--tiles", metavar="PACK",
                   help="basemap pack for the day maps (default: the scenario's; `none` for "
                        "no basemap)")
    p.add_argument("--no-maps", action="store_true", help="leave out the day maps")


@command("report", "KPI report of a date range: an HTML page with charts and an Excel workbook",
         _report_options)
def report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from console import report as kpi_report
    from db.event_range import events_between
    from db.schema import default_url, make_engine, upgrade
    from dispatch.service_hours import CHINA_TZ
    from map.tiles import open_pack
    from map.zones import ServiceZones
    from resources import scenario as scenarios

    first, last = args.first, args.last
    if last < first:
        log.error("--to %s is before --from %s", last, first)
        return 2
    engine = make_engine(args.db or default_url())
    upgrade(engine)
    print("读取事件 reading the events", flush=True)
    before, events = events_between(engine, *kpi_report.local_range(first, last, CHINA_TZ))
    print(f"{len(events)} events", flush=True)
    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    zones = ServiceZones(scenario.zones)
    pack = args.tiles or scenario.basemap
    tiles = open_pack(pack) if pack and str(pack) != "none" and not args.no_maps else None
    try:
        page, book = kpi_report.write(
            events, before, CHINA_TZ, first, last, Path(args.out),
            lambda step: print(step, flush=True),
            zone_of=lambda lon, lat: [name for name, _kind in zones.zones_at(lon, lat)],
            day_map=None if args.no_maps else
            lambda day, path: _write_day_map(engine, scenario, tiles, day, path)[0])
    finally:
        engine.dispose()
    print(f"{page}\n{book}")
    return 0


def _kpi_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", help="database URL (default: SQLite file in the user data folder)")
    p.add_argument("--scenario", help="scenario JSON: its service zones (default: the Zhoushan "
                                      "demo region)")
    p.add_argument("--from", dest="first", type=day_arg,
                   help="first day, YYYY-MM-DD (default: today)")
    p.add_argument("--period", choices=["day", "week", "month"], default="day",
                   help="how long a range the dashboard shows")
    p.add_argument("--lang", default="zh_CN", choices=["zh_CN", "en"], help="interface language")


@command("kpi", "the KPI dashboard: a day, week or month of the program's figures on screen",
         _kpi_options)
def kpi_dashboard(args: argparse.Namespace) -> int:
    from datetime import datetime
    from pathlib import Path

    from console import report as kpi_report
    from console.app import make_app
    from console.kpi_dashboard import KpiDashboard
    from db.event_range import events_between
    from db.schema import default_url, make_engine, upgrade
    from dispatch.service_hours import CHINA_TZ
    from map.zones import ServiceZones
    from resources import scenario as scenarios

    app = make_app(args.lang)
    scenario = scenarios.load(Path(args.scenario)) if args.scenario else scenarios.load()
    zones = ServiceZones(scenario.zones)
    engine = make_engine(args.db or default_url())
    upgrade(engine)

    def build(first: date, last: date) -> kpi_report.Report:
        before, events = events_between(engine, *kpi_report.local_range(first, last, CHINA_TZ))
        return kpi_report.build(
            events, before, CHINA_TZ, f"警保联动 KPI {first} — {last}",
            lambda lon, lat: [name for name, _kind in zones.zones_at(lon, lat)])

    first = args.first or datetime.now(CHINA_TZ).date()
    window = KpiDashboard(build, first, args.period)
    window.show()
    window.load()
    try:
        return app.exec()
    finally:
        engine.dispose()
