"""Triage against the hand-labelled corpus: precision and recall per signal, and the confusion
matrix of outcomes, for the dev part (the rules were tuned on it) and the held-out part (written
first and never tuned on) separately, so the figure is not only the rules reading their own
examples. The labels are a careful reader's, never the code's (tests/data/triage_corpus.jsonl).

    .venv/bin/python bench/triage_eval.py [--corpus FILE] [--misses]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dispatch.eligibility import judge  # noqa: E402

CORPUS = ROOT / "tests/data/triage_corpus.jsonl"
OUTCOMES = ("eligible", "verify", "refer_120", "refer_police")
_OUTCOME_OF = {"eligible": "eligible", "verify": "verify", "referred_120": "refer_120",
               "referred_police": "refer_police"}
INJURY_KEYS = frozenset({"injury", "injury?", "person_down"})


@dataclass(frozen=True)
class Scored:
    """One corpus line with the labels and what triage said."""

    doc: dict
    outcome: str
    signals: frozenset[str]

    @property
    def injury(self) -> bool:
        """Labelled as a slip where someone is or may be hurt: such a slip is never eligible."""
        return self.doc["outcome"] == "refer_120" or bool(INJURY_KEYS & set(self.doc["signals"]))

    @property
    def harmless(self) -> bool:
        return self.doc["outcome"] == "eligible"


def load(path: Path = CORPUS) -> list[dict]:
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def score(doc: dict) -> Scored:
    result = judge(doc.get("structured", {}), doc["text"])
    keys = frozenset(k for s in result.signals if (k := s.key))
    return Scored(doc, _OUTCOME_OF[result.outcome], keys)


def confusion(rows: Iterable[Scored]) -> Counter[tuple[str, str]]:
    return Counter((r.doc["outcome"], r.outcome) for r in rows)


def per_signal(rows: list[Scored]) -> dict[str, tuple[int, int, int]]:
    """signal → (true positives, false positives, false negatives)."""
    names = sorted({k for r in rows for k in (*r.doc["signals"], *r.signals)})
    out = {}
    for name in names:
        tp = sum(name in r.signals and name in r.doc["signals"] for r in rows)
        fp = sum(name in r.signals and name not in r.doc["signals"] for r in rows)
        fn = sum(name not in r.signals and name in r.doc["signals"] for r in rows)
        out[name] = (tp, fp, fn)
    return out


def goals(rows: list[Scored]) -> tuple[int, int, int, int]:
    """(injury slips judged eligible, injury slips, harmless slips not eligible, harmless)."""
    injured = [r for r in rows if r.injury]
    harmless = [r for r in rows if r.harmless]
    return (sum(r.outcome == "eligible" for r in injured), len(injured),
            sum(r.outcome != "eligible" for r in harmless), len(harmless))


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f}" if b else "  - "


def report(name: str, rows: list[Scored], misses: bool) -> str:
    lines = [f"== {name}: {len(rows)} slips", "confusion (rows: label, columns: triage)",
             "              " + "".join(f"{o:>13}" for o in OUTCOMES)]
    matrix = confusion(rows)
    for label in OUTCOMES:
        lines.append(f"{label:>14}" + "".join(f"{matrix[label, o]:>13}" for o in OUTCOMES))
    right = sum(matrix[o, o] for o in OUTCOMES)
    lines.append(f"outcome accuracy {right}/{len(rows)} = {_ratio(right, len(rows))}")
    unsafe, injured, flagged, harmless = goals(rows)
    lines.append(f"injury slips judged eligible: {unsafe}/{injured} (goal 0)")
    lines.append(f"harmless slips not eligible: {flagged}/{harmless} = "
                 f"{_ratio(flagged, harmless)} (goal <= 0.10)")
    lines.append(f"{'signal':>16} {'precision':>9} {'recall':>7}   tp  fp  fn")
    for signal, (tp, fp, fn) in per_signal(rows).items():
        lines.append(f"{signal:>16} {_ratio(tp, tp + fp):>9} {_ratio(tp, tp + fn):>7} "
                     f"{tp:4d}{fp:4d}{fn:4d}")
    if misses:
        for r in rows:
            if r.outcome != r.doc["outcome"] or r.signals != set(r.doc["signals"]):
                lines.append(f"  {r.doc['id']} {r.doc['outcome']}→{r.outcome} "
                             f"{sorted(r.doc['signals'])}→{sorted(r.signals)} {r.doc['text']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--misses", action="store_true", help="list every line triage got wrong")
    parser.add_argument("--split", choices=("dev", "held_out"), help="only this part")
    args = parser.parse_args(argv)
    rows = [score(doc) for doc in load(args.corpus)]
    for split in ("dev", "held_out"):
        if args.split in (None, split):
            print(report(split, [r for r in rows if r.doc["split"] == split], args.misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
