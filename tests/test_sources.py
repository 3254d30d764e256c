"""Document kinds from content signals, and outlet profiles."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from storyline import views
from storyline.model import Actor, ClaimGroup, Document, Event, Mention, Removal, Statement
from storyline.sources import (
    SourceProfile,
    _words,
    document_kind,
    profile_sources,
    profile_store,
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
    **fields: object,
) -> Document:
    return Document(doc_id, f"{doc_id}.txt", "text", doc_id, text, source=source, removed=removed, **fields)  # type: ignore[arg-type]  # fmt: skip


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
        removed=(Removal("Original Source: Sudan Tribune", "attribution", 9),),
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
    "agg": ("Feed", "Talks resumed on Monday.", [("Original Source: Sudan Tribune", "attribution")],
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


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet="ia m'_é1\"“”x", max_size=40),
    words=st.sampled_from(["i am", "i", "am", "'m", "i'm"]),
)
def test_counting_cues_matches_the_word_boundary_regex(text: str, words: str) -> None:
    expected = len(re.findall(rf"(?<!\w){re.escape(words)}(?!\w)", text))
    assert _words(text, words, 1000) == expected
    assert _words(text, words, 1) == min(expected, 1)
