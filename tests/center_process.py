"""A real `jingbao hub` process on a SQLite file, as a center runs it: restartable on the same
port (to kill it with SIGKILL and start it again), with a user and a client token made first."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from db.models import EventRow, PositionRow
from db.schema import make_engine, upgrade
from hub.feed_tokens import FeedTokens
from hub.users import Role, UserStore

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Center:
    """The hub process, its database, a shift lead `lead` (password `lead-password`) and a
    token for 110 or a radio bridge."""

    def __init__(self, tmp_path, url: str | None = None) -> None:
        self.directory = tmp_path
        self.url = url or f"sqlite:///{tmp_path / 'center.sqlite3'}"
        self.database = make_engine(self.url)
        upgrade(self.database)
        self.token = FeedTokens(self.database).add("client")
        UserStore(self.database).add("lead", "lead-password", Role.SHIFT_LEAD)
        self.port = free_port()
        self.hub: subprocess.Popen | None = None

    def start(self) -> None:
        self.hub = subprocess.Popen([JINGBAO, "hub", "--db", self.url, "--feed-port",
                                     str(self.port)], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
        assert "110 feed on" in self.hub.stdout.readline()

    def kill(self) -> None:
        self.hub.send_signal(signal.SIGKILL)
        self.hub.wait(10)

    def stop(self) -> None:
        if self.hub.poll() is None:
            self.hub.terminate()
            self.hub.wait(10)

    def positions(self) -> list[tuple[float, float]]:
        """The fixes in the track store, in log order."""
        with self.database.connect() as connection:
            return [tuple(r) for r in connection.execute(
                select(PositionRow.lon, PositionRow.lat).order_by(PositionRow.id))]

    def payloads(self, kind: str) -> list[dict]:
        with self.database.connect() as connection:
            return list(connection.execute(select(EventRow.payload).where(
                EventRow.type == kind).order_by(EventRow.id)).scalars())

    def count(self, kind: str) -> int:
        with self.database.connect() as connection:
            return connection.scalar(select(func.count()).where(EventRow.type == kind))
