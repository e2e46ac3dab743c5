"""Pager rules: order per unit, resend on timeout, escalate after the last attempt."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from radio.pager import Page, Pager, PagerPolicy


def test_resend_then_fail_then_next_page() -> None:
    pager = Pager(PagerPolicy(ack_timeout_s=10, max_attempts=3))
    first = pager.submit(Page(1, "G01", "a", "1001"), now=0)
    assert first.attempts == 1
    assert pager.submit(Page(2, "G01", "b"), now=1) is None  # waits behind the first
    assert pager.due(5) == ([], [], [])
    resend, failed, _ = pager.due(10)
    assert [(p.seq, p.attempts) for p in resend] == [(1, 2)] and failed == []
    resend, _, _ = pager.due(20)
    assert [(p.seq, p.attempts) for p in resend] == [(1, 3)]
    resend, failed, freed = pager.due(30)
    assert resend == [] and [p.seq for p in failed] == [1]
    assert [(p.seq, p.attempts) for p in freed] == [(2, 1)]


def test_ack_releases_the_next_page_and_unknown_acks_are_ignored() -> None:
    pager = Pager()
    pager.submit(Page(1, "G01", "a"), now=0)
    pager.submit(Page(2, "G01", "b"), now=0)
    assert pager.acknowledged(2, "G01", now=1) == (None, None)  # not on air yet
    assert pager.acknowledged(1, "G02", now=1) == (None, None)  # wrong unit
    acked, following = pager.acknowledged(1, "G01", now=1)
    assert acked.seq == 1 and following.seq == 2
    assert pager.acknowledged(2, "G01", now=2)[0].seq == 2
    assert pager.outstanding() == []


@given(st.lists(st.tuples(st.sampled_from(["submit", "ack", "tick"]),
                          st.sampled_from(["G01", "G02"])), max_size=40))
def test_at_most_one_page_on_air_per_unit(steps) -> None:
    pager = Pager(PagerPolicy(ack_timeout_s=1, max_attempts=2))
    seq, now = 0, 0.0
    for action, unit in steps:
        now += 0.6
        if action == "submit":
            seq += 1
            pager.submit(Page(seq, unit, "x"), now)
        elif action == "ack":
            on_air = [p for p in pager.outstanding() if p.unit_id == unit]
            if on_air:
                pager.acknowledged(on_air[0].seq, unit, now)
        else:
            pager.due(now)
        units = [p.unit_id for p in pager.outstanding()]
        assert len(units) == len(set(units))
        assert all(p.attempts <= 2 for p in pager.outstanding())


def test_a_recall_withdraws_the_units_pages_for_that_case_and_frees_the_next() -> None:
    pager = Pager(PagerPolicy(ack_timeout_s=10, max_attempts=3))
    dispatch = pager.submit(Page(1, "G01", "go to 1001", "1001"), now=0.0)
    pager.submit(Page(2, "G01", "more on 1001", "1001"), now=0.0)
    pager.submit(Page(3, "G01", "call the center", None), now=0.0)
    dropped, following = pager.withdraw("G01", "1001", now=1.0)
    assert [p.seq for p in dropped] == [1, 2] and dispatch.seq == 1
    assert following is not None and following.seq == 3 and following.attempts == 1
    assert [p.seq for p in pager.outstanding()] == [3]
    assert pager.withdraw("G01", "1001", now=2.0) == ([], None)  # nothing left for 1001
