"""`jingbao report` on a database holding the hand-built day of tests/test_kpi.py.

One alert of the day before sits in the log too, so the range read has to count it for the case
numbers to line up; the figures are the hand-computed ones of test_kpi.py (3 of 7 within 8
minutes = 42.9%, success 4 of 7 = 57.1%, breaches 4).
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert

from console.cli import main
from db.models import EventRow
from db.schema import make_engine, upgrade
from dispatch import events as ev
from dispatch.events import Event
from tests import needs
from tests.test_kpi import BASE, hand_built_day

DEMO_UNITS = {"G1001": "G01", "G1002": "G02", "G1003": "G03", "G1004": "G04", "G1005": "G05",
              "G1010": "G06", "G1011": "G07"}  # the hand day's guides as the demo roster's


def _one_case_later(e: Event) -> Event:
    """The day's events after one earlier alert: every case number moves up by one; its
    guides are the demo roster's, whose map the report draws."""
    payload = {k: str(int(v) + 1) if k in ("case", "into") else v for k, v in e.payload.items()}
    if "unit" in payload:
        payload["unit"] = DEMO_UNITS[payload["unit"]]
    return replace(e, payload=payload)


def _database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'log.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    earlier = Event(ev.ALERT_RECEIVED, "desk", "ws1", {
        "alert_id": "A0", "received_at": (BASE - timedelta(days=1)).isoformat(),
        "location": {"lon": 122.1, "lat": 30.0}}, BASE - timedelta(days=1))
    log = [earlier, *map(_one_case_later, hand_built_day())]
    with engine.begin() as connection:
        connection.execute(insert(EventRow), [
            {"id": n, "time": e.time, "type": e.type, "actor": e.actor,
             "workstation": e.workstation, "payload": e.payload}
            for n, e in enumerate(log, start=1)])
    engine.dispose()
    return url


def test_report_of_a_range(tmp_path, capsys) -> None:
    out = tmp_path / "out"
    assert main(["report", "--from", "2026-05-04", "--to", "2026-05-05", "--out", str(out),
                 "--db", _database(tmp_path), "--tiles", "none"]) == 0
    told = capsys.readouterr().out
    assert "计算指标" in told and "地图 day map 2/2: 2026-05-05" in told
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<td>8分钟到达率 8-minute arrival rate</td><td>42.9%</td>" in page
    assert "<td>处置成功率 success rate</td><td>57.1%</td>" in page
    assert "<td>1004</td><td>540</td><td>无空闲引导员 no unit free</td>" in page  # case 1003 + 1
    assert page.count("<svg") == 4
    assert "<td>G03</td><td>1</td><td>0.0%</td><td>540</td><td>540</td>" in page
    # the hand table's west cases lie in the demo's 定海城区, the east ones in 临城新区
    assert "<td>定海城区</td><td>3</td><td>66.7%</td><td>400</td><td>540</td>" in page
    assert "<td>临城新区</td><td>4</td><td>25.0%</td><td>500</td><td>未到达 never</td>" in page
    assert "<td>平安</td><td>2</td><td>50.0%</td><td>300</td><td>540</td>" in page
    assert "<td>未注明 not named</td><td>2</td><td>0.0%</td>" in page
    assert "<td>现场协商处理 settled on the spot</td><td>2</td>" in page
    assert '<iframe src="maps/2026-05-04.html"' in page  # the peak day's map, in the page
    assert (out / "maps" / "2026-05-05.html").exists()
    with zipfile.ZipFile(out / "report.xlsx") as book:
        names = re.findall(r'<sheet name="([^"]+)"', book.read("xl/workbook.xml").decode())
        strings = book.read("xl/sharedStrings.xml").decode()
        assert any(n.startswith("xl/charts/") for n in book.namelist())
    assert names == ["概要 summary", "环节 stages", "每日 per day", "时段 per hour",
                     "引导员 per unit", "保险公司 per insurer", "结案方式 dispositions",
                     "移交 referrals", "超时 breaches", "服务区 per area"]
    assert "42.9%" in strings and "车辆无法移动:移交交警" in strings


def test_the_report_renders_in_headless_chromium(tmp_path) -> None:
    needs.tool("chromium", "chromium")
    out = tmp_path / "out"
    assert main(["report", "--from", "2026-05-04", "--to", "2026-05-05", "--out", str(out),
                 "--db", _database(tmp_path), "--tiles", "none"]) == 0
    shot = tmp_path / "report.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    f"--screenshot={shot}", "--window-size=900,1400",
                    (out / "report.html").as_uri()], check=True, capture_output=True, timeout=60)
    assert shot.stat().st_size > 20_000  # charts and tables drawn, not a blank page
