"""The hub's lease on its database: one hub writes a database at a time, another stands by.

Two hubs started on one PostgreSQL database (a center's standby, or a mistake) must not both
write the log: gap-free ids, the hash chain and the projections assume one writer. The active
hub holds a PostgreSQL session-level advisory lock on a connection of its own; a standby asks
for it every second and takes over when it is free. The server frees it the moment the
holder's connection ends, which a killed process's kernel does at once (and the keepalives in
db/schema.py do within about 30 s for a host that vanished). A hub that loses its lease while
alive (its connection to the server broke long enough for the server to end the session)
must stop: `held()` tells it. On SQLite the lease is an OS file lock beside the database
file (filelock), so a second hub or an embedded console on the same file waits or is told.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from filelock import FileLock, Timeout
from sqlalchemy import text
from sqlalchemy.engine import Connection

from db.schema import make_engine

log = logging.getLogger(__name__)

LEASE_KEY = 0x4A42_4855  # "JBHU": the advisory lock every Jingbao hub of a database asks for
POLL_S = 1.0


class Lease:
    def __init__(self, url: str) -> None:
        self.url = url
        self._connection: Connection | None = None
        self._file: FileLock | None = None
        self._engine = make_engine(url)
        if self._engine.dialect.name == "sqlite":
            path = Path(url.removeprefix("sqlite:///"))
            # not thread-local: the lease is checked on another thread than it was taken on
            self._file = FileLock(f"{path}.lease", thread_local=False)

    def try_acquire(self) -> bool:
        if self._file is not None:
            try:
                self._file.acquire(timeout=0)
            except Timeout:
                return False
            return True
        connection = self._engine.connect().execution_options(
            isolation_level="AUTOCOMMIT")  # an idle transaction would be ended by the server
        if connection.scalar(text("select pg_try_advisory_lock(:key)"), {"key": LEASE_KEY}):
            self._connection = connection
            return True
        connection.close()  # back to the pool: this session holds nothing
        return False

    def wait(self, stop: threading.Event | None = None, poll_s: float = POLL_S) -> bool:
        """Until the lease is ours (True) or `stop` is set (False)."""
        stop = stop or threading.Event()
        while not stop.is_set():
            try:
                if self.try_acquire():
                    return True
            except Exception as exc:  # noqa: BLE001 - the server away: a standby keeps asking
                log.warning("lease on %s: %s; asking again", self.url, exc)
            stop.wait(poll_s)
        return False

    def held(self) -> bool:
        """Still ours? On PostgreSQL: the session that holds the lock is still alive."""
        if self._file is not None:
            return self._file.is_locked
        if self._connection is None:
            return False
        try:
            return bool(self._connection.scalar(text(
                "select count(*) from pg_locks where locktype = 'advisory' and granted "
                "and pid = pg_backend_pid() and objid = :key"), {"key": LEASE_KEY}))
        except Exception as exc:  # noqa: BLE001 - a broken connection means the lock is gone
            log.error("lease on %s lost: %s", self.url, exc)
            return False

    def release(self) -> None:
        if self._file is not None and self._file.is_locked:
            self._file.release()
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                connection.invalidate()  # the session ends (not back to the pool): lock freed
                connection.close()
            except Exception as exc:  # noqa: BLE001 - already gone: the lock went with it
                log.warning("lease on %s: closing: %s", self.url, exc)
