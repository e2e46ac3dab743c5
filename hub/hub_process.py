"""The one-workstation console's hub in a child process of its own.

The window follows its hub over the console link either way, so the hub could run on a thread
of the window's process, and did. But there it shared Python's GIL with the window: 300 radios
decoded, a log written and events sent, while the UI thread waited for the lock between every
call into Qt. An alert's row then took 350 ms at the median and over 900 ms at p99 to appear
(`bench/alert_to_row.py`) against 49 ms with the hub in a process of its own. Since FleetSync
is read without pynmeagps (radio/protocols/fleetsync_plain.py) the two measure alike; the
child still keeps the rest of the hub's work (NMEA ports decoded by pynmeagps, a 110 burst)
and its crashes off the window, and it is what a center runs: another program the console
talks to.

The child is started with `spawn` (a fork of a process that has started Qt or threads is
unsafe), sends its log records to the parent's handlers, and stops in order when the parent
asks or when the parent is gone (the pipe closes).
"""

from __future__ import annotations

import logging
import logging.handlers
import multiprocessing
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Protocol

from hub import heap
from hub.center import LeaseHeld, LogListener, fail_stop, start_center

log = logging.getLogger(__name__)

READY_TIMEOUT_S = 120.0  # a first start migrates the database and loads the road graph


class Stoppable(Protocol):
    def stop(self) -> None: ...


@dataclass(frozen=True)
class Served:
    """What a started hub tells the window that follows it."""

    url: str
    token: str
    workstation: str
    voice: bool
    database: str | None = None  # for the review tools the window starts (they read the log)


# `start(*args)` runs in the child: it starts a hub and returns it with what the window needs.
HubStarter = Callable[..., tuple[Stoppable, Served]]


class HubFailed(RuntimeError):
    """The child could not start its hub (its log says more)."""


class HubProcess:
    """The parent's handle on the child hub."""

    def __init__(self, process: multiprocessing.Process, conn: Connection,
                 logs: logging.handlers.QueueListener, served: Served) -> None:
        self.process, self._conn, self._logs, self.served = process, conn, logs, served

    def alive(self) -> bool:
        return self.process.is_alive()

    @property
    def exitcode(self) -> int | None:
        return self.process.exitcode

    def stop(self, timeout_s: float = 30.0) -> None:
        """An orderly stop (the log flushed, the lease released); killed if it hangs."""
        if self.process.is_alive():
            try:
                self._conn.send("stop")
            except OSError:
                pass
            self.process.join(timeout_s)
            if self.process.is_alive():
                log.error("the hub did not stop within %.0f s: killed", timeout_s)
                self.process.kill()
                self.process.join(5)
        self._conn.close()
        self._logs.stop()


def start_hub_process(start: HubStarter, *args: Any) -> HubProcess:
    """`start(*args)` in a new process; returns once its hub serves. `start` and `args` must
    be picklable (a module-level function and plain values)."""
    context = multiprocessing.get_context("spawn")
    records = context.Queue()
    root = logging.getLogger()
    logs = logging.handlers.QueueListener(records, *root.handlers, respect_handler_level=True)
    logs.start()
    ours, theirs = context.Pipe()
    levels = {name: logger.level for name, logger in root.manager.loggerDict.items()
              if isinstance(logger, logging.Logger) and logger.level}  # e.g. alembic's quiet
    process = context.Process(target=_serve, args=(start, args, theirs, records,
                                                   root.level, levels),
                              name="jingbao-hub", daemon=True)
    process.start()
    theirs.close()
    try:
        served = _wait_ready(ours, process)
    except BaseException:
        process.kill()
        process.join(5)
        ours.close()
        logs.stop()
        raise
    return HubProcess(process, ours, logs, served)


def _wait_ready(conn: Connection,
                process: multiprocessing.Process) -> Served:
    if not conn.poll(READY_TIMEOUT_S):
        raise HubFailed(f"the hub did not start within {READY_TIMEOUT_S:.0f} s")
    try:
        kind, value = conn.recv()
    except EOFError:
        process.join(5)
        raise HubFailed(f"the hub stopped while starting (exit code {process.exitcode}); "
                        "its log says why") from None
    if kind == "lease_held":  # the window says it in the user's language
        raise LeaseHeld(value)
    if kind == "failed":
        raise HubFailed(value)
    return value


def _serve(start: HubStarter, args: tuple, conn: Connection,
           records: multiprocessing.Queue, level: int, levels: dict[str, int]) -> None:
    """The child: log through the parent (at its levels), start, say so, then wait for the
    word to stop."""
    root = logging.getLogger()
    root.handlers[:] = [_PlainQueueHandler(records)]
    root.setLevel(level)
    for name, named_level in levels.items():
        logging.getLogger(name).setLevel(named_level)
    try:
        hub, served = start(*args)
    except LeaseHeld as exc:
        conn.send(("lease_held", exc.database))
        return
    except Exception as exc:  # told to the parent, which decides what the user sees
        log.exception("the hub did not start")
        conn.send(("failed", f"the hub did not start: {exc}"))
        return
    heap.settle()
    conn.send(("ready", served))
    try:
        conn.recv()  # "stop", or EOFError: the window's process is gone
    except EOFError:
        log.warning("the console's process is gone: the hub stops")
    hub.stop()
    log.info("hub stopped")


class _PlainQueueHandler(logging.handlers.QueueHandler):
    """Sends only a record's plain fields: websockets attaches its connection object
    (`extra={"websocket": ...}`), which cannot cross a process."""

    def prepare(self, record: logging.LogRecord) -> logging.LogRecord:
        record = super().prepare(record)
        return logging.makeLogRecord({key: getattr(record, key) for key in _PLAIN_FIELDS})


_PLAIN_FIELDS = ("name", "msg", "levelname", "levelno", "pathname", "filename", "module",
                 "lineno", "funcName", "created", "msecs", "relativeCreated", "thread",
                 "threadName", "process", "processName", "message")


def embedded_center(args: Any) -> tuple[Stoppable, Served]:
    """The console's own center (`jingbao console` without `--hub`), as `start_center` makes
    it from the command line; the window's session is the PC's user's."""
    center = start_center(args, LogListener())
    center.watch_lease(fail_stop)
    engine = center.engine
    token = engine.console_link.local_session(center.actor.name, center.actor.workstation)
    database = engine.store.engine.url.render_as_string(hide_password=False)
    return center, Served(engine.url, token, center.actor.workstation, engine.voice is not None,
                          database)
