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

``--views`` also times the corpus-wide views the web app keeps per database state, after the
documents are added: each built afresh, and each extended from the state before the
addition (what the app does after an ingest), and the reads of the corpus totals the
triggers keep (actor list, network pairs, outlet table, period).

Usage: python benchmarks/bench_incremental.py [--sizes 1000 10000] [--add 100] [--shared-line]
       [--views] [--per-day N]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import random
import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from storyline import pipeline, views
from storyline.model import Document, RawDocument
from storyline.settings import Settings
from storyline.sources import profile_state
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


def synthetic(
    number: int, pool: list[str], models: list[Document], shared_line: bool, per_day: int = 0
) -> Document:
    """Article ``number``: random sentences carrying the records of one analysed article.
    ``per_day``: that many articles a day, each article's day-precision dates (publication,
    events, claims) moved by its day, so that a corpus spreads over time as a real one
    does and later articles report later events; 0 keeps the articles' own dates (every
    article repeats one of a few stories: the worst case for the timeline and claims)."""
    rng = random.Random(number)
    paragraphs = [" ".join(rng.sample(pool, 2)) for _ in range(PARAGRAPHS)]
    if shared_line:
        paragraphs.append(FOOTER)
    text = "\n".join(paragraphs)
    digest = hashlib.sha256(text.encode()).hexdigest()
    model = models[number % len(models)]
    if per_day:
        model = _moved(model, number // per_day)
    return replace(
        model, id=f"s{number}", origin=f"synthetic#{number}", content_hash=digest, text=text
    )


def _moved(doc: Document, days: int) -> Document:
    def move(value: str | None) -> str | None:
        if value is None or len(value) != len("YYYY-MM-DD"):
            return value
        try:
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        except ValueError:
            return value

    return replace(
        doc,
        published=move(doc.published),
        events=tuple(replace(e, date=move(e.date)) for e in doc.events),
        claims=tuple(replace(c, as_of=move(c.as_of)) for c in doc.claims),
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


# the views the web app extends after an ingest: name -> build(store, previous state)
EXTENDED: dict[str, Callable[[Store, Any], Any]] = {
    "timeline keys": views.timeline_keys,
    "claim groups": views.claim_state,
    "source profiles": profile_state,
}
NETWORK_NODES = 40  # the network page's default size


def seconds(work: Callable[[], Any]) -> tuple[float, Any]:
    """The time ``work`` takes, the garbage of what ran before collected first (a full
    collection walks every object alive, the whole corpus's states included: it would be
    charged to whichever step happened to trigger it)."""
    gc.collect()
    start = time.perf_counter()
    found = work()
    return time.perf_counter() - start, found


def states(store: Store) -> dict[str, Any]:
    return {name: build(store, None) for name, build in EXTENDED.items()}


def view_timings(store: Store, before: dict[str, Any]) -> dict[str, tuple[float, float]]:
    """Per view: (built afresh, extended from ``before``) in seconds; the two must agree."""
    out = {}
    for name, build in EXTENDED.items():
        fresh_time, _ = seconds(partial(build, store, None))
        extended_time, _ = seconds(partial(build, store, before[name]))
        out[name] = (fresh_time, extended_time)
    return out


def total_reads(store: Store) -> float:
    """The reads of the trigger-kept totals the overview, network and sources pages make."""

    def read() -> None:
        top = [a["id"] for a in store.actors()[:NETWORK_NODES]]
        store.actor_pairs(top, by="sentence")
        store.actor_pairs(top, by="event")
        store.outlet_counts()
        store.period()

    return seconds(read)[0]


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
    parser.add_argument("--views", action="store_true", help="also time the corpus views")
    parser.add_argument(
        "--per-day", type=int, default=0, help="articles a day: spread the corpus over time"
    )
    args = parser.parse_args()
    settings = Settings()
    texts = corpus_texts()
    pool = sentences(texts)
    models = templates(texts, settings)
    print(
        f"{len(pool)} distinct sentences from {len(texts)} texts; records of {len(models)} articles"
    )
    timings = {}
    extended_ms: dict[str, dict[int, float]] = defaultdict(dict)
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "kb.db") as store:
            start = time.perf_counter()
            store_all(
                store,
                (synthetic(n, pool, models, args.shared_line, args.per_day) for n in range(size)),
                settings,
            )
            built = time.perf_counter() - start
            before = states(store) if args.views else {}
            new = (
                synthetic(size + n, pool, models, args.shared_line, args.per_day)
                for n in range(args.add)
            )
            start = time.perf_counter()
            store_all(store, new, settings)
            timings[size] = time.perf_counter() - start
            rows = store.count("shared_passages")
            print(
                f"{size:>6} stored (built in {built:.0f} s): adding {args.add} took "
                f"{timings[size] * 1000:.0f} ms ({timings[size] * 1000 / args.add:.1f} ms/doc), "
                f"{rows} shared-passage rows; load {load_average()}",
                flush=True,
            )
            if args.views:
                for name, (fresh, extended) in view_timings(store, before).items():
                    extended_ms[name][size] = extended * 1000
                    print(
                        f"        {name}: afresh {fresh * 1000:.0f} ms, extended "
                        f"{extended * 1000:.0f} ms ({fresh / extended:.0f}x less)"
                    )
                extended_ms["totals read"][size] = total_reads(store) * 1000
                print(f"        totals read: {extended_ms['totals read'][size]:.1f} ms")
                print(f"        load {load_average()}", flush=True)
    small, large = min(timings), max(timings)
    print(f"cost ratio {large} vs {small} stored: {timings[large] / timings[small]:.2f}x")
    for name, by_size in extended_ms.items():
        print(f"{name} after adding, ratio {large} vs {small}: "
              f"{by_size[large] / by_size[small]:.2f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
