"""Score the time stage on the project's own gold set, ``evaluation/gold/dates.jsonl``.

Each line is a short news-style passage with its anchor (the document date, or null) and the
gold date expressions in order of appearance (``text`` and ISO ``value``). A system expression
is correct when its span overlaps a gold expression's span and its value is the gold value
(TempEval-3 "value" scoring with relaxed spans). Recall is the value accuracy over gold
expressions, precision the share of system values that are correct.

Usage::

    python evaluation/eval_dates.py [--json] [--gold PATH]

The gold set ships with the project, so this script needs no shared data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storyline.dates import find_dates

GOLD = Path(__file__).resolve().parent / "gold" / "dates.jsonl"


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    text: str
    value: str


def _gold_spans(text: str, gold: list[dict[str, str]]) -> list[Span]:
    """Gold expressions located in order: each one is searched after the previous one."""
    spans, pos = [], 0
    for item in gold:
        start = text.find(item["text"], pos)
        if start < 0:
            raise ValueError(f"gold text {item['text']!r} not found in {text!r}")
        pos = start + len(item["text"])
        spans.append(Span(start, pos, item["text"], item["value"]))
    return spans


def _overlaps(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _score_passage(record: dict[str, Any]) -> tuple[int, int, int, list[str]]:
    """(gold count, system count, correct count, miss and error lines) for one passage."""
    text = record["text"]
    anchor = dt.date.fromisoformat(record["anchor"]) if record["anchor"] else None
    gold = _gold_spans(text, record["gold"])
    system = [Span(d.start, d.end, d.text, d.value) for d in find_dates(text, anchor)]
    used: set[int] = set()
    notes = []
    for sys_span in system:
        hit = next(
            (
                i
                for i, g in enumerate(gold)
                if i not in used and _overlaps(g, sys_span) and g.value == sys_span.value
            ),
            None,
        )
        if hit is None:
            notes.append(f"{record['id']} wrong: {sys_span.text!r} -> {sys_span.value}")
        else:
            used.add(hit)
    for i, g in enumerate(gold):
        if i not in used:
            notes.append(f"{record['id']} missed: {g.text!r} = {g.value}")
    return len(gold), len(system), len(used), notes


def evaluate(gold_path: Path = GOLD) -> dict[str, Any]:
    """Recall (value accuracy over gold), precision, F1, counts and the list of misses."""
    n_gold = n_system = n_correct = passages = 0
    notes: list[str] = []
    for line in gold_path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        g, s, c, n = _score_passage(json.loads(line))
        n_gold, n_system, n_correct, passages = (
            n_gold + g,
            n_system + s,
            n_correct + c,
            passages + 1,
        )
        notes.extend(n)
    recall = n_correct / n_gold if n_gold else 0.0
    precision = n_correct / n_system if n_system else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "passages": passages,
        "gold": n_gold,
        "system": n_system,
        "correct": n_correct,
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "f1": round(f1, 4),
        "errors": notes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as one object")
    parser.add_argument("--gold", type=Path, default=GOLD, help="gold JSONL file")
    args = parser.parse_args(argv)
    result = evaluate(args.gold)
    if args.json:
        print(json.dumps({k: v for k, v in result.items() if k != "errors"}))
        return 0
    print(
        f"passages {result['passages']}  gold {result['gold']}  system {result['system']}  "
        f"correct {result['correct']}"
    )
    print(
        f"recall {result['recall']:.3f}  precision {result['precision']:.3f}  F1 {result['f1']:.3f}"
    )
    for note in result["errors"]:
        print("  " + note)
    return 0


if __name__ == "__main__":
    sys.exit(main())
