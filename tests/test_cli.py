"""The `jingbao` command as a user runs it, in real subprocesses."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import serial
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from tests.test_dispatch_core import SLIP

JINGBAO = [sys.executable, "-m", "console"]
ROOT = Path(__file__).resolve().parents[1]


def test_help_lists_the_subcommands() -> None:
    out = subprocess.run([*JINGBAO, "--help"], capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    for name in ("console", "hub", "simulate-radio", "screenshot"):
        assert name in out


def test_simulate_radio_prints_a_pty_that_speaks_fleetsync() -> None:
    proc = subprocess.Popen([*JINGBAO, "simulate-radio", "--interval", "0.2"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        with serial.Serial(path, timeout=3) as port:
            line = port.readline()
        assert line.startswith(b"$PKLDS,") and line.endswith(b"\r\n")
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0


async def _send(port: int, doc: dict, token: str | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else None
    async with connect(f"ws://127.0.0.1:{port}/feed", additional_headers=headers) as ws:
        await ws.send(json.dumps(doc))
        return json.loads(await ws.recv())


def test_hub_persists_an_alert_it_acknowledges(tmp_path) -> None:
    """On a server without Qt: PySide6 cannot be imported at all in this hub's process. Only
    a 110 client holding a feed token made with `jingbao feed-token` gets in."""
    no_qt = tmp_path / "no-qt" / "PySide6"
    no_qt.mkdir(parents=True)
    (no_qt / "__init__.py").write_text("raise ImportError('no Qt on this server')\n")
    db = tmp_path / "hub.sqlite3"
    token = subprocess.run([*JINGBAO, "feed-token", "add", "110-main", "--db", f"sqlite:///{db}"],
                           capture_output=True, text=True, check=True).stdout.strip()
    env = {**os.environ, "PYTHONUNBUFFERED": "1",
           "PYTHONPATH": os.pathsep.join([str(no_qt.parent), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([*JINGBAO, "hub", "--db", f"sqlite:///{db}", "--feed-port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, env=env)
    try:
        port = int(re.search(r":(\d+)/feed", proc.stdout.readline())[1])
        for wrong in (None, "not-a-token"):
            with pytest.raises(InvalidStatus, match="401"):
                asyncio.run(_send(port, SLIP, wrong))
        assert asyncio.run(_send(port, SLIP, token))["type"] == "ack"
        subprocess.run([*JINGBAO, "feed-token", "revoke", "110-main", "--db", f"sqlite:///{db}"],
                       check=True)
        with pytest.raises(InvalidStatus, match="401"):
            asyncio.run(_send(port, SLIP, token))
    finally:
        proc.terminate()
        assert proc.wait(timeout=10) == 0
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select type, actor from events").fetchall()
    assert rows == [("alert_received", "hub:110-feed")]


def test_feed_tokens_paste_safely_onto_a_command_line(tmp_path) -> None:
    """A token is pasted after `--token`; one that began with "-" was read by argparse as an
    option (CI failed on exactly that), so tokens are hex."""
    from db.schema import make_engine, upgrade
    from hub.feed_tokens import FeedTokens

    database = make_engine(f"sqlite:///{tmp_path / 'tokens.sqlite3'}")
    upgrade(database)
    tokens = FeedTokens(database)
    for k in range(20):
        assert re.fullmatch(r"[0-9a-f]{64}", tokens.add(f"client-{k}"))


def test_triage_prints_a_verdict_per_slip() -> None:
    """Three outcomes: eligible, referred with the reason, and verify with the question to ask
    (a hedge is not a negation; a pedestrian knocked down is asked about even when the caller
    says everyone is fine)."""
    out = subprocess.run([*JINGBAO, "triage", str(ROOT / "tests/data/slips.jsonl")], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    verdicts = [json.loads(line) for line in out.splitlines()]
    assert [(v["alert_id"], v["decision"]) for v in verdicts] == [
        ("T-1", "eligible"), ("T-2", "referred_120"), ("T-3", "referred_police"),
        ("T-5", "verify"), ("T-6", "verify"), ("T-4", "rejected"), (None, "rejected")]
    assert verdicts[1]["signals"] == [{"code": "injury", "phrase": "有人受伤流血",
                                       "modality": "asserted"}]
    assert verdicts[0]["question"] is None
    assert verdicts[3]["question"].startswith("现场有没有人受伤")
    assert verdicts[3]["signals"][0]["modality"] == "hedged"
    assert "站起来" in verdicts[4]["question"]
    assert verdicts[4]["reasons"][0].startswith("请与报警人核实:被撞倒")
    assert "outside the region" in verdicts[5]["reasons"][0]


def test_triage_refuses_a_slip_the_feed_would_refuse(tmp_path) -> None:
    """The same decoding and limits as the feed: a line nested 2,000 deep is refused with the
    reason, not a crash (json.loads raised RecursionError here before)."""
    slips = tmp_path / "deep.jsonl"
    slips.write_text("[" * 2000 + "]" * 2000 + "\n" + json.dumps(SLIP) + "\n")
    out = subprocess.run([*JINGBAO, "triage", str(slips)], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout
    first, second = (json.loads(line) for line in out.splitlines())
    assert first["decision"] == "rejected" and "nested deeper" in first["reasons"][0]
    assert second["alert_id"] == "A-1"
