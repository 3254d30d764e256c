"""The real server answering while an ingest writes into its database.

uvicorn serves a knowledge base on a loopback port while ``pipeline.ingest`` (in another
thread, the way ``storyline ingest`` runs next to ``storyline serve``) commits a few dozen
generated articles into it, a few per transaction (WAL). Meanwhile a bounded loop of
requests hits the search, the timeline, the events and single documents: every answer is a
200 (or a 404 for a document not committed yet), never a 500, and every document the app
returned is whole: its text, removed lines, dates, mentions and events are exactly what the
ingest committed.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from storyline import pipeline
from storyline.pipeline import IngestSummary
from storyline.settings import Settings
from storyline.store import Store
from storyline.web import create_app

DOCUMENTS = 36
# documents per ingest transaction: several commits land while the requests run
BATCH = 4
# the loop makes at least this many requests, and goes on while the ingest runs, up to the
# upper bound (a bound on the loop, not a timing)
MIN_REQUESTS = 200
MAX_REQUESTS = 4000
# bounds on waits (seconds), not timings: server start, ingest end
SERVER_START_LIMIT = 30.0
INGEST_LIMIT = 600.0
OUTLETS = ("wire.example", "daily.example", "forum.example")
# what is compared between a document answer seen during the ingest and the final one
WHOLE_FIELDS = ("text", "title", "source", "published", "removed", "dates", "mentions", "events")


def article(number: int) -> tuple[str, dict[str, str]]:
    """A short news article (with page chrome) naming actors, a date and a number."""
    day = date(2024, 1, 1) + timedelta(days=3 * number)
    weekday = day.strftime("%A")
    text = f"""Share this article
Home > World > Asia

Moscow and Naypyidaw deepen ties, report {number}

Russian President Vladimir Putin met Myanmar junta chief Min Aung Hlaing in Moscow on {weekday}, {day:%B} {day.day}, {day.year}, to discuss nuclear energy cooperation, officials said.

The two leaders signed {number % 7 + 2} agreements on trade, energy and defence, according to a statement released by the Kremlin after the talks.

Russia pledged to deliver {number + 3} fighter jets to Myanmar, and China criticised the deal in a statement on the following day.

Read more: Other stories from the region
"""
    meta = {
        "id": f"gen-{number:03d}",
        "source": OUTLETS[number % len(OUTLETS)],
        "published": (day + timedelta(days=1)).isoformat(),
        "title": f"Moscow and Naypyidaw deepen ties, report {number}",
    }
    return text, meta


def write_articles(folder: Path) -> list[str]:
    folder.mkdir(parents=True)
    ids = []
    for number in range(DOCUMENTS):
        text, meta = article(number)
        (folder / f"a{number:03d}.txt").write_text(text, encoding="utf-8")
        (folder / f"a{number:03d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
        ids.append(meta["id"])
    return ids


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An empty knowledge base (schema in place) served on a free loopback port."""
    db = tmp_path / "kb.db"
    Store(db).close()
    config = uvicorn.Config(
        create_app(str(db), Settings()), host="127.0.0.1", port=_free_port(), log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_LIMIT
    while not server.started:
        assert thread.is_alive(), "the server stopped while starting"
        assert time.monotonic() < deadline, "the server did not start listening"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{config.port}", db
    server.should_exit = True
    thread.join(SERVER_START_LIMIT)


@dataclass
class Ingest:
    """``pipeline.ingest`` in a thread; its summary or its error once done."""

    db: Path
    folder: Path
    summary: IngestSummary | None = None
    error: BaseException | None = None
    thread: threading.Thread = field(init=False)

    def __post_init__(self) -> None:
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            with Store(self.db) as store:
                settings = Settings(spacy_batch_size=BATCH)
                self.summary = pipeline.ingest([str(self.folder)], store, settings)
        except BaseException as exc:  # reported by the test, never swallowed
            self.error = exc


@dataclass
class Seen:
    """Every answer the request loop got."""

    statuses: dict[str, list[int]] = field(default_factory=dict)
    documents: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    totals: set[int] = field(default_factory=set)
    hits: set[str] = field(default_factory=set)
    timeline_documents: set[str] = field(default_factory=set)

    def record(self, route: str, answer: httpx.Response) -> None:
        self.statuses.setdefault(route, []).append(answer.status_code)
        if answer.status_code != 200:
            return
        body = answer.json()
        if route == "document":
            self.documents.setdefault(body["id"], []).append(body)
        elif route == "search":
            self.hits |= {hit["id"] for hit in body["hits"]}
        elif route == "timeline":
            self.totals.add(body["total"])
            self.timeline_documents |= {d for e in body["entries"] for d in e["documents"]}


def hammer(client: httpx.Client, ids: list[str], ingest: Ingest) -> Seen:
    """Requests in a fixed rotation until MIN_REQUESTS are made and the ingest is over."""
    seen = Seen()
    rotation = [
        ("search", "/api/search?q=nuclear+energy&limit=50"),
        ("timeline", "/api/timeline?limit=500"),
        ("events", "/api/events?actor=russia&limit=20"),
        ("timeline", "/api/timeline?type=CONSULT&since=2024-02"),
    ]
    for number in range(MAX_REQUESTS):
        if number >= MIN_REQUESTS and not ingest.thread.is_alive():
            break
        if number % 2:
            route, url = "document", f"/api/documents/{ids[(number // 2) % len(ids)]}"
        else:
            route, url = rotation[(number // 2) % len(rotation)]
        seen.record(route, client.get(url))
    return seen


def test_answers_stay_whole_while_an_ingest_commits(live_server: tuple[str, Path]) -> None:
    base_url, db = live_server
    ids = write_articles(db.parent / "inputs")
    ingest = Ingest(db, db.parent / "inputs")
    with httpx.Client(base_url=base_url, timeout=INGEST_LIMIT) as client:
        assert client.get("/api/timeline").json()["total"] == 0
        ingest.thread.start()
        seen = hammer(client, ids, ingest)
        ingest.thread.join(INGEST_LIMIT)
        assert not ingest.thread.is_alive(), "the ingest did not finish"
        assert ingest.error is None, repr(ingest.error)
        assert ingest.summary is not None and ingest.summary.stored == DOCUMENTS
        final = {doc_id: client.get(f"/api/documents/{doc_id}").json() for doc_id in ids}
        final_total = client.get("/api/timeline").json()["total"]

    # never a server error: 200, or 404 for a document that was not committed yet
    assert sum(len(codes) for codes in seen.statuses.values()) >= MIN_REQUESTS
    for route, codes in seen.statuses.items():
        allowed = {200, 404} if route == "document" else {200}
        assert set(codes) <= allowed, (route, sorted(set(codes)))
    # the answers saw the knowledge base grow (the requests ran during the ingest)
    assert {200, 404} <= set(seen.statuses["document"])
    assert len(seen.totals) >= 2 and final_total in seen.totals | {final_total}
    assert max(seen.totals) <= final_total
    # every document answer is whole: exactly what the ingest committed
    assert seen.documents, "no document was seen committed during the ingest"
    for doc_id, answers in seen.documents.items():
        for answer in answers:
            for name in WHOLE_FIELDS:
                assert answer[name] == final[doc_id][name], (doc_id, name)
    assert all(final[doc_id]["events"] for doc_id in ids)
    assert all(final[doc_id]["removed"] for doc_id in ids)
    # whatever search and the timeline cited exists
    assert seen.hits <= set(ids)
    assert seen.timeline_documents <= set(ids)
