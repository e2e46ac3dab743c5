"""The shift lead's review tools, started from the console's menu as programs of their own.

The replay and the KPI dashboard read the center's log from its database, which the console
itself never opens (it follows the hub): each runs as its own `jingbao replay` or `jingbao
kpi` process, so a long load can neither block nor crash the live window, and it stays open
when the console closes.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

log = logging.getLogger(__name__)

TOOLS = ("replay", "kpi")


@dataclass(frozen=True)
class ReviewTools:
    database: str | None  # None: a workstation that was not told the center's database
    scenario: Path
    lang: str
    tiles: str | None = None

    def command(self, tool: str, now: datetime) -> list[str]:
        """`jingbao replay|kpi` for today (`now` in China time; the replay opens at it), on
        this console's database and scenario, in its language."""
        if self.database is None:
            raise ValueError("no database")
        today = now.date().isoformat()
        when = (["--day", today, "--at", f"{now:%H:%M:%S}"] if tool == "replay"
                else ["--from", today])
        tiles = ["--tiles", self.tiles] if self.tiles and tool == "replay" else []
        return [sys.executable, "-m", "console", tool, "--db", self.database, "--scenario",
                str(self.scenario), "--lang", self.lang, *when, *tiles]

    def launch(self, tool: str, now: datetime) -> subprocess.Popen:
        argv = self.command(tool, now)
        log.info("review tool started: %s at %s", tool, now)
        return subprocess.Popen(argv, start_new_session=True, stdin=subprocess.DEVNULL)
