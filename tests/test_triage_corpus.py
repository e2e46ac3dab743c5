"""The two goals of triage on the hand-labelled corpus (tests/data/triage_corpus.jsonl), with
the dev part (rules tuned on it) and the held-out part (written first, never tuned on) apart:
no slip where someone is or may be hurt comes out eligible, and at most 10% of the harmless
ones come out anything but eligible. The labels are a careful reader's, not the code's."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from triage_eval import Scored, goals, load, score  # noqa: E402

CORPUS = load()
LABELS = ("eligible", "verify", "refer_120", "refer_police")
SIGNALS = {"injury", "injury?", "no_injury", "person_down", "person_down?", "vulnerable", "fire",
           "fire?", "fuel_leak", "fuel_leak?", "hazardous_goods", "overturned", "drink_driving",
           "hit_and_run", "hit_and_run?", "party_absent", "violence", "violence?", "not_movable",
           "not_movable?", "movable", "multi_vehicle"}


def part(split: str) -> list[Scored]:
    return [score(doc) for doc in CORPUS if doc["split"] == split]


def test_the_corpus_is_big_enough_and_well_formed() -> None:
    splits = Counter(doc["split"] for doc in CORPUS)
    assert len(CORPUS) >= 400 and splits["held_out"] >= 100 and set(splits) == {"dev", "held_out"}
    assert len({doc["id"] for doc in CORPUS}) == len(CORPUS)
    for doc in CORPUS:
        assert doc["outcome"] in LABELS and set(doc["signals"]) <= SIGNALS, doc["id"]
    outcomes = Counter(doc["outcome"] for doc in CORPUS)
    assert min(outcomes[label] for label in LABELS) >= 50  # every outcome well represented


@pytest.mark.parametrize("split", ["dev", "held_out"])
def test_no_injury_slip_comes_out_eligible(split) -> None:
    rows = part(split)
    unsafe = [r.doc["id"] for r in rows if r.injury and r.outcome == "eligible"]
    assert unsafe == []
    assert sum(r.injury for r in rows) >= 40


@pytest.mark.parametrize("split", ["dev", "held_out"])
def test_at_most_a_tenth_of_harmless_slips_are_held_back(split) -> None:
    _, _, flagged, harmless = goals(part(split))
    assert harmless >= 25 and flagged <= harmless // 10


@pytest.mark.parametrize("split", ["dev", "held_out"])
def test_an_injury_is_never_sent_to_the_police_instead_of_120(split) -> None:
    """Referral to the police for someone hurt loses the ambulance's minutes."""
    wrong = [r.doc["id"] for r in part(split)
             if r.doc["outcome"] == "refer_120" and r.outcome == "refer_police"]
    assert wrong == []
