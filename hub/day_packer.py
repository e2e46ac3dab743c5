"""Packing each day for the replay once it is over, so no one waits for the first opening.

A day nobody has opened is read as rows the first time: 3–8 s on PostgreSQL, 9–25 s on SQLite
for 300 units (bench/replay.py), then it is packed (db/replay_days.py) and opens in well under
a second. The hub packs yesterday shortly after midnight instead. The packing reads millions
of rows in Python, so it runs in a process of its own: on one of the hub's threads it would
hold the GIL for seconds while radios report and alerts come in.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
from datetime import date, datetime, timedelta

from sqlalchemy import exists, select

from db import replay_source, tracks
from db.replay_days import TRACK_DAYS
from db.schema import make_engine
from dispatch.service_hours import CHINA_TZ

log = logging.getLogger(__name__)

CHECK_S = 600.0  # a day is packed within ten minutes of its end
PACK_TIMEOUT_S = 3600.0


class DayPacker:
    """Checks every `every_s` whether yesterday (China time) has fixes and no packs; if so,
    packs it in a child process. A day done (packed, or without fixes) is not looked at
    again by this hub."""

    def __init__(self, url: str, every_s: float = CHECK_S) -> None:
        self.url, self.every_s = url, every_s
        self.done: set[date] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="day-packer", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.is_set():
            day = datetime.now(CHINA_TZ).date() - timedelta(days=1)
            if day not in self.done:
                try:
                    self.pack_if_needed(day)
                except Exception:  # a failed packing must not stop the next day's
                    log.exception("packing %s for the replay failed", day)
            self._stop.wait(self.every_s)

    def pack_if_needed(self, day: date) -> bool:
        """Packs `day` when it has fixes and no packs; whether it packed."""
        if not self._needs_packing(day):
            self.done.add(day)
            return False
        context = multiprocessing.get_context("spawn")
        packing = context.Process(target=pack_in_process, args=(self.url, day),
                                  name=f"pack-{day}", daemon=True)
        packing.start()
        packing.join(PACK_TIMEOUT_S)
        if packing.is_alive():
            packing.kill()
            log.error("packing %s for the replay took over %.0f s: stopped", day,
                      PACK_TIMEOUT_S)
            return False
        if packing.exitcode != 0:
            log.error("packing %s for the replay failed (exit code %s)", day, packing.exitcode)
            return False
        self.done.add(day)
        log.info("%s packed for the replay", day)
        return True

    def _needs_packing(self, day: date) -> bool:
        start, end = tracks.day_bounds(day)
        engine = make_engine(self.url)
        try:
            with engine.connect() as connection:
                fixes = connection.scalar(select(exists().where(
                    tracks.POSITIONS.c.time >= start, tracks.POSITIONS.c.time < end)))
                packed = connection.scalar(select(exists().where(TRACK_DAYS.c.day == day)))
        finally:
            engine.dispose()
        return bool(fixes) and not packed


def pack_in_process(url: str, day: date) -> None:
    engine = make_engine(url)
    try:
        replay_source.pack_day(engine, day)
    finally:
        engine.dispose()
