"""Claim extraction: counts, ordinals, dates, quotes and stances, on stories of our own."""

from __future__ import annotations

import datetime

import pytest
from spacy.language import Language

from storyline.actors import resolve_actors
from storyline.claims import extract_claims, normalise_quote, parse_number
from storyline.dates import find_dates
from storyline.model import Claim
from storyline.nlp import load_model
from storyline.settings import Settings

PUBLISHED = "2024-05-10"


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model(Settings())


def claims_of(nlp: Language, text: str, published: str | None = PUBLISHED) -> list[Claim]:
    settings = Settings()
    doc = nlp(text)
    actors, mentions = resolve_actors(doc, settings)
    anchor = datetime.date.fromisoformat(published) if published else None
    return list(
        extract_claims(doc, actors, mentions, find_dates(text, anchor), published, settings)
    )


def only(claims: list[Claim], kind: str) -> Claim:
    found = [c for c in claims if c.kind == kind]
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("three", "3"),
        ("1,700", "1700"),
        ("2.5 million", "2500000"),
        ("three hundred", "300"),
        ("twenty-five", "25"),
        ("thousands", ">=2000"),
        ("more than 50", ">50"),
        ("at least 1,000", ">=1000"),
        ("about 300", "~300"),
        ("10 to 20", "10-20"),
        ("10–20", "10-20"),
        ("fourth", "4"),
        ("21st", "21"),
        ("several", None),
    ],
)
def test_numbers_are_normalised_from_words_ordinals_bounds_and_ranges(
    text: str, value: str | None
) -> None:
    assert parse_number(text) == value


def test_quote_normalisation_drops_article_case_and_closing_punctuation() -> None:
    assert normalise_quote("A King.") == "king"
    assert normalise_quote("  the  reliable friend ") == "reliable friend"


def test_a_count_of_trips_names_the_traveller_and_destination(nlp: Language) -> None:
    claim = only(
        claims_of(
            nlp, "Sudan's army chief General Abdel Fattah al-Burhan made two trips to Egypt."
        ),
        "quantity",
    )
    assert (claim.subject, claim.value) == ("Abdel Fattah al-Burhan", "2")
    assert claim.predicate == "trips to Egypt"
    assert claim.as_of == PUBLISHED  # no date in the clause: the document date


def test_an_ordinal_visit_is_a_count_up_to_that_time(nlp: Language) -> None:
    text = (
        "Abdel Fattah al-Burhan arrived in Cairo. The talks marked Burhan's third visit to Egypt."
    )
    claim = only(claims_of(nlp, text), "quantity")
    assert claim.subject == "Abdel Fattah al-Burhan"
    assert (claim.predicate, claim.value) == ("visits to Egypt", "3")


def test_people_killed_is_a_death_count_dated_by_its_own_clause(nlp: Language) -> None:
    text = "Fighters of the Rapid Support Forces killed at least 300 people in Kassala on May 8."
    claim = only(claims_of(nlp, text), "quantity")
    assert claim.subject == "Rapid Support Forces"
    assert (claim.predicate, claim.value, claim.as_of) == ("death", ">=300", "2024-05-08")


def test_a_since_date_opens_a_period_and_is_not_the_as_of(nlp: Language) -> None:
    text = "Since April 2023, Abdel Fattah al-Burhan has made four trips to Egypt."
    claim = only(claims_of(nlp, text), "quantity")
    assert (claim.value, claim.as_of) == ("4", PUBLISHED)


def test_the_two_sides_is_a_reference_not_a_count(nlp: Language) -> None:
    text = "The two sides discussed trade, and the two countries signed a deal."
    assert [c for c in claims_of(nlp, text) if c.kind == "quantity"] == []


def test_first_meeting_date_joins_both_parties(nlp: Language) -> None:
    text = "Abdel Fattah al-Burhan first met Egyptian President Abdel Fattah el-Sisi in March 2023."
    claim = only(claims_of(nlp, text), "date")
    assert claim.subject == "Abdel Fattah al-Burhan and Abdel Fattah el-Sisi"
    assert claim.predicate.startswith("first meet")
    assert (claim.value, claim.as_of) == ("2023-03", "2023-03")


def test_a_naming_quote_has_speaker_named_party_and_words(nlp: Language) -> None:
    text = 'Abdel Fattah al-Burhan called the RSF leader Mohamed Hamdan Dagalo a "traitor".'
    claim = only(claims_of(nlp, text), "quote")
    assert claim.subject == "Abdel Fattah al-Burhan"
    assert claim.predicate == "called Mohamed Hamdan Dagalo"
    assert claim.value == "traitor"


def test_a_quote_after_a_pronoun_goes_to_the_last_speaker(nlp: Language) -> None:
    text = (
        "Abdel Fattah al-Burhan spoke in Port Sudan on Monday. "
        "He said, “We will never negotiate with the militia.”"
    )
    claim = only(claims_of(nlp, text), "quote")
    assert (claim.subject, claim.predicate) == ("Abdel Fattah al-Burhan", "said")
    assert claim.value == "we will never negotiate with the militia"


def test_helping_and_shunning_are_opposite_stances_towards_one_party(nlp: Language) -> None:
    helped = claims_of(
        nlp, "The Sudanese army has held Khartoum with the help of Egypt and Turkey."
    )
    shunned = claims_of(
        nlp,
        "Despite being shunned by much of the region including Egypt, "
        "the Sudanese army chief Abdel Fattah al-Burhan has visited Turkey twice.",
    )
    egypt_helps = [c for c in helped if c.subject == "Egypt"]
    egypt_shuns = [c for c in shunned if c.subject == "Egypt"]
    assert [c.polarity for c in egypt_helps] == [True]
    assert [c.polarity for c in egypt_shuns] == [False]
    # the army and its chief are one party: the two stances land in one group
    assert egypt_helps[0].predicate == egypt_shuns[0].predicate == "stance towards Sudan military"


def test_a_stated_relation_has_its_object(nlp: Language) -> None:
    claim = only(
        claims_of(nlp, "Since the war began, Iran has become Sudan's main arms supplier."),
        "relation",
    )
    assert (claim.subject, claim.predicate, claim.value) == (
        "Iran",
        "arms supplier of Sudan",
        "Sudan",
    )
    assert claim.polarity is True


def test_without_a_document_date_as_of_is_unknown(nlp: Language) -> None:
    claim = only(
        claims_of(nlp, "Abdel Fattah al-Burhan made two trips to Egypt.", published=None),
        "quantity",
    )
    assert claim.as_of is None


def test_a_date_of_another_sentence_is_not_the_clause_date(nlp: Language) -> None:
    # claims.attached_date looks only at the date tokens of the clause's own sentence
    text = (
        "The army met on May 2 in Kassala. "
        "Fighters of the Rapid Support Forces killed at least 300 people in Kassala."
    )
    claim = only(claims_of(nlp, text), "quantity")
    assert (claim.value, claim.as_of) == (">=300", PUBLISHED)


def test_the_first_date_under_the_clause_is_its_date(nlp: Language) -> None:
    text = (
        "The army met on May 2 in Kassala. Fighters of the Rapid Support Forces killed at "
        "least 300 people in Kassala on May 8 and in Sennar on May 9."
    )
    claim = only(claims_of(nlp, text), "quantity")
    assert (claim.value, claim.as_of) == (">=300", "2024-05-08")
