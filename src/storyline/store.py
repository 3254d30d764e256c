"""The knowledge base: one SQLite file (WAL, FTS5), with a versioned schema.

Every document is written in one transaction together with everything derived from it, so an
interrupted ingest leaves no half document. Opening an older database upgrades it in a
transaction (see ``MIGRATIONS``); a newer one is refused rather than misread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .model import (
    Actor,
    ActorRef,
    Claim,
    DateExpr,
    Document,
    Event,
    Mention,
    Removal,
    Repeat,
)

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    # 1: documents, the audit trail of cleaning, duplicates, full-text search
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        content_hash TEXT NOT NULL UNIQUE,
        origin TEXT NOT NULL,
        format TEXT NOT NULL,
        title TEXT, source TEXT, url TEXT, author TEXT,
        published TEXT,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL,
        word_count INTEGER NOT NULL,
        ingested_at TEXT NOT NULL
    );
    CREATE TABLE removals (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        line INTEGER,
        text TEXT NOT NULL,
        reason TEXT NOT NULL,
        PRIMARY KEY (document_id, seq)
    );
    CREATE TABLE repeats (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        of_line INTEGER NOT NULL,
        similarity REAL NOT NULL
    );
    CREATE TABLE duplicates (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        duplicate_of TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        similarity REAL NOT NULL
    );
    CREATE TABLE minhash_bands (
        band INTEGER NOT NULL,
        hash INTEGER NOT NULL,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE
    );
    CREATE INDEX minhash_bands_lookup ON minhash_bands(band, hash);
    CREATE TABLE minhash (
        document_id TEXT PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
        signature BLOB NOT NULL
    );
    CREATE TABLE passages (
        hash INTEGER NOT NULL,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        line INTEGER NOT NULL
    );
    CREATE INDEX passages_lookup ON passages(hash);
    CREATE TABLE shared_passages (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        other_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        line INTEGER NOT NULL,
        other_line INTEGER NOT NULL
    );
    CREATE INDEX shared_passages_doc ON shared_passages(document_id);
    CREATE VIRTUAL TABLE documents_fts USING fts5(
        title, text, content='documents', content_rowid='rowid', tokenize='porter unicode61'
    );
    CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER documents_au AFTER UPDATE ON documents BEGIN
        INSERT INTO documents_fts(documents_fts, rowid, title, text)
        VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO documents_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    """,
    # 2: date expressions, actors (corpus-level, merged) and their mentions
    """
    CREATE TABLE dates (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        value TEXT NOT NULL
    );
    CREATE INDEX dates_doc ON dates(document_id);
    CREATE TABLE actors (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        country TEXT,
        sector TEXT
    );
    CREATE TABLE actor_aliases (
        actor_id TEXT NOT NULL REFERENCES actors(id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        PRIMARY KEY (actor_id, alias)
    );
    CREATE TABLE mentions (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        actor_id TEXT NOT NULL REFERENCES actors(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        sentence INTEGER NOT NULL
    );
    CREATE INDEX mentions_doc ON mentions(document_id);
    CREATE INDEX mentions_actor ON mentions(actor_id);
    """,
    # 3: PLOVER events and the actors on each side of them
    """
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        type TEXT NOT NULL,
        mode TEXT,
        context TEXT NOT NULL,
        status TEXT NOT NULL,
        date TEXT,
        date_text TEXT,
        location TEXT,
        location_country TEXT,
        sentence TEXT NOT NULL,
        sentence_start INTEGER NOT NULL,
        trigger TEXT NOT NULL,
        confidence REAL NOT NULL,
        score REAL NOT NULL
    );
    CREATE INDEX events_doc ON events(document_id);
    CREATE INDEX events_date ON events(date);
    CREATE INDEX events_type ON events(type);
    CREATE TABLE event_actors (
        event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
        role TEXT NOT NULL,
        position INTEGER NOT NULL,
        actor_id TEXT,
        name TEXT NOT NULL,
        country TEXT,
        sector TEXT
    );
    CREATE INDEX event_actors_event ON event_actors(event_id);
    CREATE INDEX event_actors_actor ON event_actors(actor_id);
    CREATE INDEX event_actors_country ON event_actors(country);
    """,
    # 4: checkable claims (grouped across documents at query time)
    """
    CREATE TABLE claims (
        document_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        subject_id TEXT,
        predicate TEXT NOT NULL,
        value TEXT NOT NULL,
        object TEXT,
        as_of TEXT,
        polarity INTEGER NOT NULL,
        sentence TEXT NOT NULL,
        start INTEGER NOT NULL,
        PRIMARY KEY (document_id, seq)
    );
    CREATE INDEX claims_subject ON claims(subject, kind);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class SearchHit:
    document_id: str
    title: str | None
    source: str | None
    published: str | None
    snippet: str
    rank: float


@dataclass(frozen=True)
class StoredEvent:
    """An event as stored, with the document that reports it."""

    id: int
    document_id: str
    source: str | None
    title: str | None
    published: str | None
    event: Event
    score: float


def _stored_event(row: sqlite3.Row, parties: Sequence[sqlite3.Row]) -> StoredEvent:
    refs = {
        role: tuple(
            ActorRef(p["name"], p["country"], p["sector"], p["actor_id"])
            for p in parties
            if p["role"] == role
        )
        for role in ("actor", "recipient")
    }
    event = Event(
        type=row["type"],
        actors=refs["actor"],
        recipients=refs["recipient"],
        mode=row["mode"],
        context=tuple(json.loads(row["context"])),
        status=row["status"],
        date=row["date"],
        date_text=row["date_text"],
        location=row["location"],
        location_country=row["location_country"],
        sentence=row["sentence"],
        sentence_start=row["sentence_start"],
        trigger=row["trigger"],
        confidence=row["confidence"],
    )
    return StoredEvent(
        id=row["id"],
        document_id=row["document_id"],
        source=row["source"],
        title=row["title"],
        published=row["published"],
        event=event,
        score=row["score"],
    )


class Store:
    """A connection to the knowledge base. Use as a context manager or call ``close()``."""

    def __init__(self, path: str | Path, *, readonly: bool = False) -> None:
        self.path = str(path)
        self.readonly = readonly
        try:
            if readonly:
                uri = Path(self.path).resolve().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(
                    uri, uri=True, check_same_thread=False, isolation_level=None
                )
            else:
                self.conn = sqlite3.connect(
                    self.path, check_same_thread=False, isolation_level=None
                )
            self.conn.row_factory = sqlite3.Row
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA busy_timeout = 10000")
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                self._migrate()
            else:
                self._check_version()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: not a storyline database ({exc})") from exc

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        row = self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='schema_migrations'"
        ).fetchone()
        if row is None:
            return 0
        found = self.conn.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0]
        return int(found or 0)

    def _check_version(self) -> None:
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: schema version {version} is newer than this storyline "
                f"({SCHEMA_VERSION}); upgrade storyline"
            )
        if version < SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version} needs an upgrade")

    def _migrate(self) -> None:
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        version = self.schema_version()
        if version > SCHEMA_VERSION:
            self._check_version()
        for number in range(version + 1, SCHEMA_VERSION + 1):
            with self.transaction():
                for statement in _statements(MIGRATIONS[number - 1]):
                    self.conn.execute(statement)
                self.conn.execute("INSERT INTO schema_migrations VALUES (?, ?)", (number, _now()))

    def transaction(self) -> _Transaction:
        return _Transaction(self.conn)

    # -- documents -------------------------------------------------------------------------

    def has_hash(self, content_hash: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return row is not None

    def hash_of(self, document_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT content_hash FROM documents WHERE id = ?", (document_id,)
        ).fetchone()
        return None if row is None else str(row[0])

    def insert_document(self, doc: Document) -> None:
        """Write a document and its removals, repeats and dates. Call inside a transaction."""
        self.conn.execute(
            "INSERT INTO documents (id, content_hash, origin, format, title, source, url, "
            "author, published, published_estimated, text, word_count, ingested_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc.id,
                doc.content_hash,
                doc.origin,
                doc.format,
                doc.title,
                doc.source,
                doc.url,
                doc.author,
                doc.published,
                int(doc.published_estimated),
                doc.text,
                len(doc.text.split()),
                _now(),
            ),
        )
        self.conn.executemany(
            "INSERT INTO removals VALUES (?, ?, ?, ?, ?)",
            [(doc.id, i, r.line, r.text, r.reason) for i, r in enumerate(doc.removed)],
        )
        self.conn.executemany(
            "INSERT INTO repeats VALUES (?, ?, ?, ?)",
            [(doc.id, r.line, r.of_line, r.similarity) for r in doc.repeats],
        )
        self.conn.executemany(
            "INSERT INTO dates VALUES (?, ?, ?, ?, ?)",
            [(doc.id, d.start, d.end, d.text, d.value) for d in doc.dates],
        )

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT id FROM documents ORDER BY rowid")]

    def count(self, table: str) -> int:
        if table not in _COUNTABLE:
            raise ValueError(f"unknown table {table}")
        return int(self.conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

    def iter_documents(self, *, full: bool = False) -> Iterator[Document]:
        """Stored documents in ingest order; ``full`` also loads actors, mentions, events and
        claims (what source profiles and the document view need)."""
        for row in self.conn.execute("SELECT * FROM documents ORDER BY rowid").fetchall():
            doc = self._document(row)
            yield self._with_analysis(doc) if full else doc

    def get_document(self, document_id: str, *, full: bool = False) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        if row is None:
            return None
        doc = self._document(row)
        return self._with_analysis(doc) if full else doc

    def _with_analysis(self, doc: Document) -> Document:
        mentions = tuple(
            Mention(r["start"], r["end"], r["text"], r["actor_id"], r["sentence"])
            for r in self.conn.execute(
                "SELECT * FROM mentions WHERE document_id = ? ORDER BY start", (doc.id,)
            )
        )
        counts: dict[str, int] = {}
        for m in mentions:
            counts[m.actor_id] = counts.get(m.actor_id, 0) + 1
        actors = []
        for actor_id, count in counts.items():
            row = self.conn.execute("SELECT * FROM actors WHERE id = ?", (actor_id,)).fetchone()
            if row is not None:
                aliases = tuple(sorted({m.text for m in mentions if m.actor_id == actor_id}))
                actors.append(
                    Actor(row["id"], row["name"], row["kind"], row["country"], row["sector"],
                          aliases, count)
                )  # fmt: skip
        events = tuple(e.event for e in self.events("e.document_id = ?", (doc.id,)))
        return replace(
            doc,
            actors=tuple(actors),
            mentions=mentions,
            events=events,
            claims=self.claims_of(doc.id),
        )

    def _document(self, row: sqlite3.Row) -> Document:
        doc_id = row["id"]
        removed = tuple(
            Removal(text=r["text"], reason=r["reason"], line=r["line"])
            for r in self.conn.execute(
                "SELECT * FROM removals WHERE document_id = ? ORDER BY seq", (doc_id,)
            )
        )
        repeats = tuple(
            Repeat(line=r["line"], of_line=r["of_line"], similarity=r["similarity"])
            for r in self.conn.execute("SELECT * FROM repeats WHERE document_id = ?", (doc_id,))
        )
        dates = tuple(
            DateExpr(start=r["start"], end=r["end"], text=r["text"], value=r["value"])
            for r in self.conn.execute(
                "SELECT * FROM dates WHERE document_id = ? ORDER BY start", (doc_id,)
            )
        )
        return Document(
            id=doc_id,
            origin=row["origin"],
            format=row["format"],
            content_hash=row["content_hash"],
            text=row["text"],
            title=row["title"],
            source=row["source"],
            url=row["url"],
            author=row["author"],
            published=row["published"],
            published_estimated=bool(row["published_estimated"]),
            removed=removed,
            repeats=repeats,
            dates=dates,
        )

    def duplicate_of(self, document_id: str) -> tuple[str, float] | None:
        row = self.conn.execute(
            "SELECT duplicate_of, similarity FROM duplicates WHERE document_id = ?",
            (document_id,),
        ).fetchone()
        return None if row is None else (str(row[0]), float(row[1]))

    # -- near-duplicates and shared passages (written by dedup.py) -------------------------

    def add_signature(self, document_id: str, signature: bytes, bands: Sequence[int]) -> None:
        self.conn.execute("INSERT INTO minhash VALUES (?, ?)", (document_id, signature))
        self.conn.executemany(
            "INSERT INTO minhash_bands VALUES (?, ?, ?)",
            [(band, value, document_id) for band, value in enumerate(bands)],
        )

    def band_candidates(self, bands: Sequence[int]) -> list[tuple[str, bytes]]:
        """Documents sharing at least one LSH band with ``bands``, with their signatures."""
        ids: set[str] = set()
        for band, value in enumerate(bands):
            for row in self.conn.execute(
                "SELECT document_id FROM minhash_bands WHERE band = ? AND hash = ?",
                (band, value),
            ):
                ids.add(row[0])
        out = []
        for doc_id in sorted(ids):
            sig = self.conn.execute(
                "SELECT signature FROM minhash WHERE document_id = ?", (doc_id,)
            ).fetchone()
            out.append((doc_id, bytes(sig[0])))
        return out

    def mark_duplicate(self, document_id: str, of: str, similarity: float) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO duplicates VALUES (?, ?, ?)", (document_id, of, similarity)
        )

    def add_passages(self, document_id: str, passages: Sequence[tuple[int, int]]) -> None:
        """Record paragraph hashes ``(line, hash)`` and link passages other documents share."""
        for line, value in passages:
            for row in self.conn.execute(
                "SELECT document_id, line FROM passages WHERE hash = ? AND document_id != ?",
                (value, document_id),
            ):
                self.conn.execute(
                    "INSERT INTO shared_passages VALUES (?, ?, ?, ?)",
                    (document_id, row[0], line, row[1]),
                )
                self.conn.execute(
                    "INSERT INTO shared_passages VALUES (?, ?, ?, ?)",
                    (row[0], document_id, row[1], line),
                )
        self.conn.executemany(
            "INSERT INTO passages VALUES (?, ?, ?)",
            [(value, document_id, line) for line, value in passages],
        )

    def shared_passages(self, document_id: str) -> list[tuple[str, int, int]]:
        return [
            (r[0], r[1], r[2])
            for r in self.conn.execute(
                "SELECT other_id, line, other_line FROM shared_passages "
                "WHERE document_id = ? ORDER BY other_id, line",
                (document_id,),
            )
        ]

    # -- actors ------------------------------------------------------------------------------

    def upsert_actor(self, actor: Actor) -> None:
        """Insert an actor or fold new aliases into the stored one (same id = same entity)."""
        self.conn.execute(
            "INSERT INTO actors (id, name, kind, country, sector) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET "
            "country = COALESCE(actors.country, excluded.country), "
            "sector = COALESCE(actors.sector, excluded.sector)",
            (actor.id, actor.name, actor.kind, actor.country, actor.sector),
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO actor_aliases VALUES (?, ?)",
            [(actor.id, alias) for alias in actor.aliases],
        )

    def add_mentions(self, document_id: str, mentions: Sequence[Mention]) -> None:
        self.conn.executemany(
            "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
            [(document_id, m.actor_id, m.start, m.end, m.text, m.sentence) for m in mentions],
        )

    def actors(self) -> list[dict[str, Any]]:
        """Every actor with its aliases, mention count and documents, most mentioned first."""
        rows = self.conn.execute(
            "SELECT a.*, COUNT(m.actor_id) AS mentions, "
            "COUNT(DISTINCT m.document_id) AS documents "
            "FROM actors a LEFT JOIN mentions m ON m.actor_id = a.id "
            "GROUP BY a.id ORDER BY mentions DESC, a.name"
        ).fetchall()
        out = []
        for row in rows:
            aliases = [
                r[0]
                for r in self.conn.execute(
                    "SELECT alias FROM actor_aliases WHERE actor_id = ? ORDER BY alias",
                    (row["id"],),
                )
            ]
            out.append(
                {
                    "id": row["id"],
                    "name": row["name"],
                    "kind": row["kind"],
                    "country": row["country"],
                    "sector": row["sector"],
                    "aliases": aliases,
                    "mentions": row["mentions"],
                    "documents": row["documents"],
                }
            )
        return out

    # -- events ------------------------------------------------------------------------------

    def add_events(
        self, document_id: str, events: Sequence[Event], scores: Sequence[float]
    ) -> None:
        """Write a document's events with their cooperation-conflict scores."""
        for seq, (event, value) in enumerate(zip(events, scores, strict=True)):
            cursor = self.conn.execute(
                "INSERT INTO events (document_id, seq, type, mode, context, status, date, "
                "date_text, location, location_country, sentence, sentence_start, trigger, "
                "confidence, score) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    document_id,
                    seq,
                    event.type,
                    event.mode,
                    json.dumps(list(event.context)),
                    event.status,
                    event.date,
                    event.date_text,
                    event.location,
                    event.location_country,
                    event.sentence,
                    event.sentence_start,
                    event.trigger,
                    event.confidence,
                    value,
                ),
            )
            rows = [("actor", i, ref) for i, ref in enumerate(event.actors)]
            rows += [("recipient", i, ref) for i, ref in enumerate(event.recipients)]
            self.conn.executemany(
                "INSERT INTO event_actors VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (cursor.lastrowid, role, i, r.actor_id, r.name, r.country, r.sector)
                    for role, i, r in rows
                ],
            )

    def events(self, where: str = "", params: Sequence[object] = ()) -> list[StoredEvent]:
        """Events with their document's source and date; ``where`` is built by views.py from
        fixed clauses, never from request text (values go in ``params``)."""
        rows = self.conn.execute(
            "SELECT e.*, d.source, d.title, d.published FROM events e "
            "JOIN documents d ON d.id = e.document_id "
            f"{'WHERE ' + where if where else ''} "
            "ORDER BY e.date IS NULL, e.date, e.document_id, e.seq",
            tuple(params),
        ).fetchall()
        parties: dict[int, list[sqlite3.Row]] = {}
        ids = [r["id"] for r in rows]
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ",".join("?" * len(part))
            for p in self.conn.execute(
                f"SELECT * FROM event_actors WHERE event_id IN ({marks}) "
                "ORDER BY event_id, role, position",
                part,
            ):
                parties.setdefault(p["event_id"], []).append(p)
        return [_stored_event(r, parties.get(r["id"], [])) for r in rows]

    # -- claims --------------------------------------------------------------------------------

    def add_claims(self, document_id: str, claims: Sequence[Claim]) -> None:
        self.conn.executemany(
            "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    document_id,
                    seq,
                    c.kind,
                    c.subject,
                    c.subject_id,
                    c.predicate,
                    c.value,
                    c.object,
                    c.as_of,
                    int(c.polarity),
                    c.sentence,
                    c.start,
                )
                for seq, c in enumerate(claims)
            ],
        )

    def claims_of(self, document_id: str) -> tuple[Claim, ...]:
        return tuple(
            _claim(r)
            for r in self.conn.execute(
                "SELECT * FROM claims WHERE document_id = ? ORDER BY seq", (document_id,)
            )
        )

    def all_claims(self) -> list[tuple[str, Claim]]:
        """Every stored claim with its document id, in document then sentence order."""
        return [
            (r["document_id"], _claim(r))
            for r in self.conn.execute(
                "SELECT c.* FROM claims c JOIN documents d ON d.id = c.document_id "
                "ORDER BY d.rowid, c.seq"
            )
        ]

    # -- search ------------------------------------------------------------------------------

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Full-text search ranked by BM25, with a snippet whose matches are in [brackets]."""
        fts_query = _fts_query(query)
        if not fts_query:
            return []
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.source, d.published, "
            "snippet(documents_fts, 1, '[', ']', ' … ', 16) AS snip, "
            "bm25(documents_fts) AS rank "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?",
            (fts_query, limit),
        ).fetchall()
        return [
            SearchHit(
                document_id=r["id"],
                title=r["title"],
                source=r["source"],
                published=r["published"],
                snippet=r["snip"],
                rank=float(r["rank"]),
            )
            for r in rows
        ]


def _claim(row: sqlite3.Row) -> Claim:
    return Claim(
        kind=row["kind"],
        subject=row["subject"],
        predicate=row["predicate"],
        value=row["value"],
        sentence=row["sentence"],
        as_of=row["as_of"],
        subject_id=row["subject_id"],
        object=row["object"],
        start=row["start"],
        polarity=bool(row["polarity"]),
    )


class _Transaction:
    """``with store.transaction():`` — BEGIN IMMEDIATE, COMMIT, or ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *rest: object) -> None:
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")


_COUNTABLE = {
    "documents",
    "removals",
    "repeats",
    "duplicates",
    "shared_passages",
    "dates",
    "actors",
    "mentions",
    "events",
    "claims",
}


def _fts_query(query: str) -> str:
    """Turn user text into a safe FTS5 query: each word quoted, phrases kept, AND between."""
    terms: list[str] = []
    for i, part in enumerate(query.split('"')):
        if i % 2 == 1:  # inside double quotes: a phrase
            words = _words(part)
            if words:
                terms.append('"' + " ".join(words) + '"')
        else:
            terms.extend(f'"{w}"' for w in _words(part))
    return " ".join(terms)


def _words(text: str) -> list[str]:
    return [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]


def _statements(script: str) -> Iterator[str]:
    """Split a migration script into statements (triggers contain inner semicolons)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                yield buffer.strip()
            buffer = ""
    if buffer.strip():
        yield buffer.strip()


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
