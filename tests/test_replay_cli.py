"""`jingbao replay` as a user runs it, in a real subprocess, on the hand-built morning."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

from dispatch.state import UnitStatus
from map.styles import UNIT_COLOURS
from tests.test_replay_source import write_morning

JINGBAO = [sys.executable, "-m", "console"]
ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.gui


def run(*args: str, cache: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CACHE_HOME": str(cache)}
    return subprocess.run([*JINGBAO, "replay", *args], capture_output=True, text=True,
                          cwd=ROOT, env=env, timeout=120)


def test_replay_draws_the_moment_asked_for(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'day.sqlite3'}"
    write_morning(url)
    out = tmp_path / "replay.png"
    done = run("--db", url, "--from", "2026-11-25T10:00", "--to", "2026-11-25T11:00",
               "--at", "10:03:30", "--follow", "G01", "--out", str(out), cache=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"{out}: 13 fixes, 2 incidents, at 11-25 10:03:30"
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1600, 1000)
    en_route = QColor(UNIT_COLOURS[UnitStatus.EN_ROUTE]).rgb()
    assert any(image.pixel(x, y) == en_route  # G01's marker, riding to the case
               for x in range(0, 1600, 2) for y in range(0, 1000, 2))


def test_replay_wants_a_whole_range(tmp_path) -> None:
    done = run("--db", f"sqlite:///{tmp_path / 'x.sqlite3'}", "--from", "2026-11-25T10:00",
               cache=tmp_path)
    assert done.returncode == 2
    assert "--from needs --to" in done.stderr
