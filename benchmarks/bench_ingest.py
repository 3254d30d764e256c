"""Throughput of cleaning and storing, and of the whole ingest, on real-length articles.

The corpus: the five sample articles and, when ../shared is present, the 90 gold article texts
of the zyte-dev set, repeated with distinct ids up to --docs documents (the closing lines say
how many texts are distinct). Prints documents and words per second for each stage.

Usage: python benchmarks/bench_ingest.py [--docs 500] [--full]
  --full  also time the whole ingest including spaCy and actors (slower)
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from storyline import clean, dedup, pipeline
from storyline.model import RawDocument
from storyline.settings import Settings
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared/data/zyte-dev/ground-truth.json"


def corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/*/*.txt"))]
    if GOLD.is_file():
        texts += [v["articleBody"] for v in json.loads(GOLD.read_text()).values()]
    return [t for t in texts if t.strip()]


def timed(label: str, docs: int, words: int, run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    print(
        f"{label:<38} {docs / seconds:>9.1f} docs/s {words / seconds:>11.0f} words/s "
        f"({docs} docs in {seconds:.2f} s)"
    )
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--full", action="store_true")
    args = parser.parse_args()
    texts = corpus_texts()
    raws = [
        RawDocument(origin=f"bench#{i}", format="text", text=texts[i % len(texts)], id=f"b{i}")
        for i in range(args.docs)
    ]
    words = sum(len((r.text or "").split()) for r in raws)
    settings = Settings()
    print(f"{len(raws)} documents ({len(texts)} distinct texts), {words} words")

    timed("clean (text)", len(raws), words, lambda: [clean.clean_text(r.text or "") for r in raws])
    prepared = [pipeline.prepare(r) for r in raws]
    timed("prepare (clean + dates)", len(raws), words, lambda: [pipeline.prepare(r) for r in raws])

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")

        def store_all() -> None:
            with store.transaction():
                for doc in prepared:
                    store.insert_document(doc)
                    dedup.link(store, doc.id, doc.text, settings)

        timed("store + near-duplicate links", len(raws), words, store_all)
        store.close()

        if args.full:
            corpus = Path(tmp) / "corpus.jsonl"
            with corpus.open("w", encoding="utf-8") as out:
                for raw in raws:
                    out.write(json.dumps({"id": raw.id, "text": raw.text}) + "\n")
            full = Store(Path(tmp) / "full.db")
            timed(
                "whole ingest (read .. actors, store)",
                len(raws),
                words,
                lambda: pipeline.ingest([str(corpus)], full, settings),
            )
            full.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
