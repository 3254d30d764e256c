"""Throughput of the analysis stages: spaCy alone, then spaCy + actors + events.

The corpus: the five sample articles and, when ../shared is present, the gold article texts of
the zyte-dev set, repeated up to --docs documents. The model is loaded and warmed up first;
each figure is the best of --repeat runs (the machine is shared, so the best run is the least
disturbed one). Prints documents and words per second for ``nlp.pipe`` alone (through
``storyline.nlp.analyse``) and for the whole analysis (analyse, resolve_actors, code_events),
and the share of the time the storyline stages add.

Usage: python benchmarks/bench_analysis.py [--docs 50] [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared/data/zyte-dev/ground-truth.json"
sys.path.insert(0, str(ROOT / "src"))

from storyline.actors import resolve_actors  # noqa: E402
from storyline.events import code_events  # noqa: E402
from storyline.nlp import analyse, load_model  # noqa: E402
from storyline.settings import Settings  # noqa: E402


def corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/*/*.txt"))]
    if GOLD.is_file():
        texts += [str(v["articleBody"]) for v in json.loads(GOLD.read_text("utf-8")).values()]
    return [t for t in texts if t.strip()]


def spacy_only(texts: list[str], settings: Settings) -> None:
    for _ in analyse(texts, settings):
        pass


def full_analysis(texts: list[str], settings: Settings) -> int:
    """Run every analysis stage; the number of events coded."""
    coded = 0
    for doc in analyse(texts, settings):
        actors, mentions = resolve_actors(doc, settings)
        coded += len(code_events(doc, actors, mentions, (), None, settings))
    return coded


def best_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=50, help="documents per run")
    parser.add_argument("--repeat", type=int, default=2, help="runs per figure (best kept)")
    args = parser.parse_args(argv)
    settings = Settings()
    distinct = corpus_texts()
    texts = (distinct * (args.docs // len(distinct) + 1))[: args.docs]
    words = sum(len(t.split()) for t in texts)
    load_model(settings)
    full_analysis(distinct[:1], settings)  # warm up: model, dictionaries, matchers
    print(f"{len(texts)} documents ({len(distinct)} distinct), {words} words")
    base = best_time(lambda: spacy_only(texts, settings), args.repeat)
    full = best_time(lambda: full_analysis(texts, settings), args.repeat)
    for label, seconds in (("spaCy nlp.pipe alone", base), ("nlp + actors + events", full)):
        print(
            f"{label:<24} {seconds:7.2f} s  {len(texts) / seconds:7.1f} docs/s  "
            f"{words / seconds:9.0f} words/s"
        )
    print(f"actors + events add {100 * (full - base) / base:.0f}% to the spaCy time")
    events = full_analysis(texts, settings)
    print(f"{events} events coded: {events / full:.1f} events/s end to end of the analysis")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
