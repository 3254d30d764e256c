"""The knowledge base: schema versions, whole-document transactions, FTS5 search."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storyline.errors import StoreError
from storyline.model import Actor, DateExpr, Document, Mention, Removal, Repeat
from storyline.store import MIGRATIONS, SCHEMA_VERSION, Store


def make_doc(doc_id: str, text: str, **extra: object) -> Document:
    fields: dict[str, object] = {
        "id": doc_id,
        "origin": f"{doc_id}.txt",
        "format": "text",
        "content_hash": f"hash-{doc_id}",
        "text": text,
    }
    fields.update(extra)
    return Document(**fields)  # type: ignore[arg-type]


def test_new_database_is_wal_with_current_schema(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        assert store.schema_version() == SCHEMA_VERSION
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"


def test_older_database_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT)")
    conn.executescript(MIGRATIONS[0])
    conn.execute("INSERT INTO schema_migrations VALUES (1, 'then')")
    conn.execute(
        "INSERT INTO documents (id, content_hash, origin, format, text, word_count, ingested_at)"
        " VALUES ('a', 'h', 'a.txt', 'text', 'kept from version one', 4, 'then')"
    )
    conn.commit()
    conn.close()
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        doc = store.get_document("a")
        assert doc is not None and doc.text == "kept from version one"
        assert store.count("dates") == 0  # table added by migration 2


def test_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES (?, 'later')", (SCHEMA_VERSION + 1,))
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this storyline"):
        Store(path)


def test_not_a_database_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 200)
    with pytest.raises(StoreError, match="not a storyline database"):
        Store(path)


def test_document_round_trip_keeps_removals_repeats_and_dates(tmp_path: Path) -> None:
    doc = make_doc(
        "d1",
        "Title\nBody paragraph one.\nBody paragraph one again.",
        title="Title",
        source="example.org",
        published="2024-11-29",
        removed=(Removal("Advertisement", "advertisement", 3),),
        repeats=(Repeat(2, 1, 0.9),),
        dates=(DateExpr(0, 5, "Title", "2024"),),
    )
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            store.insert_document(doc)
        back = store.get_document("d1")
    assert back is not None
    assert back.removed == doc.removed
    assert back.repeats == doc.repeats
    assert back.dates == doc.dates
    assert (back.title, back.source, back.published) == ("Title", "example.org", "2024-11-29")


def test_failed_transaction_leaves_no_half_document(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            store.insert_document(make_doc("keep", "Already stored."))
        with pytest.raises(sqlite3.IntegrityError), store.transaction():
            store.insert_document(make_doc("half", "Half written", removed=(Removal("x", "y"),)))
            store.insert_document(make_doc("keep", "Same id again breaks the batch."))
        assert store.document_ids() == ["keep"]
        assert store.count("removals") == 0


def test_search_ranks_and_highlights(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            store.insert_document(make_doc("a", "A nuclear power plant memorandum was signed."))
            store.insert_document(make_doc("b", "Nuclear talks. Nuclear plant. Nuclear fuel."))
            store.insert_document(make_doc("c", "Farmers discussed rice prices."))
        hits = store.search("nuclear")
        assert [h.document_id for h in hits] == ["b", "a"]
        assert "[Nuclear]" in hits[0].snippet
        assert [h.document_id for h in store.search('"power plant"')] == ["a"]
        # stemming: "signing" finds "signed"; odd characters never break the query syntax
        assert [h.document_id for h in store.search("signing")] == ["a"]
        assert store.search('rice" OR (NEAR') == []
        assert store.search("   ") == []


def test_readonly_store_cannot_write(tmp_path: Path) -> None:
    path = tmp_path / "kb.db"
    Store(path).close()
    with Store(path, readonly=True) as store, pytest.raises(sqlite3.OperationalError):
        store.insert_document(make_doc("x", "text"))


def test_actors_fold_aliases_and_count_mentions(tmp_path: Path) -> None:
    first = Actor("putin", "Vladimir Putin", "person", "RUS", "GOV", ("Putin",), 1)
    again = Actor("putin", "Vladimir Putin", "person", "RUS", "GOV", ("President Putin",), 1)
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            for n, actor in enumerate((first, again)):
                doc = make_doc(f"d{n}", "Putin spoke.")
                store.insert_document(doc)
                store.upsert_actor(actor)
                store.add_mentions(doc.id, [Mention(0, 5, "Putin", "putin")])
        [row] = store.actors()
    assert row["aliases"] == ["President Putin", "Putin"]
    assert (row["mentions"], row["documents"], row["country"]) == (2, 2, "RUS")
