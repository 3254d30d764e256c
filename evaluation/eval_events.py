"""Evaluate the events stage against gold event records.

Three gold sets, in the same JSONL shape (``text``, ``event_type``, ``source`` and ``target``
lists of ``{"code"}``):

- ``dev``: the PLOVER gold-standard records, development half, read from
  ``../shared/data/plover-gsr/dev.jsonl`` (relative to the repository root) when present and
  skipped otherwise (it is evaluation data: never copied into the project);
- ``own-tuning``: ``evaluation/gold/events_tuning.jsonl``, 112 sentences written for this
  project and used while improving the coder;
- ``news-tuned`` / ``news-heldout``: the labelled real news sentences with an event
  (``evaluation/labels/events.jsonl``, joined with ``../shared/data`` when present): the part
  the type model was trained on, and the set-aside queries' part it never saw
  (``evaluation/split.py``); the first labelled event is the gold one, a sentence's other
  labelled types count as right too;
- ``own-heldout``: ``evaluation/gold/events_heldout.jsonl``, 65 sentences written afterwards
  in the style of older wire copy and scored once before any change made for them (the
  figures of that first run are in docs/events.md).

The ``dev`` set is reported in two parts as well, ``dev-tuned`` and ``dev-set-aside``
(``evaluation/split.py``: a fixed third of the records, by a hash of their ids).

For each gold sentence the coder's highest-confidence event is compared with the gold event
type; on sentences whose gold record has both a source and a target, the actor and recipient
countries are compared too (an international body counts as the code "IGO" when the actors
stage gives it no country).

    python evaluation/eval_events.py [--gold PATH ...] [--json] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# labelled real news (evaluation/labels): not files, built from the labels when ../shared is
# there; the value says whether the set-aside (never trained on) part is meant
NEWS_SETS = {"news-tuned": False, "news-heldout": True}
GOLD_SETS = {
    "dev": ROOT.parent / "shared" / "data" / "plover-gsr" / "dev.jsonl",
    "news-tuned": ROOT.parent / "shared" / "data" / "news-pool" / "news-tuned",
    "news-heldout": ROOT.parent / "shared" / "data" / "news-pool" / "news-heldout",
    "own-tuning": ROOT / "evaluation" / "gold" / "events_tuning.jsonl",
    "own-heldout": ROOT / "evaluation" / "gold" / "events_heldout.jsonl",
}
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "evaluation"))

from split import plover_part  # noqa: E402

from storyline.actors import resolve_actors  # noqa: E402
from storyline.events import code_events  # noqa: E402
from storyline.model import ActorRef, Event  # noqa: E402
from storyline.nlp import analyse  # noqa: E402
from storyline.settings import Settings  # noqa: E402

NONE = "(none)"
_ORG_CODES = frozenset({"IGO", "NGO"})


@dataclass(frozen=True)
class Outcome:
    gold_type: str
    coded_type: str
    dyad: bool | None  # None: the gold record lacks a source or a target
    text: str
    coded: str
    record_id: str = ""


def _codes(parties: list[dict[str, Any]]) -> set[str]:
    return {str(p["code"]) for p in parties if p.get("code")}


def _code(ref: ActorRef) -> str | None:
    if ref.country:
        return ref.country
    return ref.sector if ref.sector in _ORG_CODES else None


def _dyad_correct(event: Event | None, gold: dict[str, Any]) -> bool:
    if event is None or not event.actors:
        return False
    source, target = _codes(gold["source"]), _codes(gold["target"])
    actors = {_code(a) for a in event.actors}
    others = event.recipients or event.actors[1:]
    recipients = {_code(r) for r in others}
    return bool(actors & source) and bool(recipients & target)


def _best(events: tuple[Event, ...]) -> Event | None:
    return max(events, key=lambda e: e.confidence) if events else None


def _describe(event: Event | None) -> str:
    if event is None:
        return NONE
    actors = ",".join(str(_code(a)) for a in event.actors)
    recipients = ",".join(str(_code(r)) for r in event.recipients)
    return f"{event.type}/{event.status} [{event.trigger}] {actors} -> {recipients}"


def _gold_dyad(row: dict[str, Any]) -> str:
    source = ",".join(sorted(_codes(row["source"])))
    return f"{source} -> {','.join(sorted(_codes(row['target'])))}"


def news_rows(held_out: bool) -> list[dict[str, Any]]:
    """The labelled news sentences with an event (``evaluation/labels/events.jsonl`` joined
    with their text) in the gold-set shape: the first labelled event is the gold one, the
    sentence's other labelled types are ``also_ok``. ``held_out``: the set-aside queries'
    (never trained on), else the part the type model was trained on."""
    from label_sentences import join
    from split import pool_set_aside
    from train_events import LABELS, _queries

    queries = _queries()
    rows = []
    for label in join(LABELS):
        query = queries.get(label["ref"])
        if (query is not None and pool_set_aside(query)) != held_out or not label["events"]:
            continue
        first = label["events"][0]
        rows.append(
            {
                "id": f"{label['ref']}#{label['start']}",
                "text": label["text"],
                "event_type": first["type"],
                "also_ok": sorted({e["type"] for e in label["events"][1:]} - {first["type"]}),
                "source": [{"code": c} for c in first["actor"]],
                "target": [{"code": c} for c in first["recipient"]],
            }
        )
    return rows


def outcomes(gold_path: Path, settings: Settings) -> Iterator[Outcome]:
    if gold_path.name in NEWS_SETS:
        rows = news_rows(held_out=NEWS_SETS[gold_path.name])
    else:
        rows = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line]
    texts = [row["text"].strip("{}") for row in rows]
    for row, doc in zip(rows, analyse(texts, settings), strict=True):
        actors, mentions = resolve_actors(doc, settings)
        best = _best(code_events(doc, actors, mentions, (), None, settings))
        has_dyad = bool(row["source"]) and bool(row["target"])
        coded = best.type if best else NONE
        # a sentence that reports several events is coded right by any of them
        right = row["event_type"] if coded in row.get("also_ok", ()) else coded
        yield Outcome(
            gold_type=row["event_type"],
            coded_type=right,
            dyad=_dyad_correct(best, row) if has_dyad else None,
            text=doc.text,
            coded=f"{_describe(best)}  (gold {_gold_dyad(row)})",
            record_id=str(row.get("id", "")),
        )


def figures(results: list[Outcome]) -> dict[str, Any]:
    correct = sum(r.gold_type == r.coded_type for r in results)
    dyads = [r.dyad for r in results if r.dyad is not None]
    per_type: dict[str, dict[str, float]] = {}
    for label in sorted({r.gold_type for r in results} | {r.coded_type for r in results}):
        tp = sum(r.gold_type == label == r.coded_type for r in results)
        coded = sum(r.coded_type == label for r in results)
        gold = sum(r.gold_type == label for r in results)
        per_type[label] = {
            "precision": round(tp / coded, 3) if coded else 0.0,
            "recall": round(tp / gold, 3) if gold else 0.0,
            "gold": gold,
            "coded": coded,
        }
    return {
        "sentences": len(results),
        "type_accuracy": round(correct / len(results), 3) if results else 0.0,
        "dyad_sentences": len(dyads),
        "dyad_accuracy": round(sum(dyads) / len(dyads), 3) if dyads else 0.0,
        "coded_any": sum(r.coded_type != NONE for r in results),
        "per_type": per_type,
    }


def _print_report(results: list[Outcome], summary: dict[str, Any], errors: bool) -> None:
    print(
        f"sentences {summary['sentences']}  type accuracy {summary['type_accuracy']:.3f}  "
        f"actor+recipient countries {summary['dyad_accuracy']:.3f} "
        f"(on {summary['dyad_sentences']} sentences with both)"
    )
    print(f"{'type':<10} {'prec':>6} {'rec':>6} {'gold':>5} {'coded':>6}")
    for label, row in summary["per_type"].items():
        print(
            f"{label:<10} {row['precision']:>6.3f} {row['recall']:>6.3f} "
            f"{row['gold']:>5} {row['coded']:>6}"
        )
    confusion = Counter((r.gold_type, r.coded_type) for r in results if r.gold_type != r.coded_type)
    print("confusion (gold -> coded: count), errors only")
    for (gold, coded), count in confusion.most_common():
        print(f"  {gold:<10} -> {coded:<10} {count}")
    if errors:
        for r in results:
            if r.gold_type != r.coded_type or r.dyad is False:
                print(f"- gold {r.gold_type}: {r.coded}\n  {r.text}")


def evaluate(gold_path: Path, settings: Settings | None = None) -> dict[str, Any]:
    """The figures of one gold set (see ``figures``)."""
    return figures(list(outcomes(gold_path, settings or Settings())))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gold", type=Path, action="append", help="a gold JSONL file (repeatable); default: all"
    )
    parser.add_argument("--json", action="store_true", help="the figures as one JSON object")
    parser.add_argument(
        "--errors",
        action="store_true",
        help="list every miscoded sentence (of the dev set, its tuned part only)",
    )
    parser.add_argument(
        "--errors-set-aside",
        action="store_true",
        help="list the set-aside part's errors too (that part is then no longer set aside)",
    )
    args = parser.parse_args(argv)
    chosen = {path.stem: path for path in args.gold} if args.gold else GOLD_SETS
    report: dict[str, Any] = {}
    for name, path in chosen.items():
        if not (path.is_file() or (path.name in NEWS_SETS and path.parent.is_dir())):
            if not args.json:
                print(f"== {name}: skipped, gold set {path} not found")
            continue
        results = list(outcomes(path, Settings()))
        parts = {name: results}
        if name == "dev":
            for part in ("tuned", "set-aside"):
                parts[f"dev-{part}"] = [r for r in results if plover_part(r.record_id) == part]
        for label, chosen_results in parts.items():
            summary = figures(chosen_results)
            report[label] = summary
            if not args.json:
                print(f"== {label} ({path.name})")
                shown = args.errors and (label != name or name != "dev")
                if label == "dev-set-aside":
                    shown = args.errors_set_aside
                _print_report(chosen_results, summary, shown)
    if args.json:
        print(json.dumps(report, sort_keys=True))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
