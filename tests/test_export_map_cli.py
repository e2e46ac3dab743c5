"""`jingbao export-map` as a new user runs it: it names the database it read, says when the day
is empty, and never creates a database it was not given (it used to create an empty SQLite file
in the data folder and export nothing, without a word)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from db.schema import make_engine, upgrade

JINGBAO = str(Path(sys.executable).with_name("jingbao"))


def run(*argv: str, data: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "XDG_DATA_HOME": str(data), "XDG_STATE_HOME": str(data / "state")}
    return subprocess.run([JINGBAO, "export-map", "--day", "2026-11-25", "--tiles", "none",
                           *argv], capture_output=True, text=True, timeout=120, env=env)


def test_no_database_is_created_and_an_empty_day_is_said(tmp_path) -> None:
    out = tmp_path / "day.html"
    missing = tmp_path / "nowhere.sqlite3"
    result = run("--out", str(out), "--db", f"sqlite:///{missing}", data=tmp_path / "data")
    assert result.returncode == 2 and "no database at" in result.stderr
    assert str(missing) in result.stderr
    assert not missing.exists() and not out.exists()
    result = run("--out", str(out), data=tmp_path / "data")  # the default: not there either
    assert result.returncode == 2 and not list((tmp_path / "data").rglob("*.sqlite3"))
    empty = tmp_path / "empty.sqlite3"
    upgrade(make_engine(f"sqlite:///{empty}"))
    result = run("--out", str(out), "--db", f"sqlite:///{empty}", data=tmp_path / "data")
    assert result.returncode == 0, result.stderr
    assert "holds no events on 2026-11-25" in result.stderr
    assert f"read from sqlite:///{empty}" in result.stdout and out.exists()


def test_the_day_map_names_statuses_in_the_users_language() -> None:
    """Pop-ups and hover texts of the exported page said "closed" and "referred_police";
    they use the catalogue now, with no window (export-map has no QApplication)."""
    from console.texts import status_words

    chinese, english = status_words("zh_CN"), status_words("en")
    assert (chinese("closed"), chinese("referred_police")) == ("已结案", "移交交警")
    assert english("closed") == "Closed"


def test_a_wrong_day_is_a_usage_error_not_a_traceback(tmp_path) -> None:
    for argv in (["export-map", "--day", "2026-02-30", "--out", "x.html"],
                 ["report", "--from", "2026-05-04", "--to", "yesterday", "--out", "x"],
                 ["kpi", "--from", "nope"], ["archive", "--before", "2026/11/01", "--out", "x"]):
        told = subprocess.run([JINGBAO, *argv], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "XDG_DATA_HOME": str(tmp_path)})
        assert told.returncode == 2 and "not a day (YYYY-MM-DD)" in told.stderr, argv
        assert "Traceback" not in told.stderr, argv
