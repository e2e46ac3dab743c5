"""KPIs of docs/kpi.md on a hand-built day whose figures were worked out by hand below.

The day (UTC; the center's clock is UTC+8, so 00:00 UTC is 08:00 local on 2026-05-04):

| case | received | dispatched | acked | arrived | closed | notes |
| 1001 | 00:00:00 | +60 eta 300 | +80 | +400 | +1600 | |
| 1002 | 01:00:00 | +90 eta 240 | +100 | +300 | +1500 | 110's time 30 s before the hub's |
| 1003 | 02:00:00 | +300 eta 200 | +320 | +540 | +2000 | waited for a free unit |
| 1004 | 03:00:00 | +40 eta 560 | +60 | +640 | — | referred to police on scene +900 |
| 1005 | 04:00:00 | +30 eta 200 | +200 | +500 | +1800 | late acknowledgement |
| 1006 | 05:00:00 | triage → 120 ("有人受伤:移交120") |
| 1007 | 06:00:00 | triage → police ("车辆无法移动:移交交警") |
| 1008 | 06:30:00 | triage → police ("车辆无法移动:移交交警", "损失超限:移交交警") |
| 1009 | 07:00:00 | merged into 1001 (duplicate) |
| 1010 | 17:00:00 | +45 eta 120 | +50 | +200 | open | 01:00 local on 05-05 |
| 1011 | 18:00:00 | +60 eta 100 | page failed +300, never reached | 02:00 local on 05-05 |

Handled (dispatched, not duplicate): 1001-1005, 1010, 1011 = 7.
Responses: 400 300 540 640 500 200 inf → sorted 200 300 400 500 540 640 inf.
8-minute rate: 200, 300, 400 ≤ 480 → 3/7. Nearest rank: p50 = 4th = 500, p90 = p95 = 7th = inf.
Receipt→dispatch: 30 40 45 60 60 90 300 → p50 4th 60, p90/p95 7th 300.
Dispatch→ack (6, 1011 never acked): 5 10 20 20 20 170 → p50 3rd 20, p90/p95 6th 170.
Ack→arrival: 150 200 220 300 320 580 → p50 3rd 220, p90/p95 580.
Arrival→clearance (1001 1002 1003 1005): 1200 1200 1300 1460 → p50 2nd 1200, p90/p95 1460.
Per local day: 05-04: 5, 05-05: 2; peak 05-04 with 5; local hours 8 9 10 11 12 1 2 once each.
Success: 1001 1002 1003 1005 settled on scene → 4/7.
Referrals: 车辆无法移动 2, 有人受伤 1, 损失超限 1, on-scene → police 1.
Breaches: 1003 540 no unit free (300 s to dispatch > 120); 1004 640 far (ETA 560 > 480, ride
580 > 300); 1005 500 late ack (170 s > 60); 1011 inf late ack (page failed).

Places, insurers and dispositions (handled cases only in the groups):
| case | lon | insurers | closed as |
| 1001 | 122.1 (west) | 人保 | settled |
| 1002 | 122.1 (west) | 平安 | claim |
| 1003 | 122.1 (west) | 人保, 平安 | settled |
| 1004 | 122.2 (east) | — | (referred) |
| 1005 | 122.2 (east) | 人保 | left |
| 1010 | 122.2 (east) | 太保 | open |
| 1011 | 122.2 (east) | — | never reached |
West: 400 300 540 → 3, rate 2/3, p50 2nd 400, p90 3rd 540. East: 640 500 200 inf → 4, rate
1/4, p50 2nd 500, p90 inf. 人保: 400 540 500 → 3, 1/3, p50 500; 平安: 300 540 → 2, 1/2,
p50 1st 300, p90 540; 太保: 200 → 1, 1/1; none (1004, 1011): 640 inf → 2, 0.
Dispositions: settled 2, claim 1, left 1 (1004 was referred, not closed).
"""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from dispatch import events as ev
from dispatch import kpi
from dispatch.events import Event
from dispatch.state import CenterState, Unit

BASE = datetime(2026, 5, 4, tzinfo=UTC)
LOCAL = timezone(timedelta(hours=8))


class Day:
    """Writes the table above as real events, in time order."""

    def __init__(self) -> None:
        self.events: list[Event] = []

    def add(self, type_: str, at: datetime, **payload) -> None:
        self.events.append(Event(type_, "desk", "ws1", payload, at))

    def alert(self, case: str, at: datetime, hub_delay_s: float = 0.0, lon: float = 122.1,
              insurers: tuple[str, ...] = ()) -> None:
        self.add(ev.ALERT_RECEIVED, at + timedelta(seconds=hub_delay_s), alert_id=f"A{case}",
                 received_at=at.isoformat(), location={"lon": lon, "lat": 30.0},
                 structured={"insurers": list(insurers)})

    def job(self, case: str, at: datetime, dispatch: int, eta: int, ack: int | None,
            arrive: int | None, close: int | None, disposition: str = "settled") -> None:
        unit = f"G{case}"
        self.add(ev.INCIDENT_TRIAGED, at + timedelta(seconds=dispatch - 5), case=case,
                 outcome="triaged", reasons=[])
        self.add(ev.UNIT_DISPATCHED, at + timedelta(seconds=dispatch), case=case, unit=unit,
                 eta_s=eta)
        for kind, offset in ((ev.PAGE_ACKED, ack), (ev.UNIT_ARRIVED, arrive)):
            if offset is not None:
                self.add(kind, at + timedelta(seconds=offset), case=case, unit=unit)
        if close is not None:
            self.add(ev.INCIDENT_CLOSED, at + timedelta(seconds=close), case=case,
                     disposition=disposition)


def hand_built_day() -> list[Event]:
    d = Day()
    h = [BASE + timedelta(hours=n) for n in range(24)]
    d.alert("1001", h[0], insurers=("人保",))
    d.job("1001", h[0], 60, 300, 80, 400, 1600)
    d.alert("1002", h[1], hub_delay_s=30, insurers=("平安",))
    d.job("1002", h[1], 90, 240, 100, 300, 1500, "claim")
    d.alert("1003", h[2], insurers=("人保", "平安"))
    d.job("1003", h[2], 300, 200, 320, 540, 2000)
    d.alert("1004", h[3], lon=122.2)
    d.job("1004", h[3], 40, 560, 60, 640, None)
    d.add(ev.INCIDENT_REFERRED, h[3] + timedelta(seconds=900), case="1004",
          to="referred_police")
    d.alert("1005", h[4], lon=122.2, insurers=("人保",))
    d.job("1005", h[4], 30, 200, 200, 500, 1800, "left")
    for case, at, to, reasons in (
            ("1006", h[5], "referred_120", ["有人受伤:移交120"]),
            ("1007", h[6], "referred_police", ["车辆无法移动:移交交警"]),
            ("1008", h[6] + timedelta(minutes=30), "referred_police",
             ["车辆无法移动:移交交警", "损失超限:移交交警"])):
        d.alert(case, at)
        d.add(ev.INCIDENT_TRIAGED, at + timedelta(seconds=20), case=case, outcome=to,
              reasons=reasons)
    d.alert("1009", h[7])
    d.add(ev.INCIDENT_MERGED, h[7] + timedelta(seconds=15), case="1009", into="1001")
    d.alert("1010", h[17], lon=122.2, insurers=("太保",))
    d.job("1010", h[17], 45, 120, 50, 200, None)
    d.alert("1011", h[18], lon=122.2)
    d.job("1011", h[18], 60, 100, None, None, None)
    d.add(ev.PAGE_FAILED, h[18] + timedelta(seconds=300), case="1011", unit="G1011")
    return sorted(d.events, key=lambda e: e.time)


@pytest.fixture(scope="module")
def day() -> dict[str, kpi.Timeline]:
    return kpi.timelines(hand_built_day())


def test_the_hand_built_day_is_a_legal_history() -> None:
    """The log above is one the center could have written: the state machine accepts it."""
    events = hand_built_day()
    state = CenterState([Unit(f"G{n}", f"G{n}", "guide", 1, str(n)) for n in range(1001, 1012)])
    for e in events:
        state.apply(e)
    assert state.incidents["1001"].status == "closed"
    assert state.incidents["1004"].status == "referred_police"
    assert state.incidents["1011"].status == "escalated"


def test_arrival_rate(day) -> None:
    assert kpi.arrival_rate(day.values()) == pytest.approx(3 / 7)


def test_response_percentiles_count_the_unreached(day) -> None:
    assert kpi.response_percentiles(day.values()) == {50: 500.0, 90: math.inf, 95: math.inf}


def test_clock_starts_at_110s_time(day) -> None:
    assert day["1002"].response_s() == 300.0


def test_stage_percentiles(day) -> None:
    assert kpi.stage_percentiles(day.values()) == {
        "receipt_to_dispatch": {50: 60.0, 90: 300.0, 95: 300.0},
        "dispatch_to_ack": {50: 20.0, 90: 170.0, 95: 170.0},
        "ack_to_arrival": {50: 220.0, 90: 580.0, 95: 580.0},
        "arrival_to_clearance": {50: 1200.0, 90: 1460.0, 95: 1460.0},
    }


def test_handled_per_local_day_and_peaks(day) -> None:
    assert kpi.handled_per_day(day.values(), LOCAL) == {date(2026, 5, 4): 5,
                                                         date(2026, 5, 5): 2}
    assert kpi.peak_day(day.values(), LOCAL) == (date(2026, 5, 4), 5)
    assert kpi.peak_hours(day.values(), LOCAL) == {h: 1 for h in (1, 2, 8, 9, 10, 11, 12)}


def test_success_rate(day) -> None:
    assert kpi.success_rate(day.values()) == pytest.approx(4 / 7)


def test_referrals_by_reason(day) -> None:
    assert kpi.referrals_by_reason(day.values()) == {
        "车辆无法移动:移交交警": 2, "有人受伤:移交120": 1, "损失超限:移交交警": 1,
        "现场移交 → referred_police": 1}


def test_breaches_and_their_causes(day) -> None:
    found = kpi.breaches(day.values())
    assert found == [kpi.Breach("1003", 540.0, (kpi.NO_UNIT_FREE,)),
                     kpi.Breach("1004", 640.0, (kpi.FAR,)),
                     kpi.Breach("1005", 500.0, (kpi.LATE_ACK,)),
                     kpi.Breach("1011", math.inf, (kpi.LATE_ACK,))]
    assert kpi.breach_causes(found) == {kpi.LATE_ACK: 2, kpi.NO_UNIT_FREE: 1, kpi.FAR: 1}


def test_a_range_starting_mid_log() -> None:
    """A range query from 17:00 on: the two later cases keep their numbers, and milestones of
    cases received before the range are not mistaken for them."""
    events = hand_built_day()
    start = BASE + timedelta(hours=17)
    later = [e for e in events if e.time >= start or e.type != ev.ALERT_RECEIVED]
    later = [e for e in later if e.time >= start or e.payload.get("case") == "1001"]
    lines = kpi.timelines(later, cases_before=9)
    assert sorted(lines) == ["1010", "1011"]
    assert kpi.arrival_rate(lines.values()) == pytest.approx(1 / 2)


def test_nearest_rank_by_hand() -> None:
    assert kpi.nearest_rank([5.0, 1.0, 3.0, 2.0, 4.0], 50) == 3.0  # ⌈2.5⌉ = 3rd
    assert kpi.nearest_rank([5.0, 1.0, 3.0, 2.0, 4.0], 90) == 5.0  # ⌈4.5⌉ = 5th
    assert math.isnan(kpi.nearest_rank([], 50))


def test_figures_per_unit(day) -> None:
    """One job each in the hand-built day: G1003 took 540 s, so its rate is 0 and p50 540."""
    groups = kpi.by_unit(day.values())
    assert sorted(groups) == ["G1001", "G1002", "G1003", "G1004", "G1005", "G1010", "G1011"]
    assert kpi.arrival_rate(groups["G1003"]) == 0.0
    assert kpi.response_percentiles(groups["G1003"], (50,)) == {50: 540.0}


def test_figures_per_area(day) -> None:
    def side(lon: float, _lat: float) -> list[str]:
        return ["west"] if lon < 122.15 else ["east"]

    rows = {r.name: r for r in kpi.group_figures(kpi.by_area(day.values(), side))}
    assert rows["west"] == kpi.GroupFigures("west", 3, pytest.approx(2 / 3), 400.0, 540.0)
    assert rows["east"] == kpi.GroupFigures("east", 4, 0.25, 500.0, math.inf)
    assert kpi.by_area(day.values(), lambda lon, lat: []).keys() == {kpi.UNKNOWN}


def test_figures_per_insurer(day) -> None:
    rows = {r.name: r for r in kpi.group_figures(kpi.by_insurer(day.values()))}
    assert rows.keys() == {"人保", "平安", "太保", kpi.UNKNOWN}
    assert rows["人保"] == kpi.GroupFigures("人保", 3, pytest.approx(1 / 3), 500.0, 540.0)
    assert rows["平安"] == kpi.GroupFigures("平安", 2, 0.5, 300.0, 540.0)
    assert rows["太保"] == kpi.GroupFigures("太保", 1, 1.0, 200.0, 200.0)
    assert (rows[kpi.UNKNOWN].handled, rows[kpi.UNKNOWN].arrival_rate) == (2, 0.0)


def test_dispositions(day) -> None:
    assert kpi.dispositions(day.values()) == {"settled": 2, "claim": 1, "left": 1}


def test_a_reopened_case_clears_when_it_ends_again(day) -> None:
    events = hand_built_day()
    later = BASE + timedelta(hours=2)
    events += [Event(ev.INCIDENT_REOPENED, "desk", "ws1", {"case": "1001", "reason": "r",
                                                          "from": "closed"}, later),
               Event(ev.INCIDENT_CLOSED, "desk", "ws1", {"case": "1001",
                                                        "disposition": "claim"},
                     later + timedelta(minutes=10))]
    line = kpi.timelines(events)["1001"]
    assert (line.closed, line.disposition) == (later + timedelta(minutes=10), "claim")
