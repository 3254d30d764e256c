"""The events stage codes who did what to whom in PLOVER: every form and every event type.

The sentences are written for these tests (none comes from a gold set). Most tests give the
coder no actor mentions, so the parties come from the parse and the country words inside
their noun phrases; the tests marked "actors stage" run the real actor resolution.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from spacy.language import Language

from storyline.actors import resolve_actors
from storyline.events import code_events, score
from storyline.events_lexicon import lexicon, ontology
from storyline.model import DateExpr, Event
from storyline.nlp import load_model
from storyline.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "russia-myanmar"

Coder = Callable[[str], tuple[Event, ...]]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return load_model(Settings())


@pytest.fixture(scope="session")
def code(nlp: Language) -> Coder:
    """Events of a text, parties from the parse only (no actor mentions)."""

    def _code(text: str) -> tuple[Event, ...]:
        return code_events(nlp(text), (), (), (), None, Settings())

    return _code


@pytest.fixture(scope="session")
def code_with_actors(nlp: Language) -> Coder:
    """Events of a text with the actors stage run first, as the pipeline does."""

    def _code(text: str) -> tuple[Event, ...]:
        doc = nlp(text)
        actors, mentions = resolve_actors(doc, Settings())
        return code_events(doc, actors, mentions, (), None, Settings())

    return _code


def best(events: tuple[Event, ...]) -> Event:
    assert events, "no event coded"
    return max(events, key=lambda e: e.confidence)


def countries(refs: tuple[object, ...]) -> set[str | None]:
    return {getattr(ref, "country", None) for ref in refs}


# -- forms --------------------------------------------------------------------------------


def test_active_meeting_in_the_hosts_country_makes_the_guest_the_visitor(code: Coder) -> None:
    event = best(code("The Indonesian foreign minister met Malaysian officials in Kuala Lumpur."))
    assert event.type == "CONSULT"
    assert event.mode == "visit"
    assert countries(event.actors) == {"IDN"}
    assert countries(event.recipients) == {"MYS"}
    assert event.location_country == "MYS"


def test_passive_agent_is_the_actor(code: Coder) -> None:
    event = best(code("A border post was attacked by Pakistani militants on Friday."))
    assert event.type == "ASSAULT"
    assert countries(event.actors) == {"PAK"}
    assert event.status == "happened"


def test_passive_signing_by_two_parties_is_reciprocal(code: Coder) -> None:
    event = best(code("A trade memorandum was signed by Kenya and Uganda."))
    assert event.type == "SUPPORT"
    assert countries(event.actors) == {"KEN", "UGA"}
    assert event.recipients == ()
    assert "economic" in event.context


def test_nominal_invasion_takes_the_possessor_as_actor(code: Coder) -> None:
    events = code("Ethiopia's invasion of Somalia drew wide attention.")
    invasion = next(e for e in events if e.trigger == "invasion")
    assert invasion.type == "ASSAULT"
    assert countries(invasion.actors) == {"ETH"}
    assert countries(invasion.recipients) == {"SOM"}


def test_reported_speech_codes_the_reported_event_not_the_saying(code: Coder) -> None:
    events = code("Officials in Nairobi said that Kenyan troops shelled Somali positions.")
    assert [e.type for e in events] == ["ASSAULT"]
    assert countries(events[0].actors) == {"KEN"}
    assert countries(events[0].recipients) == {"SOM"}
    assert events[0].mode == "heavy-weapons"


def test_reported_obligation_is_the_speakers_request(code: Coder) -> None:
    event = best(code("Britain said Iran must release the detained sailors."))
    assert event.type == "REQUEST"
    assert countries(event.actors) == {"GBR"}
    assert countries(event.recipients) == {"IRN"}


def test_promise_of_aid_is_agree_promised(code: Coder) -> None:
    event = best(code("Japan will send food aid to Haiti."))
    assert (event.type, event.status) == ("AGREE", "promised")
    assert countries(event.actors) == {"JPN"}
    assert countries(event.recipients) == {"HTI"}


def test_agreed_to_is_agree_promised_with_the_embedded_context(code: Coder) -> None:
    event = best(code("Germany agreed to train Ukrainian soldiers."))
    assert (event.type, event.status) == ("AGREE", "promised")
    assert countries(event.actors) == {"DEU"}
    assert "military" in event.context


def test_promised_harm_is_a_threat(code: Coder) -> None:
    event = best(code("Serbia will close its border with Kosovo unless the attacks stop."))
    assert (event.type, event.status) == ("THREATEN", "promised")
    assert countries(event.actors) == {"SRB"}


def test_negated_meeting_keeps_its_type(code: Coder) -> None:
    event = best(code("Chilean diplomats did not meet with Bolivian envoys."))
    assert (event.type, event.status) == ("CONSULT", "negated")
    assert countries(event.actors) == {"CHL"}
    assert countries(event.recipients) == {"BOL"}


def test_refusal_is_reject_not_a_negated_event(code: Coder) -> None:
    event = best(code("Norway refused to extradite the suspect to Sweden."))
    assert (event.type, event.status) == ("REJECT", "happened")
    assert countries(event.actors) == {"NOR"}
    assert countries(event.recipients) == {"SWE"}


def test_hypothetical_event_keeps_its_type(code: Coder) -> None:
    event = best(code("Turkey could impose sanctions on Greece."))
    assert (event.type, event.status) == ("SANCTION", "hypothetical")
    assert countries(event.recipients) == {"GRC"}


def test_conditional_clause_is_hypothetical(code: Coder) -> None:
    events = code("If Cuban troops attack, Angola will respond.")
    attack = next(e for e in events if e.trigger == "attack")
    assert (attack.type, attack.status) == ("ASSAULT", "hypothetical")


def test_reciprocal_talks_list_both_parties_and_no_recipient(code: Coder) -> None:
    event = best(code("Peru and Ecuador held talks on their border dispute."))
    assert event.type == "CONSULT"
    assert countries(event.actors) == {"PER", "ECU"}
    assert event.recipients == ()
    assert "territory" in event.context


def test_the_two_sides_are_the_two_last_named_actors(code_with_actors: Coder) -> None:
    text = "Vietnam hosted a delegation from Laos. The two sides discussed trade."
    events = code_with_actors(text)
    discussed = next(e for e in events if e.trigger == "discussed")
    assert discussed.type == "CONSULT"
    assert countries(discussed.actors) == {"VNM", "LAO"}


def test_pronoun_subject_of_reported_clause_is_the_speaker(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Syria says it is willing to withdraw its troops from Lebanon."))
    assert (event.type, event.status) == ("AGREE", "promised")
    assert countries(event.actors) == {"SYR"}
    assert countries(event.recipients) == {"LBN"}


# -- every PLOVER type --------------------------------------------------------------------

TYPE_CASES = [
    ("The Argentine president praised Chile for its help.", "SUPPORT", "ARG", "CHL"),
    ("Egypt lifted the curfew in Alexandria.", "CONCEDE", "EGY", None),
    ("Brazil extradited two suspects to Argentina.", "COOPERATE", "BRA", "ARG"),
    ("Canada donated medical supplies to Nepal.", "AID", "CAN", "NPL"),
    ("Russian troops withdrew from Georgia.", "RETREAT", "RUS", "GEO"),
    ("Ghana urged Togo to release the prisoners.", "REQUEST", "GHA", "TGO"),
    ("Iran condemned the Saudi government.", "ACCUSE", "IRN", "SAU"),
    ("China threatened Taiwan with military action.", "THREATEN", "CHN", "TWN"),
    ("Thousands of Kenyan students demonstrated in Nairobi.", "PROTEST", "KEN", "KEN"),
    ("The United States imposed sanctions on Venezuela.", "SANCTION", "USA", "VEN"),
    ("India deployed troops along its border with China.", "MOBILIZE", "IND", None),
    ("Belarusian police arrested dozens of protesters.", "COERCE", "BLR", "BLR"),
    ("Sudanese rebels killed three Chadian soldiers.", "ASSAULT", "SDN", "TCD"),
    ("Hungary offered to mediate between Serbia and Croatia.", "AGREE", "HUN", None),
    ("The Greek prime minister visited Cyprus.", "CONSULT", "GRC", "CYP"),
    ("Poland rejected the German proposal.", "REJECT", "POL", "DEU"),
]


@pytest.mark.parametrize(("text", "event_type", "actor", "recipient"), TYPE_CASES)
def test_each_plover_type(
    code: Coder, text: str, event_type: str, actor: str, recipient: str | None
) -> None:
    event = best(code(text))
    assert event.type == event_type
    assert actor in countries(event.actors)
    if recipient is not None:
        assert recipient in countries(event.recipients)


def test_every_plover_type_is_covered_by_the_cases() -> None:
    assert {case[1] for case in TYPE_CASES} == set(ontology().types)


def test_modes_from_the_lexicon(code: Coder) -> None:
    assert best(code("Burmese jets bombed the village.")).mode == "aerial"
    assert best(code("Police arrested the Nigerian editor.")).mode == "arrest"
    assert best(code("The military seized power in Thailand.")).mode == "seize"


# -- dates and places ---------------------------------------------------------------------


def _date(text: str, phrase: str, value: str) -> DateExpr:
    start = text.index(phrase)
    return DateExpr(start, start + len(phrase), phrase, value)


def test_date_is_the_sentences_own_else_the_paragraphs_else_the_documents(
    nlp: Language,
) -> None:
    text = (
        "On March 3, Mongolia hosted Kazakh officials. They signed a trade deal.\n"
        "Kazakhstan praised Mongolia."
    )
    dates = [_date(text, "March 3", "2024-03-03")]
    published = datetime.date(2024, 3, 5)
    events = code_events(nlp(text), (), (), dates, published, Settings())
    by_trigger = {e.trigger: e for e in events}
    assert by_trigger["hosted"].date == "2024-03-03"
    assert by_trigger["signed deal"].date == "2024-03-03"
    assert by_trigger["signed deal"].date_text == "March 3"
    assert by_trigger["praised"].date == "2024-03-05"
    assert by_trigger["praised"].date_text is None


def test_place_after_in_is_resolved_with_its_country(code: Coder) -> None:
    event = best(code("Thai and Cambodian officials met in Vladivostok."))
    assert event.location_country == "RUS"
    assert event.sentence.startswith("Thai and Cambodian")


# -- scores and data ----------------------------------------------------------------------


def test_score_follows_plover_with_mode_overrides() -> None:
    assert score("CONSULT", None) == 2.5
    assert score("CONSULT", "visit") == 4.0
    assert score("ASSAULT", "unconventional") == -10.0
    assert score("AID", None) == 10.0
    with pytest.raises(ValueError, match="unknown PLOVER event type"):
        score("PARTY", None)


def test_lexicon_names_only_known_types_and_covers_each_with_a_verb() -> None:
    types = set(ontology().types)
    entries = [entry for group in lexicon().values() for entry in group]
    assert {e.type for e in entries} == types
    assert {e.type for e in entries if e.kind == "verb"} == types


def test_event_json_shape(code: Coder) -> None:
    data = best(code("Chad attacked Libyan positions.")).to_json()
    assert data["type"] == "ASSAULT"
    assert data["actor"]["country"] == "TCD"
    assert data["recipient"]["country"] == "LBY"
    assert 0.0 < data["confidence"] <= 1.0


# -- the sample articles (actors stage) ---------------------------------------------------


@pytest.fixture(scope="session")
def sample_events(nlp: Language) -> list[Event]:
    events: list[Event] = []
    for path in sorted(SAMPLES.glob("*.txt")):
        doc = nlp(path.read_text(encoding="utf-8"))
        actors, mentions = resolve_actors(doc, Settings())
        events.extend(code_events(doc, actors, mentions, (), None, Settings()))
    return events


def test_samples_november_meeting_in_nay_pyi_taw(sample_events: list[Event]) -> None:
    meeting = next(e for e in sample_events if e.location and "Nay Pyi Taw" in e.location)
    assert (meeting.type, meeting.mode) == ("CONSULT", "visit")
    assert countries(meeting.actors) == {"RUS"}
    assert countries(meeting.recipients) == {"MMR"}


def test_samples_arms_supplier_sanctions_condemnation_invasion(
    sample_events: list[Event],
) -> None:
    def find(event_type: str, trigger_word: str) -> Event:
        return next(e for e in sample_events if e.type == event_type and trigger_word in e.trigger)

    supplier = find("AID", "supplier")
    assert countries(supplier.actors) == {"RUS"} and "MMR" in countries(supplier.recipients)
    assert "military" in supplier.context
    sanctions = find("SANCTION", "sanctions")
    assert "MMR" in countries(sanctions.recipients)
    condemnation = next(
        e for e in sample_events if e.type == "ACCUSE" and any(a.sector == "OPP" for a in e.actors)
    )
    assert countries(condemnation.actors) == {"MMR"}
    invasion = find("ASSAULT", "incursion")
    assert countries(invasion.actors) == {"RUS"} and countries(invasion.recipients) == {"UKR"}
    vladivostok = next(e for e in sample_events if e.location == "Vladivostok")
    assert vladivostok.type == "CONSULT" and vladivostok.location_country == "RUS"


# -- countries from leaders, places and the paragraph (sentences written for these tests) ---


def test_a_known_leader_gives_the_actor_country(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Jacques Chirac condemned the attack on Algeria."))
    assert event.type == "ACCUSE"
    assert [a.country for a in event.actors] == ["FRA"]
    assert [r.country for r in event.recipients] == ["DZA"]


def test_a_leaders_administration_acts_for_the_country(code_with_actors: Coder) -> None:
    event = best(code_with_actors("The Clinton administration imposed sanctions on Burma."))
    assert event.type == "SANCTION"
    assert ([a.country for a in event.actors], event.recipients[0].country) == (["USA"], "MMR")


def test_an_agentless_passive_is_coded_to_the_place(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Two French engineers were kidnapped in Kandahar on Monday."))
    assert [a.country for a in event.actors] == ["AFG"]
    assert [r.country for r in event.recipients] == ["FRA"]


def test_a_party_without_a_country_takes_the_only_country_named(
    code_with_actors: Coder,
) -> None:
    event = best(code_with_actors("Judge Maria Lopez jailed six Peruvian union leaders."))
    assert event.type == "COERCE"
    assert [a.country for a in event.actors] == ["PER"]


def test_ethnic_group_is_coded_where_it_lives(code_with_actors: Coder) -> None:
    text = "Georgian police arrested ethnic Armenians in Tbilisi."
    event = best(code_with_actors(text))
    assert [a.country for a in event.actors] == ["GEO"]
    assert [r.country for r in event.recipients] == ["GEO"]


def test_a_concession_without_a_target_is_to_its_own_people(code: Coder) -> None:
    event = best(code("The Kenyan government lifted the curfew on Friday."))
    assert event.type == "CONCEDE"
    assert [(r.country, r.sector) for r in event.recipients] == [("KEN", "CVL")]


def test_the_delegations_are_the_two_countries_of_the_paragraph(code_with_actors: Coder) -> None:
    text = (
        "Talks between Chile and Bolivia resumed on Monday. "
        "The delegations signed a memorandum on water rights."
    )
    signing = next(e for e in code_with_actors(text) if "memorandum" in e.trigger)
    assert signing.type == "SUPPORT"
    assert {a.country for a in signing.actors} == {"CHL", "BOL"}


def test_plural_parties_stay_unresolved_without_two_countries(code_with_actors: Coder) -> None:
    text = "The delegations signed a memorandum on water rights."
    signing = next(e for e in code_with_actors(text) if "memorandum" in e.trigger)
    assert all(a.country is None for a in signing.actors)


def test_a_date_after_since_or_until_is_not_the_event_date(nlp: Language) -> None:
    text = "Kenya has sent troops to Somalia since March 2019."
    since = text.index("March 2019")
    dates = (DateExpr(since, since + len("March 2019"), "March 2019", "2019-03"),)
    doc = nlp(text)
    event = best(code_events(doc, (), (), dates, datetime.date(2024, 5, 2), Settings()))
    assert (event.date, event.date_text) == ("2024-05-02", None)
    until_text = "Kenya will keep troops in Somalia until June 2026."
    until = until_text.index("June 2026")
    until_dates = (DateExpr(until, until + 9, "June 2026", "2026-06"),)
    doc = nlp(until_text)
    events = code_events(doc, (), (), until_dates, datetime.date(2024, 5, 2), Settings())
    assert all(e.date == "2024-05-02" for e in events)


def test_a_date_of_its_own_is_still_the_event_date(nlp: Language) -> None:
    text = "Kenya sent troops to Somalia in March 2019."
    start = text.index("March 2019")
    dates = (DateExpr(start, start + 10, "March 2019", "2019-03"),)
    event = best(code_events(nlp(text), (), (), dates, datetime.date(2024, 5, 2), Settings()))
    assert (event.date, event.date_text) == ("2019-03", "March 2019")


def test_a_pronouns_body_belongs_to_the_country_of_the_one_it_refers_to(
    code_with_actors: Coder,
) -> None:
    text = (
        "Peruvian President Dina Boluarte flew to Brasilia on Monday. "
        "Her government deployed troops to the southern border the same week."
    )
    event = next(e for e in code_with_actors(text) if e.type == "MOBILIZE")
    assert [(a.country, a.sector) for a in event.actors] == [("PER", "GOV")]
