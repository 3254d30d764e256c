"""Latency of the web API on a knowledge base of 10,000+ documents.

The corpus: the five sample articles are ingested for real (spaCy, actors, events); then
--docs synthetic documents are written straight through ``Store.insert_document`` in one
transaction, each recombining paragraphs of the samples in a new order under a new outlet and
date, with actor mentions found by alias and --events-per-doc of the samples' real events
(re-dated within the document's month, a share --undated left without a date) written
through ``Store.add_events``.
Then ~200 requests each to /api/search (varied queries), /api/timeline and /api/events
(40 distinct filters, each first asked once, then paged and reloaded) go through FastAPI's
TestClient; a new app's first timeline request (its one read of every event) is timed on
its own, and a few other routes on fewer requests (their max is their one cold request).

Usage: python benchmarks/bench_web.py [--docs 10000] [--events-per-doc 3] [--requests 200]
       [--undated 0.1] [--keep PATH]   (build the corpus at PATH once, reuse it after)

Each row also says how many of Python's full garbage collections (each walks every object
of the process, ~60-130 ms here) fell inside its requests.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import random
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from storyline import pipeline
from storyline.model import Actor, Document, Mention
from storyline.settings import Settings
from storyline.store import Store, StoredEvent
from storyline.web import create_app

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "examples" / "russia-myanmar"
# the synthetic corpus spans these years of publication, one outlet among OUTLETS per document
FIRST_DAY = date(2021, 1, 1)
DAYS = 5 * 365
OUTLETS = 40
# paragraphs per synthetic document: the samples have 8 to 20
PARAGRAPHS = (6, 18)
SEARCHES = [
    "Rosatom",
    "nuclear power plant",
    '"nuclear power"',
    "Min Aung Hlaing",
    "Putin Moscow",
    "military cooperation",
    "sanctions",
    "Ukraine",
    "junta",
    "visit Russia",
    "economic",
    "Naypyidaw talks",
]


def seed_corpus(folder: Path) -> Path:
    db = folder / "seed.db"
    with Store(db) as store:
        pipeline.ingest([str(SAMPLES)], store, Settings())
    return db


def synthetic_corpus(
    seed: Path, target: Path, docs: int, events_per_doc: int, undated: float
) -> int:
    """Write ``docs`` recombined documents; returns the number of events written. A share
    ``undated`` of the events keeps no date (as when a document states no publication date)."""
    rng = random.Random(1)  # fixed seed: the same corpus on every run
    undated_rng = random.Random(3)  # its own seed: --undated 0 leaves the corpus as it was
    with Store(seed, readonly=True) as source:
        paragraphs = [
            line for d in source.iter_documents() for line in d.text.split("\n") if line.strip()
        ]
        actors = source.actors()
        events = [e for e in source.events() if e.event.actors]
    aliases = [(alias, a["id"]) for a in actors for alias in {a["name"], *a["aliases"]}]
    written = 0
    with Store(target) as store, store.transaction():
        for a in actors:
            store.upsert_actor(
                Actor(a["id"], a["name"], a["kind"], a["country"], a["sector"], tuple(a["aliases"]))
            )
        for number in range(docs):
            doc = synthetic_document(number, rng, paragraphs)
            store.insert_document(doc)
            store.add_mentions(doc.id, find_mentions(doc.text, aliases))
            chosen = rng.sample(events, k=min(events_per_doc, len(events)))
            coded = redated(chosen, doc, rng)
            if undated:
                coded = [replace(e, date=None) if undated_rng.random() < undated else e
                         for e in coded]  # fmt: skip
            store.add_events(doc.id, coded, [e.score for e in chosen])
            written += len(chosen)
    return written


def synthetic_document(number: int, rng: random.Random, paragraphs: Sequence[str]) -> Document:
    body = rng.sample(paragraphs, k=rng.randint(*PARAGRAPHS))
    text = "\n".join(body)
    published = (FIRST_DAY + timedelta(days=rng.randrange(DAYS))).isoformat()
    digest = hashlib.sha256(f"{number}\n{text}".encode()).hexdigest()
    return Document(
        id=f"s{number:06d}",
        origin=f"synthetic#{number}",
        format="text",
        content_hash=digest,
        text=text,
        title=body[0][:90],
        source=f"outlet-{rng.randrange(OUTLETS)}.example",
        published=published,
    )


def find_mentions(text: str, aliases: Sequence[tuple[str, str]]) -> list[Mention]:
    found = []
    for sentence, (start, line) in enumerate(_lines(text)):
        for alias, actor_id in aliases:
            at = line.find(alias)
            if len(alias) > 3 and at >= 0:
                found.append(
                    Mention(start + at, start + at + len(alias), alias, actor_id, sentence)
                )
    return found


def _lines(text: str) -> list[tuple[int, str]]:
    out, start = [], 0
    for line in text.split("\n"):
        out.append((start, line))
        start += len(line) + 1
    return out


def redated(items: Sequence[StoredEvent], doc: Document, rng: random.Random) -> list[Any]:
    day = date.fromisoformat(doc.published or FIRST_DAY.isoformat())
    return [
        replace(item.event, date=(day - timedelta(days=rng.randrange(30))).isoformat())
        for item in items
    ]


class FullCollections:
    """Python's full (generation 2) garbage collections and their time: one walks every
    tracked object of the process, and lands on whichever request happens to allocate."""

    def __init__(self) -> None:
        self.millis: list[float] = []
        self._start = 0.0
        gc.callbacks.append(self._watch)

    def _watch(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.millis.append((time.perf_counter() - self._start) * 1000)

    def take(self) -> list[float]:
        found, self.millis = self.millis, []
        return found


COLLECTIONS = FullCollections()


def timed(client: TestClient, urls: Sequence[str]) -> list[float]:
    COLLECTIONS.take()
    out = []
    for url in urls:
        start = time.perf_counter()
        answer = client.get(url)
        out.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (url, answer.status_code, answer.text[:200])
    return out


def report(label: str, millis: Sequence[float]) -> None:
    ordered = sorted(millis)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    full = COLLECTIONS.take()
    collections = f"  full gc {len(full)} ({sum(full):.0f} ms)" if full else ""
    print(
        f"{label:<30} n={len(ordered):>4}  p50 {statistics.median(ordered):7.1f} ms  "
        f"p95 {p95:7.1f} ms  max {ordered[-1]:7.1f} ms{collections}"
    )


def timeline_filters(actors: Sequence[str], types: Sequence[str]) -> list[str]:
    """Distinct filters of the kinds a user sets: actor, type, dates, mixed."""
    filters = ["since=2024", "since=2023-06&until=2023-12", "until=2022-06", "since=2025-01"]
    filters += [f"actor={a}" for a in actors[:10]]
    filters += [f"type={t}" for t in types[:10]]
    filters += [f"actor={a}&since=2023&until=2024-06" for a in actors[:10]]
    filters += [f"actor={a}&type={t}" for a, t in zip(actors[:6], types[:6], strict=False)]
    return [f"/api/timeline?{f}" for f in filters]


def paged(urls: Sequence[str], count: int) -> list[str]:
    """``count`` requests over ``urls``, each asking for one of its first five pages."""
    rng = random.Random(2)  # fixed seed: the same request mix on every run
    out = []
    for i in range(count):
        url = urls[i % len(urls)]
        joiner = "&" if "?" in url and not url.endswith("?") else ""
        out.append(f"{url}{joiner}limit=50&offset={50 * rng.randrange(5)}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=10_000)
    parser.add_argument("--events-per-doc", type=int, default=3)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument(
        "--undated", type=float, default=0.1, help="share of the events left without a date"
    )
    parser.add_argument("--keep", type=Path, help="build the corpus here once and reuse it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.keep or Path(tmp) / "bench.db"
        if not db.exists():
            build(Path(tmp), db, args.docs, args.events_per_doc, args.undated)
        run_requests(db, args.requests)
    return 0


def build(folder: Path, db: Path, docs: int, events_per_doc: int, undated: float) -> None:
    start = time.perf_counter()
    seed = seed_corpus(folder)
    print(f"seed: 5 samples ingested in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    events = synthetic_corpus(seed, db, docs, events_per_doc, undated)
    print(
        f"built {docs} documents and {events} events in "
        f"{time.perf_counter() - start:.1f} s ({db.stat().st_size / 1e6:.0f} MB)"
    )


def run_requests(db: Path, count: int) -> None:
    with Store(db, readonly=True) as store:
        actors = [a["id"] for a in store.actors()[:20]]
        types = store.event_types()
    # a new app has an empty view cache: its first timeline request reads every event once
    # (what any filter's timeline is then folded from), as after any database change
    report(
        "/api/timeline first of an app",
        [
            timed(TestClient(create_app(str(db), Settings())), ["/api/timeline"])[0]
            for _ in range(5)
        ],
    )
    client = TestClient(create_app(str(db), Settings()))
    searches = [f"/api/search?q={SEARCHES[i % len(SEARCHES)]}" for i in range(count)]
    timed(client, searches[:5])  # warm-up: first-use costs (imports, page cache)
    report("/api/search", timed(client, searches))
    report("/search page", timed(client, [f"/search?q={q}" for q in SEARCHES]))
    timed(client, ["/api/timeline"])  # the app's one read of every event (timed above)
    filters = timeline_filters(actors, types)
    report("/api/timeline first per filter", timed(client, filters))
    report("/api/timeline paging, reloads", timed(client, paged(filters, count)))
    events = [u.replace("/api/timeline", "/api/events") for u in filters]
    report("/api/events first per filter", timed(client, events))
    report("/api/events paging", timed(client, paged(events, count)))
    few = max(count // 10, 5)
    report("/ overview page", timed(client, ["/"] * few))
    report("/documents/{id} page", timed(client, [f"/documents/s{i:06d}" for i in range(few)]))
    report("/api/network", timed(client, ["/api/network"] * few))
    report("/claims page", timed(client, ["/claims"] * few))
    report("/sources page", timed(client, ["/sources"] * few))
    report("/api/sources?limit=20", timed(client, ["/api/sources?limit=20"] * few))
    # the source profiles of a new app: every aggregate read once (as after any commit)
    report(
        "/sources page, new app",
        [timed(TestClient(create_app(str(db), Settings())), ["/sources"])[0] for _ in range(5)],
    )


if __name__ == "__main__":
    raise SystemExit(main())
