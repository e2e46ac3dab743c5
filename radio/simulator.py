"""A radio gateway simulator on a pseudo-terminal: guides that patrol, take pages and drive.

It speaks exactly what a real gateway would on the serial line ($PKLDS out, $PJBPG in, $PJBAK
out), so the console under test cannot tell it from hardware. Guides move along the roads when
given a way to find them (an OSM scenario's router), else along an L-shaped street path
(east-west, then north-south), at e-motorcycle speed; `time_scale` speeds the world
up for tests and demos.
"""

from __future__ import annotations

import logging
import os
import random
import select
import threading
import time
import tty
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dispatch import geodesy
from radio.framing import LineFramer
from radio.protocols import fleetsync, paging

log = logging.getLogger(__name__)

E_MOTO_KMH = 25.0
PATROL_KMH = 12.0
PATROL_RADIUS_M = 400.0


@dataclass
class SimGuide:
    fleet: int
    unit: str
    lon: float
    lat: float
    post: tuple[float, float]
    waypoints: list[tuple[float, float]] = field(default_factory=list)
    speed_kmh: float = 0.0
    course: float = 0.0
    assigned: bool = False
    # the way along real roads (lon1, lat1, lon2, lat2) → points, [] if none; else an L
    streets: Callable[[float, float, float, float], list[tuple[float, float]]] | None = None

    def route_to(self, lon: float, lat: float, speed_kmh: float) -> None:
        """Along the roads when the guide knows them; else streets run east-west and
        north-south: go along one, then the other."""
        way = self.streets(self.lon, self.lat, lon, lat) if self.streets else []
        self.waypoints = way or [(lon, self.lat), (lon, lat)]
        self.speed_kmh = speed_kmh

    def step(self, dt_s: float) -> None:
        budget = self.speed_kmh / 3.6 * dt_s
        while self.waypoints and budget > 0:
            lon, lat = self.waypoints[0]
            d = geodesy.distance_m(self.lon, self.lat, lon, lat)
            if d > 0.01:
                self.course = geodesy.bearing_deg(self.lon, self.lat, lon, lat)
            if d <= budget:
                self.lon, self.lat = lon, lat
                self.waypoints.pop(0)
                budget -= d
            else:
                f = budget / d
                self.lon += (lon - self.lon) * f
                self.lat += (lat - self.lat) * f
                budget = 0
        if not self.waypoints:
            self.speed_kmh = 0.0


class GatewaySimulator:
    def __init__(self, guides: list[SimGuide], *, time_scale: float = 1.0,
                 report_interval_s: float = 1.0, ack_delay_s: float = 1.0, seed: int = 7) -> None:
        self.guides = {(g.fleet, g.unit): g for g in guides}
        self.time_scale = time_scale
        self.report_interval_s = report_interval_s
        self.ack_delay_s = ack_delay_s
        self.pages: list[paging.Page] = []
        self.polls = 0
        self._random = random.Random(seed)
        self._framer = LineFramer()
        self._pending_acks: list[tuple[float, paging.Page]] = []
        self._outbox = bytearray()  # written as the pty takes it, as a UART drains its FIFO
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.path = os.ttyname(self._slave)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run, name="radio-simulator", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=3)
        for fd in (self._master, self._slave):
            try:
                os.close(fd)
            except OSError:
                pass

    def run(self) -> None:
        last = time.monotonic()
        next_report = last
        while not self._stop.is_set():
            writing = [self._master] if self._outbox else []
            readable, writable, _ = select.select([self._master], writing, [], 0.05)
            if readable:
                self._read_pages()
            if writable:
                self._flush()
            now = time.monotonic()
            for guide in self.guides.values():
                self._drive(guide, (now - last) * self.time_scale)
            last = now
            self._send_due_acks(now)
            if now >= next_report:
                self._report_all()
                next_report = now + self.report_interval_s

    def _drive(self, guide: SimGuide, dt_s: float) -> None:
        guide.step(dt_s)
        if not guide.waypoints and not guide.assigned and self._random.random() < 0.02:
            east, north = (self._random.uniform(-PATROL_RADIUS_M, PATROL_RADIUS_M) for _ in "xy")
            guide.route_to(*geodesy.offset(*guide.post, east, north), PATROL_KMH)

    def _read_pages(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except OSError:
            return
        for frame in self._framer.feed(data):
            if frame.startswith(b"$PJBPL"):
                self._answer_poll(paging.decode_poll(frame))
                continue
            page = paging.decode_page(frame)
            if isinstance(page, paging.Page):
                self._take_page(page)
            else:
                log.warning("simulator ignored frame: %s %r", page.reason, frame)

    def _answer_poll(self, poll) -> None:
        guide = self.guides.get(poll) if isinstance(poll, tuple) else None
        if guide is None:
            log.warning("simulator: poll for an unknown radio or malformed: %r", poll)
            return
        self.polls += 1
        self._write(fleetsync.encode(guide.fleet, guide.unit, datetime.now(UTC), guide.lon,
                                     guide.lat, guide.speed_kmh, guide.course))

    def _take_page(self, page: paging.Page) -> None:
        guide = self.guides.get((page.fleet, page.unit))
        if guide is None:
            log.warning("simulator: page for unknown unit %03d/%s", page.fleet, page.unit)
            return
        self.pages.append(page)
        self._pending_acks.append((time.monotonic() + self.ack_delay_s, page))

    def _send_due_acks(self, now: float) -> None:
        due = [p for t, p in self._pending_acks if t <= now]
        self._pending_acks = [(t, p) for t, p in self._pending_acks if t > now]
        for page in due:
            self._write(paging.encode_ack(page.seq, page.fleet, page.unit))
            guide = self.guides[(page.fleet, page.unit)]
            guide.assigned = True
            guide.route_to(page.lon, page.lat, E_MOTO_KMH)

    def _report_all(self) -> None:
        when = datetime.now(UTC)
        for g in self.guides.values():
            self._write(fleetsync.encode(g.fleet, g.unit, when, g.lon, g.lat, g.speed_kmh,
                                         g.course))

    def _write(self, frame: bytes) -> None:
        """Queue a frame and write what the pty takes now. A burst of 300 reports (~21 KB)
        is more than a pty holds (~19 KB): writing each frame once and dropping it on
        EAGAIN lost ~7% of a burst, and a partial write cut a frame in two."""
        self._outbox += frame
        self._flush()

    def _flush(self) -> None:
        try:
            del self._outbox[:os.write(self._master, self._outbox)]
        except BlockingIOError:
            pass  # the reader is behind: the rest goes when select says the pty is writable
        except OSError as exc:
            log.warning("simulator: write failed, %d bytes dropped: %s", len(self._outbox), exc)
            self._outbox.clear()
