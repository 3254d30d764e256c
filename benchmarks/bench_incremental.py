"""Adding documents to a large knowledge base must cost time proportional to what is added.

Builds databases of --sizes stored documents quickly (synthetic articles written straight
with ``pipeline.store_document``, no spaCy), then times adding --add new documents the way
``ingest`` stores them (one transaction per batch of 32): near-duplicate look-up in the LSH
bands, actor upserts, mentions, events, claims and shared passages. A ratio near 1 between
the largest and the smallest database means the corpus-level stages are incremental.

Synthetic articles: paragraphs of two sentences drawn at random (fixed seed) from the corpus
texts (the samples, and the zyte-dev gold texts when ../shared is present), carrying the
actors, mentions, events and claims of a real analysed article, so every table gets rows of
realistic size. ``--shared-line`` adds the same twelve-word line to every article, like a
footer the cleaner keeps: it shows what a passage shared by the whole corpus costs.

Usage: python benchmarks/bench_incremental.py [--sizes 1000 10000] [--add 100] [--shared-line]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from storyline import pipeline
from storyline.model import Document, RawDocument
from storyline.settings import Settings
from storyline.store import Store

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared/data/zyte-dev/ground-truth.json"
# a synthetic article: this many paragraphs of two random sentences, about the length of a
# news article (the gold texts average about 800 words)
PARAGRAPHS = 16
# analysing this many real articles gives the actor/event/claim records to attach; enough for
# variety while keeping the spaCy part of the set-up under a minute
TEMPLATES = 20
BATCH = 32  # what ingest stores per transaction (Settings.spacy_batch_size)
FOOTER = "Follow our coverage of the region on our website and in our daily newsletter."


def corpus_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted(ROOT.glob("examples/*/*.txt"))]
    if GOLD.is_file():
        texts += [v["articleBody"] for v in json.loads(GOLD.read_text()).values()]
    return [t for t in texts if t.strip()]


def sentences(texts: list[str]) -> list[str]:
    # one line per sentence: a heading glued to a sentence would otherwise become a short
    # line shared by every article that draws that sentence
    pool = {" ".join(s.split()) for t in texts for s in re.split(r"(?<=[.!?])\s+", t)}
    return sorted(s for s in pool if len(s.split()) >= 6)


def templates(texts: list[str], settings: Settings) -> list[Document]:
    raws = [RawDocument(f"t{i}", "text", text=t) for i, t in enumerate(texts[:TEMPLATES])]
    return [d for d in pipeline.process(raws, settings) if isinstance(d, Document)]


def synthetic(number: int, pool: list[str], models: list[Document], shared_line: bool) -> Document:
    rng = random.Random(number)
    paragraphs = [" ".join(rng.sample(pool, 2)) for _ in range(PARAGRAPHS)]
    if shared_line:
        paragraphs.append(FOOTER)
    text = "\n".join(paragraphs)
    digest = hashlib.sha256(text.encode()).hexdigest()
    model = models[number % len(models)]
    return replace(
        model, id=f"s{number}", origin=f"synthetic#{number}", content_hash=digest, text=text
    )


def store_all(store: Store, docs: Iterator[Document], settings: Settings) -> int:
    count = 0
    batch: list[Document] = []
    for doc in docs:
        batch.append(doc)
        if len(batch) == BATCH:
            count += _store_batch(store, batch, settings)
            batch = []
    return count + _store_batch(store, batch, settings)


def _store_batch(store: Store, batch: list[Document], settings: Settings) -> int:
    with store.transaction():
        for doc in batch:
            pipeline.store_document(store, doc, settings)
    return len(batch)


def load_average() -> str:
    """The 1-minute load average (/proc/loadavg): how busy the shared machine was."""
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "?"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--add", type=int, default=100)
    parser.add_argument("--shared-line", action="store_true")
    args = parser.parse_args()
    settings = Settings()
    texts = corpus_texts()
    pool = sentences(texts)
    models = templates(texts, settings)
    print(
        f"{len(pool)} distinct sentences from {len(texts)} texts; records of {len(models)} articles"
    )
    timings = {}
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "kb.db") as store:
            start = time.perf_counter()
            store_all(
                store, (synthetic(n, pool, models, args.shared_line) for n in range(size)), settings
            )
            built = time.perf_counter() - start
            new = (synthetic(size + n, pool, models, args.shared_line) for n in range(args.add))
            start = time.perf_counter()
            store_all(store, new, settings)
            timings[size] = time.perf_counter() - start
            rows = store.count("shared_passages")
        print(
            f"{size:>6} stored (built in {built:.0f} s): adding {args.add} took "
            f"{timings[size] * 1000:.0f} ms ({timings[size] * 1000 / args.add:.1f} ms/doc), "
            f"{rows} shared-passage rows; load {load_average()}"
        )
    small, large = min(timings), max(timings)
    print(f"cost ratio {large} vs {small} stored: {timings[large] / timings[small]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
