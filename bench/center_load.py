"""The center under load, measured (issue 10): does every console keep up, and how late?

A center's hub feeds every workstation over the console link while 300 radios report each
second and 110 sends a steady stream of slips. The question a center asks before it adds
desks: does each console get every event once, in order, and soon enough, and does the hub's
memory stay flat? So this runs one real `jingbao hub` process on a temporary SQLite file,
simulated radio gateways on ptys with the units reporting at 1 Hz, a 110 client sending slips
at a fixed rate (each waits for its ack, as 110 does), and N headless consoles (the real
`HubClient`, as threads of this process) following the hub. Fan-out latency is the event's
`time` (the hub's UTC clock when it made the event) to its arrival at a console's listener;
hub and consoles share this machine's clock. Hub RSS and CPU come from /proc.

Prints the figures beside the goal (fan-out p99 <= 100 ms, 0 lost, memory flat). Exits 1 only
if a console lost, doubled or reordered an event, or the hub died; latency and memory are
reported, not judged, since a noisy shared machine makes them wander.

    .venv/bin/python bench/center_load.py [--consoles 10] [--units 300] [--alerts-per-s 5]
                                          [--case-minutes 1] [--kept-minutes 2]
                                          [--minutes 10] [--gateways 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from websockets.asyncio.client import connect  # noqa: E402

from console.hub_client import CommandRefused, Credentials, HubClient  # noqa: E402
from db.models import EventRow, IncidentRow, PositionRow  # noqa: E402
from db.schema import make_engine, upgrade  # noqa: E402
from dispatch import events as ev  # noqa: E402
from hub.center import simulated_guides  # noqa: E402
from hub.simulated_feed import SlipFactory  # noqa: E402
from hub.users import UserStore  # noqa: E402
from radio.simulator import GatewaySimulator  # noqa: E402
from resources import scenario as scenarios  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
JINGBAO = str(ROOT / ".venv" / "bin" / "jingbao")
USER, PASSWORD = "bench", "bench-password"
PATH_KEYS = ("basemap", "osm", "roads_geojson", "zones_geojson", "posts_geojson")
GOAL_P99_MS = 100.0
SAMPLE_S = 1.0
DRAIN_TIMEOUT_S = 60.0
TICK_S = os.sysconf("SC_CLK_TCK")


# -- set-up ------------------------------------------------------------------------------------
def scenario_file(folder: Path, units: int, kept_minutes: float) -> Path:
    """The demo scenario with `units` guides (fleet 100, radios 1001…) spread over its posts,
    ended cases kept `kept_minutes` in memory; its relative paths made absolute, since the
    copy lives elsewhere."""
    demo = scenarios.DEMO_SCENARIO
    doc = json.loads(demo.read_text(encoding="utf-8"))
    for key in PATH_KEYS:
        if doc.get(key):
            doc[key] = str((demo.parent / doc[key]).resolve())
    posts = list(doc["posts"])
    doc["units"] = [{"unit_id": f"G{n:03d}", "name": f"引导员{n:03d}", "kind": "guide",
                     "fleet": 100, "radio_id": str(1000 + n), "post": posts[n % len(posts)]}
                    for n in range(1, units + 1)]
    doc.setdefault("program", {})["ended_kept_hours"] = kept_minutes / 60
    path = folder / "center_load.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def add_user(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    UserStore(engine).add(USER, PASSWORD, "shift_lead")
    engine.dispose()


def start_hub(url: str, scenario: Path, ptys: list[str], log_path: Path,
              *extra: str) -> tuple[subprocess.Popen, str]:
    """The hub as a center runs it; its log goes to a file (read for cut-off consoles)."""
    radios = [arg for n, pty in enumerate(ptys) for arg in ("--radio", f"sim{n + 1}={pty}")]
    with log_path.open("w") as log_file:
        hub = subprocess.Popen([JINGBAO, "hub", "--db", url, "--feed-port", "0", "--scenario",
                                str(scenario), *radios, "--open-feed", *extra],
                               stdout=subprocess.PIPE, stderr=log_file, text=True)
    line = hub.stdout.readline()
    if "110 feed on" not in line:
        hub.kill()
        raise RuntimeError(f"the hub did not start: {line!r}\n{log_path.read_text()[-2000:]}")
    return hub, line.split(" on ")[1].strip().removesuffix("/feed")


def stop_hub(hub: subprocess.Popen) -> None:
    hub.terminate()
    try:
        hub.wait(timeout=15)
    except subprocess.TimeoutExpired:
        hub.kill()
        hub.wait()


# -- what a console saw ------------------------------------------------------------------------
class Console:
    """A headless console's listener: each event's id and how late it arrived, in order."""

    def __init__(self) -> None:
        self.ids = array("q")
        self.late_ms = array("d")
        self.alert_late_ms = array("d")  # 110's alerts alone: what a dispatcher waits for
        self.line_ms = array("d")  # from the hub sending the batch (its `sent`) to here
        self.client: HubClient | None = None
        self.snapshot_seq: int | None = None
        self.snapshots = 0
        self.drops = 0

    @property
    def last_id(self) -> int:
        return self.ids[-1] if self.ids else (self.snapshot_seq or 0)

    def session_opened(self, user: str, role: str, verbs: list[str]) -> None:
        pass

    def snapshot_received(self, state) -> None:
        self.snapshots += 1
        if self.snapshot_seq is None:
            self.snapshot_seq = state.last_event_id

    def events_appended(self, events) -> None:
        now = time.time()
        sent = self.client.batch_sent_at if self.client is not None else None
        if sent is not None:
            self.line_ms.extend([(now - sent) * 1000] * len(events))
        for event in events:
            self.ids.append(event.id)
            late = (now - event.time.timestamp()) * 1000
            self.late_ms.append(late)
            if event.type == ev.ALERT_RECEIVED:
                self.alert_late_ms.append(late)

    def radio_logged(self, entry) -> None:
        pass

    def link_changed(self, link: str, status: str, detail: str) -> None:
        if link == "hub" and status == "disconnected":
            self.drops += 1


@dataclass
class Check:
    received: int
    lost: int
    doubled: int
    out_of_order: int


def check(console: Console, last: int) -> Check:
    """Against the log: every id after the console's snapshot up to `last`, once, in order."""
    ids = [i for i in console.ids if i <= last]
    expected = set(range((console.snapshot_seq or 0) + 1, last + 1))
    out_of_order = sum(1 for a, b in zip(ids, ids[1:], strict=False) if b <= a)
    return Check(len(ids), len(expected - set(ids)), len(ids) - len(set(ids)), out_of_order)


# -- load ----------------------------------------------------------------------------------------
@dataclass
class Feed:
    """110's side: slips sent at a fixed rate, each answered before the next is sent."""

    url: str
    factory: SlipFactory
    rate: float
    stop: threading.Event = field(default_factory=threading.Event)
    acked: int = 0
    refused: int = 0
    ack_ms: list[float] = field(default_factory=list)
    error: str | None = None

    def run(self) -> None:
        if self.rate <= 0:  # --alerts-per-s 0: radio load alone
            return
        try:
            asyncio.run(self._send())
        except Exception as exc:  # noqa: BLE001 - reported with the figures
            self.error = f"{type(exc).__name__}: {exc}"

    async def _send(self) -> None:
        async with connect(f"{self.url}/feed") as ws:
            start = time.monotonic()
            n = 0
            while not self.stop.is_set():
                delay = start + n / self.rate - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)
                sent = time.perf_counter()
                await ws.send(json.dumps(self.factory.make(), ensure_ascii=False))
                reply = json.loads(await ws.recv())
                self.ack_ms.append((time.perf_counter() - sent) * 1000)
                if reply.get("type") == "ack":
                    self.acked += 1
                else:
                    self.refused += 1
                n += 1


@dataclass
class Desk:
    """A dispatcher ending cases: each is referred `case_s` after its receipt, through a
    console's session like any command. A real desk ends its cases, so the open cases stay
    level and ended ones retire from memory (dispatch/retirement.py); without it the hub
    would only show that open cases cost memory. Reads what is open from the projection."""

    url: str
    client: HubClient
    case_s: float
    stop: threading.Event = field(default_factory=threading.Event)
    ended: int = 0
    refused: int = 0

    def run(self) -> None:
        database = make_engine(self.url)
        first_seen: dict[str, float] = {}  # the desk's own clock: no time zones to mind
        try:
            while not self.stop.wait(1.0):
                with database.connect() as connection:
                    cases = connection.execute(select(IncidentRow.case).where(
                        IncidentRow.status == "received")).scalars().all()
                now = time.monotonic()
                due = [case for case in cases
                       if now - first_seen.setdefault(case, now) >= self.case_s]
                for future in [self.client.submit("refer", case, "referred_police")
                               for case in due]:
                    try:
                        future.result(10)
                        self.ended += 1
                    except (CommandRefused, TimeoutError):
                        self.refused += 1
        finally:
            database.dispose()


class DropCounter(logging.Handler):
    """The simulator logs a report it could not write (the pty full: the hub not reading)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "report dropped" in record.getMessage():
            self.count += 1


# -- the hub from outside ------------------------------------------------------------------------
def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """utime + stime of the process, in seconds (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICK_S


def last_event_id(url: str) -> int:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            return max(session.scalar(select(func.max(EventRow.id))) or 0,
                       session.scalar(select(func.max(PositionRow.id))) or 0)
    finally:
        engine.dispose()


def events_by_type(url: str, after: int, last: int) -> dict[str, int]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            rows = session.execute(select(EventRow.type, func.count()).where(
                EventRow.id > after, EventRow.id <= last).group_by(EventRow.type))
            counts = dict(rows.all())
            counts[ev.UNIT_POSITION] = session.scalar(select(func.count()).where(
                PositionRow.id > after, PositionRow.id <= last))  # the track store's
            return counts
    finally:
        engine.dispose()


@dataclass
class Samples:
    """Hub RSS over the run (seconds since load began, MB) and CPU seconds at start and end."""

    rss: list[tuple[float, float]] = field(default_factory=list)
    cpu_start: float = 0.0
    cpu_end: float = 0.0
    bench_cpu_start: float = 0.0
    bench_cpu_end: float = 0.0
    seconds: float = 0.0

    def rss_at(self, fraction: float) -> float:
        target = fraction * self.seconds
        return min(self.rss, key=lambda s: abs(s[0] - target))[1]


def watch(hub: subprocess.Popen, seconds: float) -> Samples:
    """Sample the hub until the run is over; stop early if it died."""
    samples = Samples(cpu_start=cpu_s(hub.pid), bench_cpu_start=_own_cpu())
    start = time.monotonic()
    while (elapsed := time.monotonic() - start) < seconds and hub.poll() is None:
        samples.rss.append((elapsed, rss_mb(hub.pid)))
        time.sleep(min(SAMPLE_S, max(0.0, seconds - elapsed)))
    samples.seconds = time.monotonic() - start
    if hub.poll() is None:
        samples.rss.append((samples.seconds, rss_mb(hub.pid)))
        samples.cpu_end = cpu_s(hub.pid)
    samples.bench_cpu_end = _own_cpu()
    return samples


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def drain(url: str, consoles: list[Console], hub: subprocess.Popen) -> tuple[int, float]:
    """Wait until every console holds the log's last event (as read when the load stopped
    writing); the last id and how long the wait took."""
    start = time.monotonic()
    last, settled = last_event_id(url), False
    while time.monotonic() - start < DRAIN_TIMEOUT_S and hub.poll() is None:
        if all(c.last_id >= last for c in consoles):
            if settled:
                break
            time.sleep(0.5)  # let a write already queued in the hub land, then once more
            last, settled = last_event_id(url), True
            continue
        time.sleep(0.1)
    return last, time.monotonic() - start


# -- figures -------------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    return values[min(len(values) - 1, int(p / 100 * len(values)))] if values else float("nan")


def latency_table(consoles: list[Console], last: int) -> list[tuple[float, float, float]]:
    rows = []
    for c in consoles:
        late = sorted(ms for i, ms in zip(c.ids, c.late_ms, strict=True) if i <= last)
        rows.append((pct(late, 50), pct(late, 95), pct(late, 99)))
    return rows


def print_latency(consoles: list[Console], rows: list[tuple[float, float, float]],
                  last: int) -> None:
    pooled = sorted(ms for c in consoles for i, ms in zip(c.ids, c.late_ms, strict=True)
                    if i <= last)
    alerts = sorted(ms for c in consoles for ms in c.alert_late_ms)
    line = sorted(ms for c in consoles for ms in c.line_ms)
    if line:
        each = [pct(sorted(c.line_ms), 99) for c in consoles]
        print("hub → console fan-out on the line (the hub sends the batch → console listener), "
              f"ms: p50 {pct(line, 50):.1f}, p95 {pct(line, 95):.1f}, p99 {pct(line, 99):.1f}"
              f"; worst console p99 {max(each):.1f}: goal p99 ≤ {GOAL_P99_MS:.0f} ms "
              f"{'met' if max(each) <= GOAL_P99_MS else 'NOT met'}")
    print("end to end (the event made on the hub, written, sent → console listener), ms:")
    print(f"  all consoles pooled: p50 {pct(pooled, 50):.1f}, p95 {pct(pooled, 95):.1f}, "
          f"p99 {pct(pooled, 99):.1f}, max {pooled[-1] if pooled else float('nan'):.1f}")
    if alerts:
        print(f"  110 alerts alone, pooled: p50 {pct(alerts, 50):.1f}, "
              f"p95 {pct(alerts, 95):.1f}, p99 {pct(alerts, 99):.1f}")
    for name, k in (("p50", 0), ("p95", 1), ("p99", 2)):
        each = [r[k] for r in rows]
        print(f"  {name}: median over consoles {statistics.median(each):.1f}, "
              f"best {min(each):.1f}, worst console {max(each):.1f}")
    worst = max(r[2] for r in rows)
    verdict = "met" if worst <= GOAL_P99_MS else "NOT met"
    print(f"  p99 ≤ {GOAL_P99_MS:.0f} ms end to end on every console: {verdict} "
          f"(worst {worst:.1f})")


def print_hub(samples: Samples, alerts: int) -> None:
    """RSS at start, middle and end, and per tenth of the run: the open cases the state holds
    grow with the alerts, so growth is also given per 1,000 alerts."""
    start, middle, end = (samples.rss_at(f) for f in (0.0, 0.5, 1.0))
    peak = max(mb for _, mb in samples.rss)
    half_min = samples.seconds / 120 or 1
    cpu = (samples.cpu_end - samples.cpu_start) / samples.seconds * 100
    bench = (samples.bench_cpu_end - samples.bench_cpu_start) / samples.seconds * 100
    print(f"hub RSS: start {start:.1f} MB, middle {middle:.1f} MB, end {end:.1f} MB, "
          f"peak {peak:.1f} MB; second half {(end - middle) / half_min:+.2f} MB/min"
          + (f", {(end - start) / alerts * 1000:+.1f} MB per 1,000 alerts" if alerts else "")
          + " (goal: flat)")
    print("  by tenths of the run: "
          + " ".join(f"{samples.rss_at(n / 10):.1f}" for n in range(11)))
    print(f"hub CPU: {cpu:.0f} % of one core (this bench process, radio + 110 + consoles: "
          f"{bench:.0f} %; {os.cpu_count()} cores)")


def print_events(url: str, first: int, last: int, samples: Samples, drops: int) -> None:
    counts = events_by_type(url, first, last)
    fixes = counts.get(ev.UNIT_POSITION, 0)
    print(f"events appended: {last - first:,} (ids {first + 1}..{last}); "
          f"{fixes:,} fixes = {fixes / samples.seconds:.0f}/s; others "
          + (", ".join(f"{t} {n}" for t, n in sorted(counts.items())
                       if t != ev.UNIT_POSITION) or "none"))
    if drops:
        print(f"radio reports the simulator could not write (pty full): {drops:,}")


def print_feed(feed: Feed, seconds: float) -> None:
    acks = sorted(feed.ack_ms)
    if not feed.ack_ms and feed.error is None:
        print("110 slips: none sent")
        return
    print(f"110 slips: {feed.acked:,} acked ({feed.acked / seconds:.2f}/s), "
          f"{feed.refused} refused; ack p50 {pct(acks, 50):.1f} ms, p99 {pct(acks, 99):.1f} ms"
          + (f"; feed failed: {feed.error}" if feed.error else ""))


def print_consoles(consoles: list[Console], checks: list[Check],
                   rows: list[tuple[float, float, float]]) -> bool:
    """Per console: received, lost, doubled, out of order; True if all are whole."""
    whole = True
    for n, (c, k, (p50, _, p99)) in enumerate(zip(consoles, checks, rows, strict=True), 1):
        bad = k.lost or k.doubled or k.out_of_order or c.snapshot_seq is None
        whole = whole and not bad
        print(f"  console {n:2d}: received {k.received:,}, lost {k.lost}, doubled {k.doubled}, "
              f"out of order {k.out_of_order}; reconnects {c.drops}, snapshots {c.snapshots}; "
              f"p50 {p50:.0f} ms, p99 {p99:.0f} ms" + ("  ← FAILED" if bad else ""))
    return whole


def report_consoles(consoles: list[Console], first: int, last: int, waited: float) -> bool:
    checks = [check(c, last) for c in consoles]
    print(f"events each console received (goal: all {last - first:,}, 0 lost, 0 doubled, "
          f"0 out of order; all caught up {waited:.1f} s after the load stopped):")
    rows = latency_table(consoles, last)
    whole = print_consoles(consoles, checks, rows)
    print_latency(consoles, rows, last)
    return whole


# -- the run -------------------------------------------------------------------------------------
def open_consoles(bases: list[str], roster,
                  count: int) -> tuple[list[Console], list[HubClient]]:
    """Consoles spread over the hubs in turn (the serving hub first, then the edge)."""
    consoles, clients = [], []
    for n in range(count):
        console = Console()
        client = HubClient(bases[n % len(bases)], roster, console,
                           Credentials(user=USER, password=PASSWORD),
                           workstation=f"bench-desk-{n + 1:02d}")
        client.start()
        console.client = client
        consoles.append(console)
        clients.append(client)
    for n, client in enumerate(clients):
        if not client.connected.wait(30):
            raise RuntimeError(f"console {n + 1} did not connect: {client.links}")
    return consoles, clients


def run(args: argparse.Namespace, folder: Path) -> int:
    url = f"sqlite:///{folder}/center.sqlite3"
    scenario_path = scenario_file(folder, args.units, args.kept_minutes)
    scenario = scenarios.load(scenario_path)
    add_user(url)
    drops = DropCounter()
    sim_log = logging.getLogger("radio.simulator")
    sim_log.addHandler(drops)
    sim_log.setLevel(logging.DEBUG)
    guides = simulated_guides(scenario)
    sims = [GatewaySimulator(guides[n::args.gateways], report_interval_s=1.0)
            for n in range(args.gateways)]
    center = ("--nats", args.edge, "--center", f"bench{os.getpid()}") if args.edge else ()
    hub, base = start_hub(url, scenario_path, [s.path for s in sims], folder / "hub.log",
                          *center)
    bases, edge = [base], None
    if args.edge:  # an edge hub following the serving one through NATS, on the same file
        edge, edge_base = start_hub(url, scenario_path, [], folder / "edge.log", "--edge",
                                    args.edge, *center[2:])
        bases.append(edge_base)
        print(f"consoles 2, 4, … follow the edge hub {edge_base} (through NATS {args.edge})")
    clients: list[HubClient] = []
    feed = Feed(base, SlipFactory(scenario, seed=args.seed), args.alerts_per_s)
    try:
        consoles, clients = open_consoles(bases, scenario.roster, args.consoles)
        first = last_event_id(url)
        feeder = threading.Thread(target=feed.run, name="110", daemon=True)
        desk = Desk(url, clients[0], args.case_minutes * 60)
        ending = threading.Thread(target=desk.run, name="desk", daemon=True)
        for sim in sims:
            sim.start()
        feeder.start()
        if args.case_minutes > 0:
            ending.start()
        samples = watch(hub, args.minutes * 60)
        feed.stop.set()
        desk.stop.set()
        for sim in sims:
            sim.stop()
        feeder.join(timeout=15)
        last, waited = drain(url, consoles, hub)
    finally:
        for client in clients:
            client.stop()
        alive = hub.poll() is None and (edge is None or edge.poll() is None)
        stop_hub(hub)
        if edge is not None:
            stop_hub(edge)
    print(f"center under load: {args.consoles} consoles, {args.units} units at 1 Hz "
          f"on {args.gateways} gateway(s), {args.alerts_per_s:g} alerts/s, "
          f"{samples.seconds / 60:.1f} min (asked {args.minutes:g}); seed {args.seed}; {url}")
    print_events(url, first, last, samples, drops.count)
    print_feed(feed, samples.seconds)
    retired = sum(int(line.split(" ended case")[0].rsplit(" ", 1)[-1]) for line in (
        folder / "hub.log").read_text(errors="replace").splitlines() if " ended case" in line)
    print(f"cases ended by the desk {args.case_minutes:g} min after receipt: {desk.ended:,} "
          f"({desk.refused} refused); retired from the hub's memory {args.kept_minutes:g} min "
          f"after they ended: {retired:,}")
    whole = report_consoles(consoles, first, last, waited)
    if samples.cpu_end:
        print_hub(samples, feed.acked)
    cut = (folder / "hub.log").read_text(errors="replace").count("cannot keep up")
    print(f"consoles the hub cut off for falling behind: {cut}")
    if not alive:
        print(f"the hub DIED; its log: {folder / 'hub.log'}")
    failed = not alive or not whole or feed.error is not None
    print("FAILED" if failed else "ok: every console got every event once, in order")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--consoles", type=int, default=10)
    parser.add_argument("--units", type=int, default=300)
    parser.add_argument("--alerts-per-s", type=float, default=5.0)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--gateways", type=int, default=3,
                        help="radio gateways (ptys) the units are spread over: one serial "
                             "line cannot carry 300 reports a second, and one pty burst of "
                             "300 overflows while the hub is busy (reports dropped)")
    parser.add_argument("--case-minutes", type=float, default=1.0,
                        help="a desk (console 1) refers each case this long after its receipt; "
                             "0: cases stay open and the hub's memory grows with them")
    parser.add_argument("--kept-minutes", type=float, default=2.0,
                        help="the scenario's ended_kept_hours, in minutes: how long an ended "
                             "case stays in memory (12 h in a center; short here to reach the "
                             "steady state within the run)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--edge", metavar="NATS_URL",
                        help="also run an edge hub following the serving hub through NATS "
                             "(nats://127.0.0.1:4222); every other console follows the edge")
    args = parser.parse_args()
    return run(args, Path(tempfile.mkdtemp(prefix="center_load_")))


if __name__ == "__main__":
    raise SystemExit(main())
