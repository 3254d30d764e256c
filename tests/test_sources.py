"""Document kinds from content signals, and outlet profiles."""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import views
from storyline.model import (
    Actor,
    Claim,
    ClaimGroup,
    Document,
    Event,
    Mention,
    Removal,
    Statement,
)
from storyline.sources import (
    KEY_ACTORS,
    ProfileState,
    SourceProfile,
    _words,
    document_kind,
    profile_sources,
    profile_state,
    profile_store,
    profiles_from,
)
from storyline.store import Store
from test_web_api import build_knowledge_base

BURHAN = Actor("burhan", "Abdel Fattah al-Burhan", "person", "SDN", "MIL")
ARMY = Actor("sudan-army", "Sudan armed forces", "organization", "SDN", "MIL")


def doc(
    doc_id: str,
    text: str = "The army said the ceasefire held on Monday.",
    source: str | None = None,
    removed: tuple[Removal, ...] = (),
    content_hash: str | None = None,
    **fields: object,
) -> Document:
    return Document(doc_id, f"{doc_id}.txt", "text", content_hash or doc_id, text, source=source, removed=removed, **fields)  # type: ignore[arg-type]  # fmt: skip


def mention(text: str, actor: Actor) -> Mention:
    return Mention(0, len(text), text, actor.id)


def test_removed_member_panel_lines_make_a_forum_post() -> None:
    page = doc(
        "f", removed=(Removal("Joined", "member-panel", 3), Removal("Messages", "member-panel", 4))
    )
    assert document_kind(page) == "forum post"


def test_an_original_source_attribution_makes_an_aggregator() -> None:
    page = doc(
        "a",
        source="Sudan Tribune",
        removed=(Removal("Original Source: Sudan Tribune", "metadata", 9),),
    )
    assert document_kind(page) == "aggregator"


def test_first_person_writing_makes_a_blog_but_a_quoted_i_does_not() -> None:
    blog = doc("b", "I think the ceasefire will not hold. In my opinion both sides are stalling.")
    quoted = doc("n", 'The general said "I think the ceasefire will hold, I believe it" on Monday.')
    assert document_kind(blog) == "blog"
    assert document_kind(quoted) == "news article"


def test_plain_reporting_is_a_news_article() -> None:
    assert document_kind(doc("n")) == "news article"


def test_profiles_count_per_outlet_with_copies_and_naming() -> None:
    event = Event("CONSULT", ())
    one = doc(
        "d1", source="Sudan Tribune", published="2024-05-08", events=(event, event),
        actors=(BURHAN, ARMY),
        mentions=(mention("army chief Burhan", BURHAN), mention("the junta leader", BURHAN),
                  mention("the junta leader", BURHAN), mention("the army", ARMY)),
    )  # fmt: skip
    two = doc(
        "d2", source="Radio Dabanga", published="2024-05-11", actors=(BURHAN,),
        mentions=(mention("General Abdel Fattah al-Burhan", BURHAN),),
    )  # fmt: skip
    copy = doc("d3", source="copycat.example", published="2024-05-12", events=(event,))
    only_tribune = ClaimGroup(
        "g1", "Sudan armed forces", "death", (Statement("d1", "Sudan Tribune", "300", None, "", "Sudan Tribune"),),
        "single-source", "",
    )  # fmt: skip
    profiles = profile_sources([one, two, copy], [only_tribune], duplicate_of={"d3": "d1"})
    tribune, dabanga = profiles
    assert tribune.source == "Sudan Tribune"
    assert tribune.documents == ("d1", "d3")
    assert (tribune.first_published, tribune.last_published) == ("2024-05-08", "2024-05-12")
    assert (tribune.events, tribune.exclusive_claims) == (3, 1)
    assert tribune.naming["Abdel Fattah al-Burhan"][0] == ("the junta leader", 2)
    assert dabanga.naming == {"Abdel Fattah al-Burhan": (("General Abdel Fattah al-Burhan", 1),)}
    assert dabanga.to_json()["period"] == ["2024-05-11", "2024-05-11"]


# -- the same profiles from the store's aggregates ------------------------------------------------


def _stored_profiles(store: Store) -> tuple[list[SourceProfile], list[SourceProfile]]:
    """The profiles as ``profile_store`` computes them (SQL aggregates) and as
    ``profile_sources`` does from every document loaded whole."""
    groups = views.claim_groups(store)
    documents = list(store.iter_documents(full=True))
    copies = {d.id: found[0] for d in documents if (found := store.duplicate_of(d.id))}
    return profile_store(store, groups), profile_sources(documents, groups, copies)


def _same(aggregated: list[SourceProfile], loaded: list[SourceProfile]) -> None:
    assert aggregated == loaded
    # the same order too: outlets, and key actors in order of first mention
    assert [p.to_json() for p in aggregated] == [p.to_json() for p in loaded]
    assert [list(p.naming) for p in aggregated] == [list(p.naming) for p in loaded]


def test_profiles_from_aggregates_equal_profiles_of_the_loaded_samples(tmp_path: Path) -> None:
    """On the samples plus a copy, a forum post and an article with markup (the web tests'
    knowledge base): the SQL aggregates give exactly today's profiles."""
    with Store(build_knowledge_base(tmp_path)) as store:
        aggregated, loaded = _stored_profiles(store)
    _same(aggregated, loaded)
    assert {p.kind for p in aggregated} >= {"news article", "forum post"}
    rfa = next(p for p in aggregated if p.source == "rfa.org")
    assert rfa.documents == ("sample-000", "copy-000") and rfa.naming


KINDS = {
    # id: (source, text, removed lines, mentions of the army chief as written)
    "forum": ("Board", "The army said the truce held.", [("Joined 2019", "member-panel")],
              ["Burhan"]),
    "agg": ("Feed", "Talks resumed on Monday.", [("Original Source: Sudan Tribune", "metadata")],
            ["General  Burhan"]),
    "comments": ("Blogspot", "Talks resumed.", [("  Leave a Reply ", "footer")], ["burhan"]),
    "blog": ("Diary", "I think the truce will fail. In my view Burhan wants more.", [],
             ["Burhan", "Burhan"]),
    "quoted": ("Wire", 'He said "I think so, I believe it" and left.', [], ["Burhan\x1e chief"]),
    "joined": ("Wire", 'Then i"—"am I was there.', [], []),
    "plain": ("Wire", "The army chief Burhan met envoys.", [], ["the army\x1fchief", "Burhan"]),
    "nosource": (None, "I think I was right.", [], ["Burhan"]),
    "copy": ("Mirror", "The army chief Burhan met envoys.", [], ["the army chief"]),
}  # fmt: skip


def test_profiles_from_aggregates_read_kinds_naming_and_copies_as_documents_do(
    tmp_path: Path,
) -> None:
    with Store(tmp_path / "kinds.db") as store, store.transaction():
        store.upsert_actor(BURHAN)
        store.upsert_actor(ARMY)
        for number, (doc_id, (source, text, removed, names)) in enumerate(KINDS.items()):
            store.insert_document(
                doc(doc_id, text, source, tuple(Removal(t, r, i) for i, (t, r) in enumerate(removed)),
                    published=f"2024-05-{number + 1:02d}")
            )  # fmt: skip
            store.add_mentions(
                doc_id, [Mention(i, i + 1, name, BURHAN.id) for i, name in enumerate(names)]
            )
            store.add_mentions(doc_id, [Mention(90, 95, "the army", ARMY.id)])
            store.add_events(doc_id, [Event("CONSULT", ())] * number, [0.0] * number)
        store.mark_duplicate("copy", "plain", 0.95)
    with Store(tmp_path / "kinds.db") as store:
        aggregated, loaded = _stored_profiles(store)
    _same(aggregated, loaded)
    kinds = {p.source: p.kind for p in aggregated}
    assert kinds == {
        "Board": "forum post", "Feed": "aggregator", "Blogspot": "blog", "Diary": "blog",
        "Wire": "news article", "nosource": "blog",
    }  # fmt: skip
    wire = next(p for p in aggregated if p.source == "Wire")
    assert wire.documents == ("quoted", "joined", "plain", "copy")  # the copy counts here
    assert wire.events == 5 + 6 + 8 + 4
    # names as written, whitespace (and the separators the aggregate query uses) collapsed
    assert wire.naming["Abdel Fattah al-Burhan"] == (
        ("the army chief", 2), ("Burhan", 1), ("Burhan chief", 1)
    )  # fmt: skip
    assert wire.naming["Sudan armed forces"] == (("the army", 4),)
    assert list(wire.naming) == ["Abdel Fattah al-Burhan", "Sudan armed forces"]


# -- profile states extended after an ingest ------------------------------------------------------

# two ids of one name: their naming is merged under it, as ``_named`` does
ACTORS = [BURHAN, ARMY, Actor("burhan-alias", BURHAN.name, "person", "SDN", "MIL")] + [
    Actor(f"a{n}", f"Actor {n}", "person") for n in range(6)
]
NAMES = ["Burhan", "General  Burhan", "the junta chief", "the army\x1fchief", "army chief\n",
         "Burhan\x1e chief"]  # fmt: skip
SIGNALS = [
    # (text, removed lines): a forum post, an aggregator, a blog (comments, first person)
    ("The army said the truce held.", [("Joined 2019", "member-panel")]),
    ("Talks resumed on Monday.", [("Original Source: Sudan Tribune", "metadata")]),
    ("Talks resumed.", [("  Leave a Reply ", "footer")]),
    ("I think the truce will fail. In my view the army wants more.", []),
    ('He said "I think so, I believe it" and left.', []),
]


def _ingest_batch(store: Store, first: int, last: int, seed: int, favourites: list[Actor]) -> None:
    """Documents ``first`` .. ``last - 1`` in one transaction, as ingest writes them (the
    content hash a hash of the text: another seed, other documents of the same ids): some
    without a source or a date, some with a kind's signals, about one in four a copy of an
    earlier document (copies of copies among them, sometimes under another source); their
    mentions lean on ``favourites`` (the key actors change as batches lean elsewhere)."""
    rng = random.Random(seed)
    earlier = store.document_ids()
    with store.transaction():
        for actor in ACTORS:
            store.upsert_actor(actor)
        for number in range(first, last):
            doc_id = f"d{number:03d}"
            text, removed = rng.choice(SIGNALS) if rng.random() < 0.4 else ("Talks went on.", [])
            source = rng.choice(["Tribune", "Dabanga", "Board", None, None])
            day = rng.choice([None, f"2024-{1 + number % 12:02d}-{1 + rng.randrange(28):02d}"])
            text = f"{text} ({seed}/{number})"
            store.insert_document(
                doc(doc_id, text, source, tuple(Removal(t, r, i) for i, (t, r) in enumerate(removed)),
                    published=day, content_hash=hashlib.sha256(text.encode()).hexdigest())
            )  # fmt: skip
            if earlier and rng.random() < 0.25:
                store.mark_duplicate(doc_id, rng.choice(earlier), 0.9)
            earlier.append(doc_id)
            mentions = [
                Mention(i, i + 1, rng.choice(NAMES), rng.choice(favourites if rng.random() < 0.7 else ACTORS).id)
                for i in range(rng.randrange(6))
            ]  # fmt: skip
            store.add_mentions(doc_id, mentions)
            events = rng.randrange(3)
            store.add_events(doc_id, [Event("CONSULT", ())] * events, [0.0] * events)
            store.add_claims(
                doc_id,
                [Claim("quantity", f"Leader {rng.randrange(30)}", "death toll", str(rng.randrange(3)), "")
                 for _ in range(rng.randrange(3))],
            )  # fmt: skip


def _profiles_of(store: Store, state: ProfileState) -> list[SourceProfile]:
    """The profiles of a state and those built afresh, the same (in order too); and the
    state's key actors those the store ranks."""
    groups = views.claim_groups(store)
    found = profiles_from(state, groups)
    _same(found, profile_store(store, groups))
    documents = list(store.iter_documents(full=True))
    copies = {d.id: f[0] for d in documents if (f := store.duplicate_of(d.id))}
    _same(found, profile_sources(documents, groups, copies))
    assert state.keys == tuple(store.most_mentioned(KEY_ACTORS))
    assert [d.id for d in state.iter_documents()] == store.document_ids()
    return found


def test_profile_states_extended_after_an_ingest_give_the_profiles_built_afresh(
    tmp_path: Path,
) -> None:
    """The web app extends the previous state's profile state with the documents an
    ingest added: the profiles are exactly those of the whole store built afresh, while
    the earlier state is left as it was."""
    with Store(tmp_path / "kb.db") as store:
        _ingest_batch(store, 0, 60, seed=1, favourites=ACTORS[:3])
        before = profile_state(store)
        before_profiles = _profiles_of(store, before)
        keys = [before.keys]
        leaning = [ACTORS[3:6], ACTORS[6:], ACTORS[1:2]]
        for batch in range(3):  # three ingests, one transaction each
            _ingest_batch(store, 60 + 20 * batch, 80 + 20 * batch, batch + 2, leaning[batch])
            extended = profile_state(store, before)
            assert extended.count == profile_state(store).count == 80 + 20 * batch
            assert extended.last_rowid == store.last_document_rowid() > before.last_rowid
            found = _profiles_of(store, extended)
            # the earlier state still gives its own profiles
            assert profiles_from(before, views.claim_groups(store)) != found
            assert [p.documents for p in profiles_from(before)] == [
                p.documents for p in before_profiles
            ]
            keys.append(extended.keys)
            before, before_profiles = extended, found
        assert len(set(keys)) >= 3  # the key actors changed as documents came
        kinds = {p.kind for p in found}
        assert kinds >= {"news article", "forum post", "aggregator", "blog"}
        assert any(p.source.startswith("d") for p in found)  # documents without a source
        copies = [d for d in extended.iter_documents() if d.duplicate_of]
        assert any(extended.document(d.duplicate_of).duplicate_of for d in copies)  # type: ignore[union-attr]
        assert any(d.outlet != (d.source or d.id) for d in copies)
        assert any(p.exclusive_claims for p in found)
        assert profile_state(store, extended) is extended  # nothing new: the same state


def test_profile_states_share_their_large_layers_over_many_ingests(tmp_path: Path) -> None:
    """Extending a state copies only its small top layers: over 200 one-document ingests
    onto 400 documents the bottom layer is shared by nearly every state, few layers."""
    with Store(tmp_path / "kb.db") as store:
        _ingest_batch(store, 0, 400, seed=1, favourites=ACTORS[:2])
        state = profile_state(store)
        shared = 0
        for number in range(400, 600):
            _ingest_batch(store, number, number + 1, seed=number, favourites=ACTORS[2:4])
            previous, state = state, profile_state(store, state)
            shared += state.documents[0] is previous.documents[0]
            # each layer over twice the size of the one on it
            sizes = [len(layer) for layer in state.documents]
            assert all(a > 2 * b for a, b in itertools.pairwise(sizes))
            assert len(sizes) <= 10
        assert shared >= 199  # the one merge: when the new layers reach half the bottom one
        _profiles_of(store, state)


def test_extended_key_actors_break_ties_as_the_store_does(tmp_path: Path) -> None:
    """The key actors of an extended state are the store's most mentioned ones, ties
    broken by id, as new mentions make an actor tie with one at the edge of the five."""
    ids = ["m", "k", "z", "b", "q", "c", "x"]
    with Store(tmp_path / "kb.db") as store:
        with store.transaction():
            for actor_id in ids:
                store.upsert_actor(Actor(actor_id, actor_id.upper(), "person"))

        def add(number: int, counts: dict[str, int]) -> None:
            with store.transaction():
                store.insert_document(doc(f"t{number}", f"text {number}", "Wire"))
                said = [a for a, n in counts.items() for _ in range(n)]
                store.add_mentions(
                    f"t{number}", [Mention(i, i + 1, f"{a} {i % 2}", a) for i, a in enumerate(said)]
                )

        add(0, {"m": 5, "k": 4, "z": 3, "b": 3, "c": 2, "q": 2})
        state = profile_state(store)
        assert [a for a, _ in state.keys] == ["m", "k", "b", "z", "c"]
        for number, counts, expected in [
            (1, {"c": 1, "x": 3}, ["m", "k", "b", "c", "x"]),  # c, x, z tie at 3
            (2, {"q": 3, "x": 2}, ["m", "q", "x", "k", "b"]),  # m, q, x tie at 5
            (3, {"z": 2}, ["m", "q", "x", "z", "k"]),  # and z
        ]:
            add(number, counts)
            state = profile_state(store, state)
            assert [a for a, _ in state.keys] == expected
            assert dict(state.keys) == {a: a.upper() for a in expected}
            _profiles_of(store, state)


def test_profile_states_of_another_database_are_built_afresh(tmp_path: Path) -> None:
    with Store(tmp_path / "big.db") as big:
        _ingest_batch(big, 0, 50, seed=5, favourites=ACTORS[:3])
        bigger = profile_state(big)
    with Store(tmp_path / "small.db") as small:
        _ingest_batch(small, 0, 20, seed=6, favourites=ACTORS[3:])
        fresh = profile_state(small)
        _profiles_of(small, profile_state(small, bigger))  # more documents than this one
    with Store(tmp_path / "big.db") as big:
        # fewer documents, with the same ids at the same rowids, but other ones
        assert big.stamp(fresh.last_rowid) != fresh.last
        _profiles_of(big, profile_state(big, fresh))
        state = profile_state(big, fresh)
        assert state.documents[0] is not fresh.documents[0]
        assert state == profile_state(big)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ia m'_é1\"“”x", max_size=40),
    words=st.sampled_from(["i am", "i", "am", "'m", "i'm"]),
)
def test_counting_cues_matches_the_word_boundary_regex(text: str, words: str) -> None:
    expected = len(re.findall(rf"(?<!\w){re.escape(words)}(?!\w)", text))
    assert _words(text, words, 1000) == expected
    assert _words(text, words, 1) == min(expected, 1)
