"""The knowledge base: one SQLite file (WAL, FTS5), with a versioned schema.

Every document is written in one transaction together with everything derived from it, so an
interrupted ingest leaves no half document. Opening an older database upgrades it in a
transaction (see ``MIGRATIONS``); a newer one is refused rather than misread.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

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
    # 5: corpus totals kept up to date as documents are written, so that the overview, actor
    # list, network and outlet table read a few rows, not the whole corpus: per actor
    # (mentions, documents) and per actor pair (sentences and events naming both), added
    # per document by ``add_mentions`` and ``add_events``; per outlet (documents, period,
    # words, copies) and per outlet and removal reason, by triggers. Documents are only ever
    # appended, with all their rows in one transaction. Existing rows are counted once.
    # And a random id of the database, for ``Store.stamp``.
    """
    CREATE TABLE database_id (id TEXT NOT NULL);
    INSERT INTO database_id VALUES (lower(hex(randomblob(16))));
    CREATE TABLE actor_stats (
        actor_id TEXT PRIMARY KEY,
        mentions INTEGER NOT NULL,
        documents INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO actor_stats
        SELECT actor_id, COUNT(*), COUNT(DISTINCT document_id) FROM mentions GROUP BY actor_id;
    CREATE TABLE actor_pair_stats (
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        sentences INTEGER NOT NULL,
        events INTEGER NOT NULL,
        PRIMARY KEY (a, b)
    ) WITHOUT ROWID;
    INSERT INTO actor_pair_stats
        SELECT x.actor_id, y.actor_id, COUNT(DISTINCT x.document_id || '#' || x.sentence), 0
        FROM mentions x JOIN mentions y ON y.document_id = x.document_id
            AND y.sentence = x.sentence AND y.actor_id > x.actor_id
        GROUP BY 1, 2;
    INSERT INTO actor_pair_stats
        SELECT x.actor_id, y.actor_id, 0, COUNT(DISTINCT x.event_id)
        FROM event_actors x JOIN event_actors y ON y.event_id = x.event_id
            AND y.actor_id > x.actor_id
        GROUP BY 1, 2
        ON CONFLICT(a, b) DO UPDATE SET events = excluded.events;
    CREATE TABLE outlet_stats (
        source TEXT PRIMARY KEY,
        documents INTEGER NOT NULL,
        first TEXT,
        last TEXT,
        words INTEGER NOT NULL,
        estimated INTEGER NOT NULL,
        copies INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO outlet_stats
        SELECT COALESCE(d.source, ''), COUNT(*), MIN(d.published), MAX(d.published),
            SUM(d.word_count), SUM(d.published_estimated AND d.published IS NOT NULL),
            COUNT(dup.document_id)
        FROM documents d LEFT JOIN duplicates dup ON dup.document_id = d.id
        GROUP BY 1;
    CREATE TRIGGER documents_stats AFTER INSERT ON documents BEGIN
        INSERT INTO outlet_stats VALUES (COALESCE(NEW.source, ''), 1, NEW.published,
            NEW.published, NEW.word_count,
            NEW.published_estimated AND NEW.published IS NOT NULL, 0)
        ON CONFLICT(source) DO UPDATE SET documents = documents + 1,
            first = COALESCE(min(first, excluded.first), first, excluded.first),
            last = COALESCE(max(last, excluded.last), last, excluded.last),
            words = words + excluded.words, estimated = estimated + excluded.estimated;
    END;
    CREATE TRIGGER duplicates_stats AFTER INSERT ON duplicates BEGIN
        UPDATE outlet_stats SET copies = copies + 1 WHERE source =
            (SELECT COALESCE(source, '') FROM documents WHERE id = NEW.document_id);
    END;
    CREATE TRIGGER duplicates_unstats AFTER DELETE ON duplicates BEGIN
        UPDATE outlet_stats SET copies = copies - 1 WHERE source =
            (SELECT COALESCE(source, '') FROM documents WHERE id = OLD.document_id);
    END;
    CREATE TABLE outlet_removals (
        source TEXT NOT NULL,
        reason TEXT NOT NULL,
        lines INTEGER NOT NULL,
        PRIMARY KEY (source, reason)
    ) WITHOUT ROWID;
    INSERT INTO outlet_removals
        SELECT COALESCE(d.source, ''), r.reason, COUNT(*)
        FROM removals r JOIN documents d ON d.id = r.document_id GROUP BY 1, 2;
    CREATE TRIGGER removals_stats AFTER INSERT ON removals BEGIN
        INSERT INTO outlet_removals VALUES ((SELECT COALESCE(source, '') FROM documents
            WHERE id = NEW.document_id), NEW.reason, 1)
        ON CONFLICT(source, reason) DO UPDATE SET lines = lines + 1;
    END;
    """,
    # 6: where a document's publication date was read from, and the wire or outlet its story
    # comes from when another outlet runs it (metadata.py)
    """
    ALTER TABLE documents ADD COLUMN published_from TEXT;
    ALTER TABLE documents ADD COLUMN wire TEXT;
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)
# how many earlier documents one shared passage is linked to (see Store.add_passages)
MAX_PASSAGE_LINKS = 20


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
    published_estimated: bool = False  # the document's date is estimated (a lower bound)


@dataclass(frozen=True)
class EventKey:
    """The few fields of a stored event that placing it on a timeline needs.

    ``parties`` is a JSON array of the parties (actors and recipients), each as
    ``[actor_id, name, country, role]`` (``[[null, null, null, null]]`` for an event without
    parties):
    the same few strings recur for events between the same parties, so a caller can map each
    distinct string once. ``published`` is the document's publication date, given for
    undated events only (the timeline orders those by it).
    """

    id: int
    document_id: str
    type: str
    date: str | None
    parties: str
    published: str | None = None
    seq: int = 0  # the event's place in its document (the last of the event order's keys)


class OutletRow(NamedTuple):
    """A document as outlet views see it (``Store.outlet_documents``)."""

    id: str
    source: str | None
    published: str | None
    published_estimated: bool
    duplicate_of: str | None
    wire: str | None = None


# Every party of an event as one JSON array of [role, actor_id, name, country, sector], in
# role then position order: one query gives the events of a page with their actors.
_PARTIES_JSON = (
    "(SELECT json_group_array(json_array(p.role, p.actor_id, p.name, p.country, p.sector)) "
    "FROM (SELECT * FROM event_actors WHERE event_id = e.id ORDER BY role, position) p) "
    "AS parties"
)
_EVENT_ORDER = "ORDER BY e.date IS NULL, e.date, e.document_id, e.seq"


def _stored_event(row: sqlite3.Row) -> StoredEvent:
    parties = json.loads(row["parties"]) if row["parties"] else []
    refs = {
        role: tuple(
            ActorRef(name, country, sector, actor_id)
            for kind, actor_id, name, country, sector in parties
            if kind == role
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
        published_estimated=bool(row["published_estimated"]),
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
            "author, published, published_estimated, text, word_count, ingested_at, "
            "published_from, wire) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                doc.published_from,
                doc.wire,
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
        claims (what source profiles and the document view need). Loaded a few hundred
        documents at a time, one query per table."""
        rows = self.conn.execute("SELECT * FROM documents ORDER BY rowid").fetchall()
        for start in range(0, len(rows), _ID_CHUNK):
            yield from self._load(rows[start : start + _ID_CHUNK], full)

    def get_document(self, document_id: str, *, full: bool = False) -> Document | None:
        row = self.conn.execute("SELECT * FROM documents WHERE id = ?", (document_id,)).fetchone()
        return None if row is None else self._load([row], full)[0]

    def _load(self, rows: Sequence[sqlite3.Row], full: bool) -> list[Document]:
        ids = [r["id"] for r in rows]
        marks = ", ".join("?" * len(ids))

        def of(table: str, order: str) -> dict[str, list[sqlite3.Row]]:
            grouped: dict[str, list[sqlite3.Row]] = {}
            for r in self.conn.execute(
                f"SELECT * FROM {table} WHERE document_id IN ({marks}) "
                f"ORDER BY document_id, {order}",
                ids,
            ):
                grouped.setdefault(r["document_id"], []).append(r)
            return grouped

        removals, repeats = of("removals", "seq"), of("repeats", "rowid")
        dates = of("dates", "start, rowid")
        docs = [
            _document(
                r, removals.get(r["id"], []), repeats.get(r["id"], []), dates.get(r["id"], [])
            )
            for r in rows
        ]
        if not full:
            return docs
        mentions, claims = of("mentions", "start, rowid"), of("claims", "seq")
        events: dict[str, list[Event]] = {}
        for item in self.events(f"e.document_id IN ({marks})", ids):
            events.setdefault(item.document_id, []).append(item.event)
        names = {
            r["actor_id"]: r
            for r in self.conn.execute(
                "SELECT DISTINCT a.*, a.id AS actor_id FROM actors a JOIN mentions m "
                f"ON m.actor_id = a.id WHERE m.document_id IN ({marks})",
                ids,
            )
        }
        return [
            replace(
                doc,
                mentions=(found := tuple(_mention(m) for m in mentions.get(doc.id, []))),
                actors=_document_actors(found, names),
                events=tuple(events.get(doc.id, [])),
                claims=tuple(_claim(c) for c in claims.get(doc.id, [])),
            )
            for doc in docs
        ]

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
            # an upsert, not OR REPLACE: a replaced row would count as a second copy
            "INSERT INTO duplicates VALUES (?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET "
            "duplicate_of = excluded.duplicate_of, similarity = excluded.similarity",
            (document_id, of, similarity),
        )

    def add_passages(self, document_id: str, passages: Sequence[tuple[int, int]]) -> None:
        """Record paragraph hashes ``(line, hash)`` and link passages other documents share.

        A passage is linked to its first ``MAX_PASSAGE_LINKS`` holders only: a line that every
        document has (a wire footer) is boilerplate, and linking it to all would grow the table
        with the square of the corpus.
        """
        for line, value in passages:
            for row in self.conn.execute(
                "SELECT document_id, line FROM passages WHERE hash = ? AND document_id != ? "
                "ORDER BY rowid LIMIT ?",
                (value, document_id, MAX_PASSAGE_LINKS),
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
        """Write a document's mentions in text order (``all_mention_texts`` reads them in
        the order they were written)."""
        self.conn.executemany(
            "INSERT INTO mentions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (document_id, m.actor_id, m.start, m.end, m.text, m.sentence)
                for m in sorted(mentions, key=lambda m: (m.start, m.end))
            ],
        )
        # the corpus totals: each actor's mentions and one more document; each pair of
        # actors named in one sentence, once per sentence
        counts = Counter(m.actor_id for m in mentions)
        self.conn.executemany(
            "INSERT INTO actor_stats VALUES (?, ?, 1) ON CONFLICT(actor_id) DO UPDATE SET "
            "mentions = mentions + excluded.mentions, documents = documents + 1",
            sorted(counts.items()),
        )
        sentences: dict[int, set[str]] = {}
        for m in mentions:
            sentences.setdefault(m.sentence, set()).add(m.actor_id)
        self._add_pairs("sentences", sentences.values())

    def actors(self) -> list[dict[str, Any]]:
        """Every actor with its aliases, mention count and documents, most mentioned first."""
        rows = self.conn.execute(
            "SELECT a.*, COALESCE(s.mentions, 0) AS mentions, "
            "COALESCE(s.documents, 0) AS documents "
            "FROM actors a LEFT JOIN actor_stats s ON s.actor_id = a.id "
            "ORDER BY mentions DESC, a.name"
        ).fetchall()
        aliases: dict[str, list[str]] = {}
        for alias in self.conn.execute(
            "SELECT actor_id, alias FROM actor_aliases ORDER BY actor_id, alias"
        ):
            aliases.setdefault(alias[0], []).append(alias[1])
        return [
            {
                "id": row["id"],
                "name": row["name"],
                "kind": row["kind"],
                "country": row["country"],
                "sector": row["sector"],
                "aliases": aliases.get(row["id"], []),
                "mentions": row["mentions"],
                "documents": row["documents"],
            }
            for row in rows
        ]

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
        # the corpus totals: each pair of actors on either side of one event, once per event
        self._add_pairs(
            "events",
            ({r.actor_id for r in e.actors + e.recipients if r.actor_id} for e in events),
        )

    def _add_pairs(self, column: str, groups: Iterable[set[str]]) -> None:
        """Count each pair of actors that share a group (a sentence, an event) once per group
        in ``actor_pair_stats.column`` (``sentences`` or ``events``)."""
        pairs: Counter[tuple[str, str]] = Counter()
        for group in groups:
            pairs.update(itertools.combinations(sorted(group), 2))
        other = "events" if column == "sentences" else "sentences"
        self.conn.executemany(
            f"INSERT INTO actor_pair_stats (a, b, {column}, {other}) VALUES (?, ?, ?, 0) "
            f"ON CONFLICT(a, b) DO UPDATE SET {column} = {column} + excluded.{column}",
            [(a, b, n) for (a, b), n in sorted(pairs.items())],
        )

    def events(
        self,
        where: str = "",
        params: Sequence[object] = (),
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredEvent]:
        """Events with their document's source and date, in date order; ``limit`` and
        ``offset`` select one page in SQL. ``where`` is built by views.py from fixed clauses
        over ``events e``, never from request text (values go in ``params``); the methods
        below take the same clauses."""
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        rows = self.conn.execute(
            f"SELECT e.*, d.source, d.title, d.published, d.published_estimated, {_PARTIES_JSON} "
            "FROM events e "
            "JOIN documents d ON d.id = e.document_id "
            f"{'WHERE ' + where if where else ''} {_EVENT_ORDER}{page}",
            (*params, *((limit, offset) if limit is not None else ())),
        ).fetchall()
        return [_stored_event(r) for r in rows]

    def last_event_id(self) -> int:
        """The highest event id (0 for none): events are only ever appended."""
        row = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()
        return int(row[0])

    def count_events(self, where: str = "", params: Sequence[object] = ()) -> int:
        """How many events ``events(where, params)`` would give (same fixed clauses)."""
        row = self.conn.execute(
            f"SELECT COUNT(*) FROM events e {'WHERE ' + where if where else ''}",
            tuple(params),
        ).fetchone()
        return int(row[0])

    def events_by_id(self, ids: Sequence[int]) -> list[StoredEvent]:
        """The events with these ids, in date order (ids are bound, in chunks)."""
        out: list[StoredEvent] = []
        for chunk in range(0, len(ids), _ID_CHUNK):
            part = list(ids[chunk : chunk + _ID_CHUNK])
            out += self.events(f"e.id IN ({', '.join('?' * len(part))})", part)
        return sorted(out, key=_event_order) if len(ids) > _ID_CHUNK else out

    def event_keys(self, where: str = "", params: Sequence[object] = ()) -> list[EventKey]:
        """What the timeline groups events by, for the events ``events(where, params)`` would
        give, in the same order, without building the events."""
        rows = self.conn.execute(
            "SELECT e.id, e.document_id, e.type, e.date, "
            "json_group_array(json_array(p.actor_id, p.name, p.country, p.role)), "
            "CASE WHEN e.date IS NULL THEN "
            "(SELECT published FROM documents WHERE id = e.document_id) END, e.seq "
            "FROM events e LEFT JOIN event_actors p ON p.event_id = e.id "
            f"{'WHERE ' + where if where else ''} GROUP BY e.id {_EVENT_ORDER}",
            tuple(params),
        ).fetchall()
        return [EventKey(*r) for r in rows]

    def event_ids(
        self, where: str = "", params: Sequence[object] = (), *, ordered: bool = False
    ) -> list[int]:
        """The ids of the events ``events(where, params)`` would give (in that order when
        ``ordered``)."""
        return [
            r[0]
            for r in self.conn.execute(
                f"SELECT e.id FROM events e {'WHERE ' + where if where else ''} "
                f"{_EVENT_ORDER if ordered else ''}",
                tuple(params),
            )
        ]

    def names_like(self, names: Sequence[str], part: str) -> set[str]:
        """Those of ``names`` that the events filter's ``name LIKE '%' || part || '%'``
        keeps, judged by SQLite itself (the same case folding and wildcards), in one query."""
        rows = self.conn.execute(
            "SELECT value FROM json_each(?) WHERE value LIKE '%' || ? || '%'",
            (json.dumps(list(names)), part),
        )
        return {r[0] for r in rows}

    def source_documents(self, source: str) -> set[str]:
        """The documents of an outlet as the events filter matches it (``lower()`` both)."""
        rows = self.conn.execute(
            "SELECT id FROM documents WHERE lower(source) = lower(?)", (source,)
        )
        return {r[0] for r in rows}

    def latest_events(self, count: int, statuses: Sequence[str]) -> list[StoredEvent]:
        """The ``count`` newest dated events with one of ``statuses``, oldest first."""
        marks = ", ".join("?" * len(statuses))
        where = (
            f"e.id IN (SELECT id FROM events WHERE date IS NOT NULL AND status IN ({marks}) "
            "ORDER BY date DESC, id DESC LIMIT ?)"
        )
        return self.events(where, [*statuses, count])

    def event_types(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT DISTINCT type FROM events ORDER BY type")]

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

    def all_claims(self, after: int = 0) -> list[tuple[str, Claim]]:
        """Every stored claim with its document id, in document then sentence order; only
        those of documents stored after the one of rowid ``after`` when it is given."""
        return [
            (r["document_id"], _claim(r))
            for r in self.conn.execute(
                "SELECT c.* FROM claims c JOIN documents d ON d.id = c.document_id "
                "WHERE d.rowid > ? ORDER BY d.rowid, c.seq",
                (after,),
            )
        ]

    def last_document_rowid(self) -> int:
        """The rowid of the document stored last (0 for none): documents are appended."""
        row = self.conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM documents").fetchone()
        return int(row[0])

    # -- search ------------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, *, marks: tuple[str, str] = ("[", "]")
    ) -> list[SearchHit]:
        """Full-text search ranked by BM25, with a snippet whose matches are between
        ``marks`` (``[brackets]`` by default; pick characters that cannot occur in the text
        when the snippet is parsed again). The best ``limit`` rows are ranked first and the
        snippets computed for those only."""
        fts_query = _fts_query(query)
        if not fts_query:
            return []
        rows = self.conn.execute(
            "SELECT d.id, d.title, d.source, d.published, "
            "snippet(documents_fts, 1, ?, ?, ' … ', 16) AS snip, "
            "bm25(documents_fts) AS rank "
            "FROM documents_fts JOIN documents d ON d.rowid = documents_fts.rowid "
            "WHERE documents_fts MATCH ? AND documents_fts.rowid IN ("
            " SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? ORDER BY rank LIMIT ?"
            ") ORDER BY rank LIMIT ?",
            (marks[0], marks[1], fts_query, fts_query, limit, limit),
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

    # -- what the web app shows --------------------------------------------------------------

    def document_mentions(self, document_id: str) -> list[dict[str, Any]]:
        """A document's actor mentions with the actor's canonical name and kind, in order."""
        return [
            dict(r)
            for r in self.conn.execute(
                "SELECT m.start, m.end, m.actor_id, a.name, a.kind FROM mentions m "
                "JOIN actors a ON a.id = m.actor_id WHERE m.document_id = ? ORDER BY m.start",
                (document_id,),
            )
        ]

    def copies_of(self, document_id: str) -> list[str]:
        """Documents marked as copies of this one."""
        return [
            r[0]
            for r in self.conn.execute(
                "SELECT document_id FROM duplicates WHERE duplicate_of = ? ORDER BY document_id",
                (document_id,),
            )
        ]

    def period(self) -> tuple[str | None, str | None, int]:
        """First and last publication dates, and how many of them are estimated."""
        first, last, estimated = self.conn.execute(
            "SELECT MIN(first), MAX(last), SUM(estimated) FROM outlet_stats"
        ).fetchone()
        return first, last, int(estimated or 0)

    def outlet_counts(self) -> list[dict[str, Any]]:
        """Per outlet ('' for none): documents, period, words, estimated dates, copies and
        removed lines by reason; most documents first."""
        reasons: dict[str, dict[str, int]] = {}
        for row in self.conn.execute(
            "SELECT source, reason, lines FROM outlet_removals ORDER BY 1, 3 DESC, 2"
        ):
            reasons.setdefault(row["source"], {})[row["reason"]] = row["lines"]
        rows = self.conn.execute(
            "SELECT source, documents, first, last, words, estimated, copies "
            "FROM outlet_stats ORDER BY documents DESC, source"
        ).fetchall()
        return [{**dict(r), "removed": reasons.get(r["source"], {})} for r in rows]

    # -- what source profiles need, as aggregates (sources.profile_store) -----------------

    def outlet_documents(self, after: int = 0, *, with_claims: bool = False) -> list[OutletRow]:
        """Every document's outlet, date and copy link, in ingest order (only those stored
        after the one of rowid ``after`` when it is given, only those with a claim when
        ``with_claims``)."""
        claimed = "AND EXISTS (SELECT 1 FROM claims c WHERE c.document_id = d.id) "
        rows = self.conn.execute(
            "SELECT d.id, d.source, d.published, d.published_estimated, dup.duplicate_of, "
            "d.wire FROM documents d LEFT JOIN duplicates dup ON dup.document_id = d.id "
            f"WHERE d.rowid > ? {claimed if with_claims else ''}ORDER BY d.rowid",
            (after,),
        )
        return [OutletRow(r[0], r[1], r[2], bool(r[3]), r[4], r[5]) for r in rows]

    def count_by_document(self, table: str, after: int = 0) -> dict[str, int]:
        """How many rows of ``table`` (events, claims, mentions) each document has (only the
        documents stored after the one of rowid ``after`` when it is given)."""
        if table not in _PER_DOCUMENT:
            raise ValueError(f"no per-document count of {table}")
        where, params = _stored_after(after)
        rows = self.conn.execute(
            f"SELECT document_id, COUNT(*) FROM {table} WHERE {where} GROUP BY 1", params
        )
        return {r[0]: int(r[1]) for r in rows}

    def most_mentioned(self, limit: int) -> list[tuple[str, str]]:
        """The ``limit`` most mentioned actors as (id, name), most mentions first (then
        by id)."""
        rows = self.conn.execute(
            "SELECT s.actor_id, COALESCE(a.name, s.actor_id) FROM actor_stats s "
            "LEFT JOIN actors a ON a.id = s.actor_id ORDER BY s.mentions DESC, s.actor_id "
            "LIMIT ?",
            (limit,),
        )
        return [(r[0], r[1]) for r in rows]

    def documents_with_removals(self, reasons: Sequence[str], after: int = 0) -> set[str]:
        """Documents with a removed line for one of these reasons (only those stored after
        the one of rowid ``after`` when it is given)."""
        marks = ", ".join("?" * len(reasons))
        where, params = _stored_after(after)
        rows = self.conn.execute(
            f"SELECT DISTINCT document_id FROM removals WHERE reason IN ({marks}) AND {where}",
            (*reasons, *params),
        )
        return {r[0] for r in rows}

    def removed_lines(
        self, *, reason: str | None = None, containing: Sequence[str] = (), after: int = 0
    ) -> list[tuple[str, str]]:
        """Removed lines as (document id, text): those removed for ``reason``, or those whose
        ASCII-lowercased text contains one of the lowercase ``containing`` strings (only
        lines of documents stored after the one of rowid ``after`` when it is given)."""
        clauses: list[str] = ["reason = ?"] if reason else []
        params: list[object] = [reason] if reason else []
        if after:
            where, more = _stored_after(after)
            clauses.append(where)
            params += more
        if containing:
            clauses.append("(" + " OR ".join("instr(lower(text), ?) > 0" for _ in containing) + ")")
            params += list(containing)
        where = " AND ".join(clauses) or "1"
        rows = self.conn.execute(f"SELECT document_id, text FROM removals WHERE {where}", params)
        return [(r[0], r[1]) for r in rows]

    def texts_with_phrases(self, phrases: Sequence[str], after: int = 0) -> list[tuple[str, str]]:
        """(id, text) of the documents whose text holds one of the phrases as the full-text
        index reads them (words in a row, case, diacritics and word endings aside): every
        document where a phrase occurs, and some more. A phrase without any word would match
        nothing there, so every document is given then. Only documents stored after the one
        of rowid ``after`` when it is given (the index's rowids are the documents' own)."""
        if not phrases:
            return []
        if not all(any(c.isalnum() for c in p) for p in phrases):
            rows = self.conn.execute("SELECT id, text FROM documents WHERE rowid > ?", (after,))
            return [(r[0], r[1]) for r in rows]
        query = "text : (" + " OR ".join('"' + p.replace('"', '""') + '"' for p in phrases) + ")"
        rows = self.conn.execute(
            "SELECT d.id, d.text FROM documents_fts JOIN documents d "
            "ON d.rowid = documents_fts.rowid WHERE documents_fts MATCH ? "
            "AND documents_fts.rowid > ?",
            (query, after),
        )
        return [(r[0], r[1]) for r in rows]

    def all_mention_texts(self, join: str, separator: str, after: int = 0) -> dict[str, str]:
        """Per document with mentions, all of them as one
        string of "actor_id<join>text" items in order of mention, ``separator`` between them
        (``join`` and ``separator`` in a text become spaces). Only the documents stored after
        the one of rowid ``after`` when it is given: those are found by their rowids and
        their mentions through the ``mentions_doc`` index; all of them are read in index
        order instead (one pass, no sorting)."""
        item = (
            "group_concat(m.actor_id || ?1 || CASE WHEN instr(m.text, ?1) OR instr(m.text, ?2) "
            "THEN replace(replace(m.text, ?1, ' '), ?2, ' ') ELSE m.text END, ?2)"
        )
        if after:
            sql = (
                f"SELECT d.id, {item} FROM documents d JOIN mentions m INDEXED BY mentions_doc "
                "ON m.document_id = d.id WHERE d.rowid > ?3 GROUP BY d.rowid"
            )
            rows = self.conn.execute(sql, (join, separator, after))
        else:
            sql = f"SELECT m.document_id, {item} FROM mentions m INDEXED BY mentions_doc GROUP BY 1"
            rows = self.conn.execute(sql, (join, separator))
        return {r[0]: r[1] for r in rows}

    def actor_names(self, actor_ids: Sequence[str]) -> dict[str, str]:
        """Actor id -> name of these actors (those stored)."""
        marks = ", ".join("?" * len(actor_ids))
        rows = self.conn.execute(
            f"SELECT id, name FROM actors WHERE id IN ({marks})", tuple(actor_ids)
        )
        return {r[0]: r[1] for r in rows}

    def stamp(self, rowid: int) -> tuple[str, str, str]:
        """What says that a later state of a database grew from the one a view was kept
        for: the database's random id (made with it), and the id and content hash of the
        document of this rowid (the last one the view read; empty for none). Documents are
        only ever appended, so the stamp of a rowid stays while the database grows; another
        database, or one rebuilt at the same path, gives another."""
        row = self.conn.execute("SELECT id FROM database_id").fetchone()
        found = self.document_at(rowid)
        return (str(row[0]) if row else "", *(found or ("", "")))

    def document_at(self, rowid: int) -> tuple[str, str] | None:
        """(id, content hash) of the document of this rowid, if there is one."""
        row = self.conn.execute(
            "SELECT id, content_hash FROM documents WHERE rowid = ?", (rowid,)
        ).fetchone()
        return None if row is None else (row[0], row[1])

    def actor_pairs(self, actor_ids: Sequence[str], *, by: str) -> Counter[tuple[str, str]]:
        """How many sentences (``by="sentence"``) or events (``by="event"``) name each pair
        of these actors; pairs are sorted ``(a, b)`` with ``a < b``."""
        column = {"sentence": "sentences", "event": "events"}[by]
        marks = ", ".join("?" * len(actor_ids))
        rows = self.conn.execute(
            f"SELECT a, b, {column} FROM actor_pair_stats "
            f"WHERE a IN ({marks}) AND b IN ({marks}) AND {column} > 0",
            (*actor_ids, *actor_ids),
        )
        return Counter({(r[0], r[1]): int(r[2]) for r in rows})


# bound parameters per statement when selecting events by id: well under SQLite's limit
_ID_CHUNK = 500
# tables Store.count_by_document counts (its table name is one of these, never a request's)
_PER_DOCUMENT = frozenset({"events", "claims", "mentions"})


def _stored_after(after: int) -> tuple[str, tuple[int, ...]]:
    """A condition on a table's ``document_id``: of a document stored after the one of rowid
    ``after`` (found by the documents' rowids, then the table's index on its document);
    always true for 0."""
    if not after:
        return "1", ()
    return "document_id IN (SELECT id FROM documents WHERE rowid > ?)", (after,)


def _event_order(item: StoredEvent) -> tuple[bool, str, str, int]:
    # a document's events get increasing ids in seq order: the order of ``events()``
    return (item.event.date is None, item.event.date or "", item.document_id, item.id)


def _document(
    row: sqlite3.Row,
    removals: Sequence[sqlite3.Row],
    repeats: Sequence[sqlite3.Row],
    dates: Sequence[sqlite3.Row],
) -> Document:
    return Document(
        id=row["id"],
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
        published_from=row["published_from"],
        wire=row["wire"],
        removed=tuple(
            Removal(text=r["text"], reason=r["reason"], line=r["line"]) for r in removals
        ),
        repeats=tuple(
            Repeat(line=r["line"], of_line=r["of_line"], similarity=r["similarity"])
            for r in repeats
        ),
        dates=tuple(
            DateExpr(start=r["start"], end=r["end"], text=r["text"], value=r["value"])
            for r in dates
        ),
    )


def _mention(row: sqlite3.Row) -> Mention:
    return Mention(row["start"], row["end"], row["text"], row["actor_id"], row["sentence"])


def _document_actors(
    mentions: Sequence[Mention], actors: dict[str, sqlite3.Row]
) -> tuple[Actor, ...]:
    """The actors a document mentions, in order of first mention, each with the words the
    document uses for it and how many times it does."""
    counts: Counter[str] = Counter(m.actor_id for m in mentions)
    out = []
    for actor_id, count in counts.items():
        row = actors.get(actor_id)
        if row is not None:
            aliases = tuple(sorted({m.text for m in mentions if m.actor_id == actor_id}))
            out.append(
                Actor(row["id"], row["name"], row["kind"], row["country"], row["sector"],
                      aliases, count)
            )  # fmt: skip
    return tuple(out)


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
