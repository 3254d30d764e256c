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


# -- corpus totals kept as documents are written ---------------------------------------------------------------

# the totals as aggregates over the whole tables: what the trigger-kept tables must hold
_TOTALS = {
    "actor_stats": "SELECT actor_id, COUNT(*), COUNT(DISTINCT document_id) FROM mentions "
    "GROUP BY 1",
    "actor_pair_stats": "SELECT a, b, SUM(s), SUM(e) FROM ("
    " SELECT x.actor_id AS a, y.actor_id AS b, COUNT(DISTINCT x.document_id || '#' || x.sentence)"
    " AS s, 0 AS e FROM mentions x JOIN mentions y ON y.document_id = x.document_id"
    " AND y.sentence = x.sentence AND y.actor_id > x.actor_id GROUP BY 1, 2"
    " UNION ALL SELECT x.actor_id, y.actor_id, 0, COUNT(DISTINCT x.event_id) FROM event_actors x"
    " JOIN event_actors y ON y.event_id = x.event_id AND y.actor_id > x.actor_id GROUP BY 1, 2"
    ") GROUP BY 1, 2",
    "outlet_stats": "SELECT COALESCE(d.source, ''), COUNT(*), MIN(d.published), "
    "MAX(d.published), SUM(d.word_count), SUM(d.published_estimated), COUNT(dup.document_id) "
    "FROM documents d LEFT JOIN duplicates dup ON dup.document_id = d.id GROUP BY 1",
    "outlet_removals": "SELECT COALESCE(d.source, ''), r.reason, COUNT(*) FROM removals r "
    "JOIN documents d ON d.id = r.document_id GROUP BY 1, 2",
}


def _write_corpus(store: Store, first: int, last: int) -> None:
    """Documents with repeated mentions in a sentence, events naming an actor twice or with
    unresolved parties, copies (one marked twice), removals, no source or no date."""
    import random

    from storyline.model import ActorRef, Event

    rng = random.Random(first)
    actors = [Actor(f"a{n}", f"Actor {n}", "person", "RUS", "GOV") for n in range(6)]
    with store.transaction():
        for number in range(first, last):
            doc_id = f"d{number}"
            published = None if number % 5 == 0 else f"2024-0{1 + number % 9}-1{number % 10}"
            store.insert_document(
                make_doc(
                    doc_id, " ".join(["word"] * rng.randint(1, 9)),
                    source=rng.choice(["Outlet A", "Outlet B", None]), published=published,
                    published_estimated=published is not None and number % 3 == 0,
                    content_hash=f"h{number}",
                    removed=tuple(Removal("x", rng.choice(["advertisement", "navigation"]), i)
                                  for i in range(rng.randint(0, 3))),
                )
            )  # fmt: skip
            for actor in actors:
                store.upsert_actor(actor)
            mentions = [
                Mention(i, i + 1, "x", rng.choice(actors).id, rng.randint(0, 3))
                for i in range(rng.randint(0, 12))
            ]
            store.add_mentions(doc_id, mentions)
            refs = [ActorRef("x", "RUS", "GOV", a.id) for a in actors] + [ActorRef("crowd")]
            events = [
                Event("CONSULT", (*rng.sample(refs, 2), refs[0]), (rng.choice(refs),))
                for _ in range(rng.randint(0, 3))
            ]
            store.add_events(doc_id, events, [0.0] * len(events))
            if number % 4 == 3:
                store.mark_duplicate(doc_id, f"d{rng.randrange(number)}", 0.9)
                store.mark_duplicate(doc_id, f"d{rng.randrange(number)}", 0.95)  # re-marked


def _totals(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {
        name: sorted(map(tuple, store.conn.execute(f"SELECT * FROM {name}"))) for name in _TOTALS
    }


def _aggregated(store: Store) -> dict[str, list[tuple[object, ...]]]:
    return {name: sorted(map(tuple, store.conn.execute(sql))) for name, sql in _TOTALS.items()}


def test_corpus_totals_kept_as_documents_are_written_equal_the_aggregates(tmp_path: Path) -> None:
    with Store(tmp_path / "kb.db") as store:
        for batch in range(3):
            _write_corpus(store, 40 * batch, 40 * batch + 40)
            assert _totals(store) == _aggregated(store)
        kept = _totals(store)
        assert len(kept["actor_stats"]) == 6 and len(kept["actor_pair_stats"]) == 15
        assert {row[0] for row in kept["outlet_stats"]} == {"", "Outlet A", "Outlet B"}
        assert sum(row[6] for row in kept["outlet_stats"]) == 30  # every fourth is a copy
        period = "SELECT MIN(published), MAX(published), SUM(published_estimated) FROM documents"
        assert store.period() == tuple(store.conn.execute(period).fetchone())


def test_upgrading_counts_the_rows_already_stored(tmp_path: Path) -> None:
    """A database of the previous schema gets its totals from the rows it holds, then
    keeps them as more documents are written."""
    path = tmp_path / "old.db"
    with Store(path) as store:
        _write_corpus(store, 0, 50)
        expected = _aggregated(store)
        # back to schema 4: the totals tables and their triggers did not exist
        for name in (
            "documents_stats",
            "duplicates_stats",
            "duplicates_unstats",
            "removals_stats",
        ):
            store.conn.execute(f"DROP TRIGGER {name}")
        for name in [*_TOTALS, "database_id"]:
            store.conn.execute(f"DROP TABLE {name}")
        store.conn.execute("DELETE FROM schema_migrations WHERE version >= 5")
        # and before schema 6: no publication-date evidence or wire columns
        store.conn.execute("ALTER TABLE documents DROP COLUMN published_from")
        store.conn.execute("ALTER TABLE documents DROP COLUMN wire")
        store.conn.commit()  # fmt: skip
    with Store(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        assert _totals(store) == expected
        _write_corpus(store, 50, 80)
        assert _totals(store) == _aggregated(store)
