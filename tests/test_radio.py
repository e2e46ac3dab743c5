"""Radio over a real pseudo-terminal: the simulator on one side, the bridge on the other."""

from __future__ import annotations

import os
import queue
import time
import tty
from datetime import datetime

from hypothesis import given
from hypothesis import strategies as st

from radio import gateway
from radio.bridge import CONNECTED, DISCONNECTED, SerialBridge
from radio.framing import LineFramer
from radio.ports import PortConfig
from radio.protocols import fleetsync, paging
from radio.reports import PageAck, PositionReport, Rejected
from radio.simulator import GatewaySimulator, SimGuide


def collect():
    q: queue.Queue = queue.Queue()
    return (q, (lambda port, batch: [q.put(d) for d in batch]),
            (lambda port, s, why: q.put((s, why))))


def wait_for(q: queue.Queue, predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            item = q.get(timeout=deadline - time.monotonic())
        except queue.Empty:
            break
        if predicate(item):
            return item
    raise AssertionError("expected item did not arrive")


def bridge_to(sim: GatewaySimulator) -> tuple[queue.Queue, SerialBridge]:
    """The simulator started, and a bridge reading its pty into a queue."""
    q, on_decoded, on_status = collect()
    bridge = SerialBridge(PortConfig("radio0", sim.path), on_decoded=on_decoded,
                          on_status=on_status)
    sim.start()
    bridge.start()
    return q, bridge


def test_simulator_reports_and_acknowledges_pages_over_pty() -> None:
    guide = SimGuide(100, "1001", 122.1000, 30.0100, post=(122.1000, 30.0100))
    sim = GatewaySimulator([guide], time_scale=50, report_interval_s=0.1, ack_delay_s=0.1)
    q, bridge = bridge_to(sim)
    try:
        wait_for(q, lambda i: i == (CONNECTED, sim.path))
        report = wait_for(q, lambda i: isinstance(i, PositionReport))
        assert (report.fleet, report.unit, report.fix) == (100, "1001", True)
        target = (122.1030, 30.0120)
        page = paging.Page(7, 100, "1001", *target, "警保联动1001 解放路, 追尾")
        assert bridge.send(paging.encode_page(page))
        ack = wait_for(q, lambda i: isinstance(i, PageAck))
        assert (ack.seq, ack.unit) == (7, "1001")
        assert sim.pages[0].text == "警保联动1001 解放路\uff0c 追尾"  # comma made full-width
        wait_for(q, lambda i: isinstance(i, PositionReport) and abs(i.lon - target[0]) < 1e-4
                 and abs(i.lat - target[1]) < 1e-4)
    finally:
        bridge.stop()
        sim.stop()


def test_garbled_bytes_are_rejected_with_reason_and_good_frames_survive() -> None:
    master, slave = os.openpty()
    tty.setraw(slave)
    q, on_decoded, on_status = collect()
    bridge = SerialBridge(PortConfig("radio0", os.ttyname(slave)), on_decoded=on_decoded,
                          on_status=on_status)
    bridge.start()
    try:
        wait_for(q, lambda i: isinstance(i, tuple) and i[0] == CONNECTED)
        good = fleetsync.encode(100, "1002", datetime(2026, 11, 25, 1, 2, 3), 122.2, 30.0, 10, 45)
        os.write(master, b"\x00\xffjunk\r\n" + good[:20] + b"\r\n$PKLDS,garbled*00\r\n" + good)
        reasons = []
        report = wait_for(q, lambda i: isinstance(i, PositionReport) or (
            isinstance(i, Rejected) and reasons.append(i.reason) and False))
        assert report.unit == "1002"
        assert len(reasons) == 3
        assert bridge.counts["Rejected"] == 3 and bridge.counts["PositionReport"] == 1
    finally:
        bridge.stop()
        os.close(master)


def test_pulled_cable_is_reported_and_bridge_resumes() -> None:
    guide = SimGuide(100, "1001", 122.1, 30.01, post=(122.1, 30.01))
    sim = GatewaySimulator([guide], report_interval_s=0.1)
    q, bridge = bridge_to(sim)
    try:
        wait_for(q, lambda i: isinstance(i, PositionReport))
        sim.stop()  # the pty disappears
        wait_for(q, lambda i: isinstance(i, tuple) and i[0] == DISCONNECTED)
        sim2 = GatewaySimulator([guide], report_interval_s=0.1)
        bridge.url = sim2.path  # the cable is plugged back in (a new device node here)
        sim2.start()
        wait_for(q, lambda i: isinstance(i, PositionReport), timeout=10)
        sim2.stop()
    finally:
        bridge.stop()


@given(st.lists(st.binary(max_size=80), max_size=20))
def test_framer_and_decoder_never_crash_or_yield_bad_positions(chunks) -> None:
    framer = LineFramer()
    for chunk in chunks:
        for frame in framer.feed(chunk):
            decoded = gateway.decode(frame)
            if isinstance(decoded, PositionReport) and decoded.fix:
                assert -180 <= decoded.lon <= 180 and -90 <= decoded.lat <= 90
                assert decoded.speed_kmh >= 0 and 0 <= decoded.course < 360


@given(st.text(max_size=60), st.integers(0, 999999))
def test_page_roundtrip(text, seq) -> None:
    frame = paging.encode_page(paging.Page(seq, 100, "1001", 122.1, 30.0, text)).strip()
    page = paging.decode_page(frame)
    assert isinstance(page, paging.Page)
    assert page.seq == seq and (page.lon, page.lat) == (122.1, 30.0)
