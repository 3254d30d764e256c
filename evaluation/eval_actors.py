"""Evaluate the actors stage on the gold source and target spans of the PLOVER gold records.

Reads ``../shared/data/plover-gsr/dev.jsonl`` (relative to the repository root) when present;
prints "skipped" and exits 0 otherwise. For every gold source/target span (its text located in
the sentence; a span written "A ... B" is located by its first part) the actors stage's
mentions are compared with it: the span is *found* when a mention overlaps it, and *coded
right* when that actor's country is the gold code (or, for the gold codes IGO/NGO/IMG of
organisations without a country, when the actor has no country and the sector IGO, NGO or
REB).

    python evaluation/eval_actors.py [--gold PATH] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_GOLD = ROOT.parent / "shared" / "data" / "plover-gsr" / "dev.jsonl"
sys.path.insert(0, str(ROOT / "src"))

from storyline.actors import resolve_actors  # noqa: E402
from storyline.model import Actor, Mention  # noqa: E402
from storyline.nlp import analyse  # noqa: E402
from storyline.settings import Settings  # noqa: E402

_BODY_CODES = frozenset({"IGO", "NGO", "IMG"})
_BODY_SECTORS = frozenset({"IGO", "NGO", "REB"})


@dataclass(frozen=True)
class SpanOutcome:
    gold_text: str
    gold_code: str
    actor: Actor | None  # None: no mention overlaps the gold span
    sentence: str

    @property
    def found(self) -> bool:
        return self.actor is not None

    @property
    def right(self) -> bool:
        if self.actor is None:
            return False
        if self.actor.country == self.gold_code:
            return True
        return (
            self.gold_code in _BODY_CODES
            and self.actor.country is None
            and self.actor.sector in _BODY_SECTORS
        )


def _locate(text: str, span: str) -> tuple[int, int] | None:
    first = span.split("...")[0].strip()
    start = text.find(first) if first else -1
    return (start, start + len(first)) if start >= 0 else None


def _overlapping(mentions: tuple[Mention, ...], start: int, end: int) -> Mention | None:
    hits = [m for m in mentions if m.start < end and start < m.end]
    return max(hits, key=lambda m: m.end - m.start) if hits else None


def outcomes(gold_path: Path, settings: Settings) -> Iterator[SpanOutcome]:
    rows = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line]
    texts = [row["text"].strip("{}") for row in rows]
    for row, doc in zip(rows, analyse(texts, settings), strict=True):
        actors, mentions = resolve_actors(doc, settings)
        by_id = {actor.id: actor for actor in actors}
        for gold in [*row["source"], *row["target"]]:
            if not gold.get("text") or not gold.get("code"):
                continue
            where = _locate(doc.text, gold["text"])
            mention = _overlapping(mentions, *where) if where else None
            actor = by_id.get(mention.actor_id) if mention is not None else None
            yield SpanOutcome(gold["text"], gold["code"], actor, doc.text)


def figures(results: list[SpanOutcome]) -> dict[str, Any]:
    total = len(results)
    found = sum(r.found for r in results)
    right = sum(r.right for r in results)
    return {
        "spans": total,
        "found": found,
        "found_rate": round(found / total, 3) if total else 0.0,
        "coded_right": right,
        "coded_right_rate": round(right / total, 3) if total else 0.0,
    }


def _print_errors(results: list[SpanOutcome]) -> None:
    for r in results:
        if r.right:
            continue
        if r.actor is None:
            print(f"- missed {r.gold_text!r} (gold {r.gold_code})\n  {r.sentence}")
        else:
            coded = f"{r.actor.name} {r.actor.country}/{r.actor.sector}"
            print(f"- {r.gold_text!r} gold {r.gold_code}, coded {coded}\n  {r.sentence}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument("--errors", action="store_true", help="list every span not coded right")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"skipped: gold set {args.gold} not found")
        return 0
    results = list(outcomes(args.gold, Settings()))
    summary = figures(results)
    if args.json:
        print(json.dumps(summary, sort_keys=True))
        return 0
    print(
        f"gold spans {summary['spans']}: found {summary['found']} "
        f"({summary['found_rate']:.1%}), coded right {summary['coded_right']} "
        f"({summary['coded_right_rate']:.1%})"
    )
    if args.errors:
        _print_errors(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
