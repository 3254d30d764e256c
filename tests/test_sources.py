"""Document kinds from content signals, and outlet profiles."""

from __future__ import annotations

from storyline.model import Actor, ClaimGroup, Document, Event, Mention, Removal, Statement
from storyline.sources import document_kind, profile_sources

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
