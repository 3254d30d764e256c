"""The events stage codes who did what to whom in PLOVER: every form and every event type.

The sentences are written for these tests (none comes from a gold set). Most tests give the
coder no actor mentions, so the parties come from the parse and the country words inside
their noun phrases; the tests marked "actors stage" run the real actor resolution.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import pytest
from spacy.language import Language
from spacy.tokens import Span

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


def test_ties_between_two_parties_make_both_the_actors(code: Coder) -> None:
    """An event whose entry names no side for "between X and Y" takes both as actors,
    not the first of them as the recipient."""
    event = best(code("The talks aimed to strengthen bilateral ties between Kenya and Uganda."))
    assert (event.type, event.status) == ("AGREE", "promised")
    assert countries(event.actors) == {"KEN", "UGA"}
    assert event.recipients == ()
    event = best(code("The accord deepened cooperation between Chile and Bolivia."))
    assert countries(event.actors) == {"CHL", "BOL"} and event.recipients == ()


def test_a_second_object_the_parser_hangs_on_the_verb_gives_it_no_recipient(
    code: Coder,
) -> None:
    """A run-on sentence parsed with two direct objects ("ousting the government of X,
    talks aimed at ties between France and Guinea"): the second is a clause of its own, so
    the recipient fallback does not take a party from it."""
    text = (
        "This visit marked Mamady Doumbouya's third trip abroad since his army seized power "
        "in September 2021, ousting the elected government of Alpha Conde, talks aimed to "
        "strengthen ties between France and Guinea."
    )
    ousting = [e for e in code(text) if e.trigger == "ousting"]
    assert ousting and ousting[0].type == "COERCE"
    assert "FRA" not in countries(ousting[0].recipients)


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
    # named for what it is, not for the pronoun: the document's own actor when it has one
    assert event.actors[0].name in ("Peru", "Peru government")


def test_his_military_is_the_documents_military_of_that_country(
    code_with_actors: Coder,
) -> None:
    text = (
        "The Myanmar military ruled for decades. This meeting marked Min Aung Hlaing's "
        "fourth visit to Russia since his military seized power in February 2021."
    )
    coup = next(e for e in code_with_actors(text) if e.type == "COERCE")
    assert [(a.name, a.country) for a in coup.actors] == [("Myanmar military", "MMR")]


# -- dates belong to their clause -----------------------------------------------------------


def test_a_date_in_a_relative_clause_dates_only_that_clause(nlp: Language) -> None:
    text = "Senior General Min Aung Hlaing, who seized power in a coup in 2021, praised Putin."
    events = code_events(nlp(text), (), (), [_date(text, "2021", "2021")], None, Settings())
    by_trigger = {e.trigger: e for e in events}
    assert by_trigger["seized power"].date == "2021"
    assert by_trigger["praised"].type == "SUPPORT"
    assert by_trigger["praised"].date is None


def test_a_date_in_a_since_clause_dates_that_event_not_the_main_one(nlp: Language) -> None:
    text = (
        "Since the army overthrew the elected government in February 2021, "
        "the general has visited Moscow four times."
    )
    dates = [_date(text, "February 2021", "2021-02")]
    events = code_events(nlp(text), (), (), dates, None, Settings())
    visit = next(e for e in events if e.type == "CONSULT")
    coup = next(e for e in events if e.trigger.startswith("overthrew"))
    assert visit.date is None
    assert coup.date == "2021-02"


def test_a_story_date_from_a_subordinate_clause_does_not_carry_to_the_next_sentence(
    nlp: Language,
) -> None:
    text = "The minister, who took office in 2019, arrived in Kenya. He met the Kenyan president."
    events = code_events(nlp(text), (), (), [_date(text, "2019", "2019")], None, Settings())
    meeting = next(e for e in events if e.trigger == "met")
    assert meeting.date is None


# -- parties ------------------------------------------------------------------------------


def test_a_visit_from_someone_makes_them_the_visitor_and_the_subject_the_host(
    code_with_actors: Coder,
) -> None:
    text = (
        "Putin praised growing ties with Myanmar during a visit from junta leader Min Aung Hlaing."
    )
    visit = next(e for e in code_with_actors(text) if e.type == "CONSULT")
    assert [a.name for a in visit.actors] == ["Min Aung Hlaing"]
    assert countries(visit.recipients) == {"RUS"}


def test_a_city_as_a_party_stands_for_its_country(code_with_actors: Coder) -> None:
    text = "During the visit of Myanmar's junta chief, Min Aung Hlaing, to Moscow, Putin spoke."
    visit = next(e for e in code_with_actors(text) if e.type == "CONSULT")
    assert visit.recipients[0].name == "Russia"
    assert countries(visit.recipients) == {"RUS"}


def test_a_meeting_in_a_third_country_keeps_the_subject_as_actor(code: Coder) -> None:
    event = best(
        code(
            "The South Korean president met the Ukrainian president on the sidelines of "
            "the NATO summit in Vilnius."
        )
    )
    assert event.type == "CONSULT"
    assert countries(event.actors) == {"KOR"}
    assert countries(event.recipients) == {"UKR"}


def test_a_regional_group_is_a_party_without_a_country(code_with_actors: Coder) -> None:
    events = code_with_actors(
        "Southeast Asian lawmakers expressed concerns that Russia's backing deepens repression."
    )
    concern = next(e for e in events if e.type == "ACCUSE")
    assert [(a.name, a.country) for a in concern.actors] == [("Southeast Asian lawmakers", None)]
    assert countries(concern.recipients) == {"RUS"}


def test_western_nations_impose_sanctions_as_a_bloc(code_with_actors: Coder) -> None:
    events = code_with_actors(
        "Western nations condemned the coup in Myanmar and imposed sanctions on the regime."
    )
    sanction = next(e for e in events if e.type == "SANCTION")
    assert [a.country for a in sanction.actors] == [None]
    assert "western" in sanction.actors[0].name.lower()


def test_no_unnamed_actor_is_invented_for_a_participle_that_lost_its_subject(
    code_with_actors: Coder,
) -> None:
    events = code_with_actors(
        "This meeting marked his fourth visit to Russia since the coup, ousting hopes of a "
        "return to democracy in Myanmar, and discussions aimed to strengthen ties."
    )
    assert not any("(unnamed)" in a.name for e in events for a in e.actors)


def test_an_agentless_passive_still_gets_the_places_unnamed_actor(code: Coder) -> None:
    event = best(code("Three soldiers were killed by a roadside bomb near Kandahar on Monday."))
    assert event.type == "ASSAULT"
    assert [(a.name, a.country) for a in event.actors] == [("AFG (unnamed)", "AFG")]


def test_the_delegations_visiting_one_of_the_two_countries_are_the_other(
    code_with_actors: Coder,
) -> None:
    text = (
        "Talks between Russia and Myanmar resumed on Monday. "
        "The military delegations paid a visit to Russia."
    )
    visit = next(e for e in code_with_actors(text) if e.trigger == "paid visit")
    assert countries(visit.actors) == {"MMR"}
    assert countries(visit.recipients) == {"RUS"}


def test_a_misspelt_country_name_is_still_the_country(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Ethopia has agreed to reopen its borders to UN peacekeepers."))
    assert event.type == "AGREE"
    assert countries(event.actors) == {"ETH"}


def test_a_name_close_to_a_country_is_not_one(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Nigel Farage criticised the Polish government on Tuesday."))
    assert event.type == "ACCUSE"
    assert None in countries(event.actors) or "NER" not in countries(event.actors)
    assert countries(event.recipients) == {"POL"}


def test_a_country_word_that_only_locates_a_border_is_no_party(code: Coder) -> None:
    event = best(code("Burmese troops captured a rebel stronghold on the Thai border."))
    assert event.type == "ASSAULT"
    assert countries(event.actors) == {"MMR"}
    assert "THA" not in countries(event.recipients)


def test_conjoined_verbs_share_their_recipient(code: Coder) -> None:
    event = best(code("Japanese doctors donated and delivered medicine to Kenya on Friday."))
    assert event.type == "AID"
    assert countries(event.actors) == {"JPN"}
    assert countries(event.recipients) == {"KEN"}


def test_a_complaint_is_about_its_target_not_its_addressee(code: Coder) -> None:
    event = best(code("Lebanon complained to the United Nations over Israeli air raids."))
    assert event.type == "ACCUSE"
    assert "ISR" in countries(event.recipients)


# -- who acts changes what the verb reports -------------------------------------------------


def test_troops_arriving_deploy_and_peacekeepers_arriving_are_aid(code: Coder) -> None:
    troops = best(code("Russian troops arrived in Belarus on Sunday."))
    assert (troops.type, troops.mode) == ("MOBILIZE", "troops")
    keepers = best(code("Indian peacekeeping troops arrived in South Sudan on Sunday."))
    assert keepers.type == "AID"
    assert countries(keepers.recipients) == {"SSD"}


def test_workers_blocking_a_road_protest_police_blocking_it_coerce(code: Coder) -> None:
    workers = best(code("French farm workers blocked the motorway near Lyon with tractors."))
    assert (workers.type, workers.mode) == ("PROTEST", "obstruct")
    police = best(code("French police blocked the road to the refugee camp near Calais."))
    assert police.type == "COERCE"


def test_a_delivery_of_attack_helicopters_is_aid_not_an_attack(code: Coder) -> None:
    event = best(code("Russia delivered attack helicopters to the Malian army."))
    assert event.type == "AID"
    assert countries(event.recipients) == {"MLI"}


def test_a_sit_in_is_a_protest(code: Coder) -> None:
    event = best(code("Students in Tehran staged a sit-in to demand the release of classmates."))
    assert event.type == "PROTEST"


def test_willingness_to_meet_is_a_promise(code: Coder) -> None:
    event = best(code("Pakistan expressed willingness to hold talks with India."))
    assert event.type == "AGREE"
    assert event.status == "promised"
    assert countries(event.actors) == {"PAK"}


def test_strengthening_ties_is_diplomatic_cooperation_not_mobilisation(code: Coder) -> None:
    event = best(code("Vietnam and Laos agreed to strengthen their partnership."))
    assert event.type == "AGREE"
    events = code("The two leaders strengthened their partnership in Hanoi.")
    assert {e.type for e in events} == {"SUPPORT"}


# -- quality gate ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "type_floor", "dyad_floor"),
    # floors just under the figures of docs/events.md (the project's own gold sets; the
    # PLOVER development set lives outside the project and is scored by the script alone)
    [("own-tuning", 0.96, 0.93), ("own-heldout", 0.92, 0.91)],
)
def test_quality_gate_on_the_projects_own_event_gold_sets(
    name: str,
    type_floor: float,
    dyad_floor: float,
    evaluation_script: Callable[[str], ModuleType],
) -> None:
    module = evaluation_script("eval_events")
    result = module.evaluate(module.GOLD_SETS[name])
    assert result["sentences"] >= 60
    assert result["type_accuracy"] >= type_floor
    assert result["dyad_accuracy"] >= dyad_floor


def test_a_month_named_march_is_no_protest(code_with_actors: Coder) -> None:
    events = code_with_actors("Min Aung Hlaing visited Moscow in March.")
    assert [e.type for e in events] == ["CONSULT"]


def test_a_territory_the_country_table_lacks_is_still_named(code_with_actors: Coder) -> None:
    """Hong Kong has a gazetteer code (HKG) but no row in countries.tsv: no crash, a name."""
    events = code_with_actors("Chinese troops were sent to Hong Kong on Monday.")
    assert any("Hong Kong" in r.name for e in events for r in e.recipients + e.actors)


def test_whoever_ends_unrest_does_not_stage_it(code_with_actors: Coder) -> None:
    events = code_with_actors("China said it has the power to end Hong Kong unrest.")
    protests = [e for e in events if e.type == "PROTEST"]
    assert all("CHN" not in {a.country for a in e.actors} for e in protests)


def test_the_two_sides_are_of_two_countries_when_the_meeting_names_them(
    code_with_actors: Coder,
) -> None:
    text = (
        "General Min Aung Hlaing met the Chief of the General Staff of the Armed Forces of "
        "the Russian Federation and the commander of Russian Ground Forces in Nay Pyi Taw. "
        "In the meeting, the two sides discussed cooperation in defence."
    )
    talks = next(e for e in code_with_actors(text) if e.trigger == "discussed")
    assert countries(talks.actors) == {"MMR", "RUS"}


def test_countries_in_a_span_are_read_from_one_scan_of_the_document(nlp: Language) -> None:
    """``Parties.countries_in`` (one scan of the document, then a slice per span) gives what
    scanning each span's words and mentions afresh gives."""
    from storyline.events_actors import Parties, country_words, not_a_country

    text = (SAMPLES / "000_b71f3d8e0a766c14.txt").read_text(encoding="utf-8")
    doc = nlp(text)
    actors, mentions = resolve_actors(doc, Settings())
    parties = Parties.build(doc, actors, mentions)
    by_id = {a.id: a for a in actors}

    def plain(span: Span) -> list[str]:
        found = [
            (m.start, by_id[m.actor_id].country)
            for m in mentions
            if span.start_char <= m.start < span.end_char and by_id[m.actor_id].country
        ]
        words = [t.text.casefold() for t in span]
        for i in range(len(words)):
            if not_a_country(span[i]):
                continue
            for size in range(min(4, len(words) - i), 0, -1):
                iso3 = country_words().get(tuple(words[i : i + size]))
                if iso3 is not None:
                    found.append((span[i].idx, iso3))
        return list(dict.fromkeys(iso3 for _, iso3 in sorted(found)))

    spans = [*doc.sents, doc[0 : len(doc)], doc[3:40], doc[10:11]]
    assert sum(len(plain(s)) for s in spans) > 10
    for span in spans:
        assert parties.countries_in(span) == plain(span)


# -- coding that generalises (issue 17): the classes of failure, on sentences of our own --------


def test_a_party_that_says_harm_was_done_to_it_accuses_the_doer(code_with_actors: Coder) -> None:
    events = code_with_actors("Armenia said rockets were fired at its positions from Azerbaijan.")
    main = best(events)
    assert (main.type, countries(main.actors), countries(main.recipients)) == (
        "ACCUSE",
        {"ARM"},
        {"AZE"},
    )
    # the reported deed is a second record, with the side it came from as its actor
    attack = next(e for e in events if e.type == "ASSAULT")
    assert countries(attack.actors) == {"AZE"}
    assert attack.confidence < main.confidence


def test_a_relayed_deed_is_no_accusation(code_with_actors: Coder) -> None:
    # a source of the doers' own country relays it; a third party's source reports it;
    # an attribution after the clause leaves the deed the news
    for text in (
        "Police said gunmen killed 20 villagers near Maiduguri.",
        "Kenyan officials said Somali troops shelled positions in Ethiopia.",
        "Israeli warplanes bombed targets near Damascus airport, the Syrian army said.",
    ):
        assert all(e.type != "ACCUSE" for e in code_with_actors(text)), text
    assert best(code_with_actors(
        "Israeli warplanes bombed targets near Damascus airport, the Syrian army said."
    )).type == "ASSAULT"  # fmt: skip


def test_a_deed_a_speaker_claims_for_itself_is_no_accusation(code_with_actors: Coder) -> None:
    main = best(code_with_actors("Russia said it struck Ukrainian army positions near Kharkiv."))
    assert (main.type, countries(main.actors)) == ("ASSAULT", {"RUS"})


def test_a_plan_is_not_coded_as_done(code: Coder) -> None:
    for text in (
        "The treaty is to be signed during the visit.",
        "Kenyan police are to deploy to Haiti next month.",
    ):
        assert all(e.status != "happened" for e in code(text)), text


def test_attribution_to_the_media_is_no_party(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Troops shelled the town of Kharkiv, state media reported."))
    assert event.type == "ASSAULT"
    assert all("media" not in ref.name for ref in (*event.actors, *event.recipients))


def test_an_agentive_adjective_names_the_actor(code_with_actors: Coder) -> None:
    event = best(code_with_actors("Israeli tank shelling killed three people in Gaza."))
    assert (event.type, countries(event.actors)) == ("ASSAULT", {"ISR"})


def test_a_statement_verb_does_not_take_the_reported_deed(code_with_actors: Coder) -> None:
    events = code_with_actors("NATO's chief confirmed the deployment of troops to Estonia.")
    assert all(e.type != "ASSAULT" for e in events)


def test_a_photo_caption_is_no_event(code_with_actors: Coder) -> None:
    assert code_with_actors("Soldiers stand guard in Kyiv on Monday. (AP Photo/Jane Roe)") == ()
    assert code_with_actors("Protesters clash with police in Dakar. Photo: AFP") == ()


def test_who_orders_an_event_carries_it_out(code_with_actors: Coder) -> None:
    event = best(code_with_actors("ECOWAS ordered the deployment of its standby force to Niger."))
    assert (event.type, countries(event.recipients)) == ("MOBILIZE", {"NER"})
    assert event.actors[0].name == "ECOWAS"
    # with no event noun, an order stays a request
    assert best(code_with_actors("Kenya ordered Somali troops to withdraw.")).type == "REQUEST"


def test_a_noun_the_lexicon_lacks_takes_the_type_of_its_wordnet_parent(code: Coder) -> None:
    """ "skirmish" and "gunfight" are kinds of fighting (Open English WordNet)."""
    events = code("Nigerian soldiers killed five rebels in a gunfight near Maiduguri.")
    assert any(e.type == "ASSAULT" and "gunfight" in e.trigger for e in events)


def test_the_type_model_adds_events_the_lexicon_lacks_and_never_retypes_it() -> None:
    """The shipped model: a candidate the lexicon reads keeps its type; one it does not
    read takes the model's type only at the threshold's probability."""
    import numpy as np

    from storyline.events_model import NONE, type_model

    model = type_model()
    assert model is not None and model.labels[0] == NONE and len(model.labels) == 17
    probs = np.zeros(17, dtype=np.float32)
    probs[model.labels.index("ASSAULT")] = 0.9
    probs[0] = 0.1
    assert model.choose(probs, ["CONSULT"]) == ("CONSULT", None)
    kind, value = model.choose(probs, [])
    assert kind == "ASSAULT" and value == pytest.approx(0.9)
    probs[model.labels.index("ASSAULT")], probs[0] = 0.3, 0.7
    assert model.choose(probs, [])[0] == NONE
