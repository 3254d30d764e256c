"""Actors: one actor per real-world entity, whatever the outlet calls it.

Run on the five sample articles as they are (page chrome included) and on sentences about
other stories (Sudan/Chad, Peru, Thailand) written for these tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from storyline.actors import merge_actors, resolve_actors, slug
from storyline.errors import InputError
from storyline.model import Actor, Mention
from storyline.nlp import analyse
from storyline.settings import Settings

SAMPLES = Path(__file__).resolve().parent.parent / "examples" / "russia-myanmar"

Resolved = tuple[tuple[Actor, ...], tuple[Mention, ...]]


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings()


@pytest.fixture(scope="module")
def samples(settings: Settings) -> list[Resolved]:
    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.glob("*.txt"))]
    return [resolve_actors(doc, settings) for doc in analyse(texts, settings)]


@pytest.fixture(scope="module")
def corpus(samples: list[Resolved]) -> tuple[list[Actor], dict[str, str]]:
    return merge_actors([actors for actors, _ in samples])


def resolve(text: str, settings: Settings) -> Resolved:
    return resolve_actors(next(analyse([text], settings)), settings)


def by_alias(actors: Sequence[Actor], alias: str) -> Actor:
    found = [actor for actor in actors if alias in actor.aliases]
    assert len(found) == 1, f"{alias!r} is an alias of {[a.id for a in found]}"
    return found[0]


def merged(corpus: tuple[list[Actor], dict[str, str]], alias: str) -> Actor:
    return by_alias(corpus[0], alias)


# --------------------------------------------------------------------------- samples


def test_every_name_of_the_junta_chief_is_one_military_actor_of_myanmar(
    corpus: tuple[list[Actor], dict[str, str]],
) -> None:
    chief = merged(corpus, "Min Aung Hlaing")
    for alias in [
        "General Min Aung Hlaing",
        "military leader Gen. Min Aung Hlaing",
        "Senior Gen. Min Aung Hlaing",
        "Senior General Min Aung Hlaing",
        "Myanmar junta chief Min Aung Hlaing",
        "Myanmar Prime Minister Min Aung Hlaing",
        "Hlaing",
        "The junta boss",
        "the military leader",
    ]:
        assert alias in chief.aliases, alias
    assert (chief.name, chief.kind, chief.country, chief.sector) == (
        "Min Aung Hlaing",
        "person",
        "MMR",
        "MIL",
    )


def test_aung_san_suu_kyi_stays_a_different_actor(
    corpus: tuple[list[Actor], dict[str, str]],
) -> None:
    suu_kyi = merged(corpus, "Aung San Suu Kyi")
    assert suu_kyi.id != merged(corpus, "Min Aung Hlaing").id
    assert suu_kyi.kind == "person"


def test_putin_under_every_name_is_one_russian_government_actor(
    corpus: tuple[list[Actor], dict[str, str]],
) -> None:
    putin = merged(corpus, "Vladimir Putin")
    assert {"Putin", "Russian President Vladimir Putin"} <= set(putin.aliases)
    assert (putin.kind, putin.country, putin.sector) == ("person", "RUS", "GOV")


def test_a_role_noun_resolves_to_the_person_introduced_earlier(samples: list[Resolved]) -> None:
    actors, mentions = samples[2]
    boss = next(m for m in mentions if m.text == "The junta boss")
    chief = by_alias(actors, "Myanmar junta chief Min Aung Hlaing")
    assert boss.actor_id == chief.id


def test_rosatom_under_every_name_is_one_russian_corporation(
    corpus: tuple[list[Actor], dict[str, str]],
) -> None:
    rosatom = merged(corpus, "Rosatom")
    assert "Rosatom Atomic Energy Corporation" in rosatom.aliases
    assert rosatom.country == "RUS" and rosatom.sector in ("BUS", "GOV")


def test_an_acronym_introduced_in_brackets_is_the_same_actor(samples: list[Resolved]) -> None:
    actors, mentions = samples[4]
    nug = by_alias(actors, "NUG")
    assert "National Unity Government" in nug.aliases
    assert (nug.kind, nug.country, nug.sector) == ("organization", "MMR", "OPP")
    assert len([m for m in mentions if m.actor_id == nug.id]) == 2


def test_junta_military_regime_and_military_council_are_one_organisation(
    samples: list[Resolved], corpus: tuple[list[Actor], dict[str, str]]
) -> None:
    actors, _ = samples[1]
    junta = by_alias(actors, "the junta")
    assert {"Myanmar’s military", "Myanmar’s military regime"} <= set(junta.aliases)
    military = merged(corpus, "the Military Council")
    assert military.id == junta.id
    assert (military.kind, military.country, military.sector) == ("organization", "MMR", "MIL")


def test_countries_and_a_capital_that_acts_are_the_state(samples: list[Resolved]) -> None:
    actors, _ = samples[1]
    russia = by_alias(actors, "Moscow")  # "Moscow has also argued ..."
    assert (russia.name, russia.kind, russia.country, russia.sector) == (
        "Russia",
        "state",
        "RUS",
        "GOV",
    )
    assert "Russia" in russia.aliases


def test_a_capital_after_in_is_a_place_not_an_actor(samples: list[Resolved]) -> None:
    _, mentions = samples[4]
    text = (SAMPLES / "004_caedb158dc9ed443.txt").read_text(encoding="utf-8")
    in_moscow = text.index("in Moscow") + len("in ")
    assert not [m for m in mentions if m.start == in_moscow]


def test_western_countries_are_a_group_with_no_country(
    corpus: tuple[list[Actor], dict[str, str]],
) -> None:
    west = merged(corpus, "Western countries")
    assert "the West" in west.aliases
    assert (west.kind, west.country) == ("group", None)


def test_mentions_point_into_the_text_and_to_their_sentence(
    settings: Settings, samples: list[Resolved]
) -> None:
    text = (SAMPLES / "002_be5776c2c1506bef.txt").read_text(encoding="utf-8")
    doc = next(analyse([text], settings))
    sentences = list(doc.sents)
    _, mentions = samples[2]
    ids = {actor.id for actor in samples[2][0]}
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
        assert mention.actor_id in ids
        sentence = sentences[mention.sentence]
        assert sentence.start_char <= mention.start < sentence.end_char


def test_ids_are_stable_slugs_and_the_map_covers_every_input_id(
    samples: list[Resolved], corpus: tuple[list[Actor], dict[str, str]]
) -> None:
    merged_ids = {actor.id for actor in corpus[0]}
    for actors, _ in samples:
        for actor in actors:
            assert corpus[1][actor.id] in merged_ids
    assert merged(corpus, "Min Aung Hlaing").id == "min-aung-hlaing"
    assert slug("Myanmar’s Military Council") == "myanmars-military-council"


def test_resolving_twice_gives_the_same_actors(settings: Settings, samples: list[Resolved]) -> None:
    text = (SAMPLES / "003_79ba90339376d06f.txt").read_text(encoding="utf-8")
    assert resolve(text, settings) == samples[3]


# --------------------------------------------------------------------------- other stories

SUDAN = (
    "Sudan's army chief, General Abdel Fattah al-Burhan, met Chadian President Mahamat "
    "Idriss Deby in N'Djamena on Sunday. Burhan accused the Rapid Support Forces of "
    "attacking civilians in El Fasher. Khartoum has repeatedly said that Chad lets weapons "
    "reach the RSF. The Sudanese general later flew to Port Sudan. Chadian officials denied "
    "the claim, and Deby said talks would go on."
)


def test_sudan_story_titles_surnames_and_role_nouns(settings: Settings) -> None:
    actors, _ = resolve(SUDAN, settings)
    burhan = by_alias(actors, "General Abdel Fattah al-Burhan")
    assert {"Burhan", "The Sudanese general", "Sudan's army chief"} <= set(burhan.aliases)
    assert (burhan.kind, burhan.country, burhan.sector) == ("person", "SDN", "MIL")
    deby = by_alias(actors, "Deby")
    assert deby.name == "Mahamat Idriss Deby"
    assert (deby.country, deby.sector) == ("TCD", "GOV")
    assert deby.id != burhan.id


def test_sudan_story_capital_metonymy_groups_and_known_acronyms(settings: Settings) -> None:
    actors, mentions = resolve(SUDAN, settings)
    sudan = by_alias(actors, "Khartoum")  # "Khartoum has repeatedly said"
    assert (sudan.kind, sudan.country, sudan.sector) == ("state", "SDN", "GOV")
    officials = by_alias(actors, "Chadian officials")
    assert (officials.kind, officials.country, officials.sector) == ("group", "TCD", "GOV")
    rsf = by_alias(actors, "RSF")
    assert rsf.name == "Rapid Support Forces" and "Rapid Support Forces" in rsf.aliases
    assert not [m for m in mentions if m.text in ("N'Djamena", "El Fasher", "Port Sudan")]


def test_an_acronym_defined_in_the_text_and_used_later(settings: Settings) -> None:
    text = (
        "The Sudanese Armed Forces (SAF) said on Monday that the SAF had retaken the city. "
        "The Frente de Unidad Popular (FUP), a rebel movement, rejected the claim."
    )
    actors, _ = resolve(text, settings)
    saf = by_alias(actors, "SAF")
    assert "The Sudanese Armed Forces" in saf.aliases
    assert (saf.country, saf.sector) == ("SDN", "MIL")
    assert saf.mentions == 3


def test_unknown_names_get_country_and_sector_from_the_text(settings: Settings) -> None:
    text = (
        "Thai Foreign Minister Somchai Wongsawat called for talks. Peru's Congress voted on "
        "Thursday to remove President Dina Boluarte. Lima later said it would hold elections. "
        "The president had faced protests. Peruvian police arrested protesters in Lima."
    )
    actors, mentions = resolve(text, settings)
    somchai = by_alias(actors, "Thai Foreign Minister Somchai Wongsawat")
    assert (somchai.name, somchai.kind, somchai.country, somchai.sector) == (
        "Somchai Wongsawat",
        "person",
        "THA",
        "GOV",
    )
    boluarte = by_alias(actors, "President Dina Boluarte")
    assert "The president" in boluarte.aliases
    peru = by_alias(actors, "Lima")
    assert (peru.kind, peru.country) == ("state", "PER")
    assert len([m for m in mentions if m.text == "Lima"]) == 1  # "in Lima" is a place
    congress = by_alias(actors, "Congress")
    assert (congress.id, congress.country, congress.sector) == ("congress-per", "PER", "LEG")
    police = by_alias(actors, "Peruvian police")
    assert (police.country, police.sector) == ("PER", "COP")


def test_seats_of_government_stand_for_the_state(settings: Settings) -> None:
    text = "The Kremlin said the talks went well. The White House declined to comment."
    actors, _ = resolve(text, settings)
    assert by_alias(actors, "The Kremlin").id == "russia"
    assert by_alias(actors, "The White House").country == "USA"


def test_a_country_name_as_a_plain_modifier_is_not_the_state(settings: Settings) -> None:
    actors, mentions = resolve("Myanmar laborers went to Russia to work.", settings)
    assert not mentions and not actors


def test_peoples_groups_and_unnamed_officials_get_their_country(settings: Settings) -> None:
    text = (
        "Hundreds of Bolivians marched on Friday, a Peruvian official said. "
        "Rebels in Mali attacked a convoy. "
        "Ana Quispe, Bolivia's best-known labour activist, joined them."
    )
    actors, _ = resolve(text, settings)
    bolivians = by_alias(actors, "Bolivians")
    assert (bolivians.kind, bolivians.country) == ("group", "BOL")
    official = by_alias(actors, "a Peruvian official")
    assert (official.name, official.kind, official.country, official.sector) == (
        "Peruvian official",
        "person",
        "PER",
        "GOV",
    )
    rebels = by_alias(actors, "Rebels in Mali")
    assert (rebels.kind, rebels.country, rebels.sector) == ("group", "MLI", "REB")
    quispe = by_alias(actors, "Ana Quispe")
    assert (quispe.country, quispe.sector) == ("BOL", "CVL")


def test_to_a_country_is_a_recipient_unless_it_follows_a_verb_of_motion(
    settings: Settings,
) -> None:
    actors, mentions = resolve("Norway sent aid to Chad. The envoy later flew to Niger.", settings)
    assert {a.id for a in actors} >= {"norway", "chad"}
    assert not [m for m in mentions if m.text == "Niger"]


# --------------------------------------------------------------------------- user actors


def test_a_user_actors_file_adds_actors_and_aliases(tmp_path: Path) -> None:
    path = tmp_path / "my-actors.yaml"
    path.write_text(
        "- name: Arakan Army\n"
        "  kind: organization\n"
        "  sector: REB\n"
        "  country: MMR\n"
        "  aliases: [AA, Arakan rebels]\n",
        encoding="utf-8",
    )
    settings = Settings(user_actors=str(path))
    actors, _ = resolve("The AA seized the town. Arakan rebels later withdrew.", settings)
    army = by_alias(actors, "AA")
    assert "Arakan rebels" in army.aliases
    assert (army.name, army.country, army.sector, army.mentions) == (
        "Arakan Army",
        "MMR",
        "REB",
        2,
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("name: not a list\n", "YAML list"),
        ("- kind: person\n", "needs a 'name'"),
        ("- name: X\n  kind: planet\n", "unknown kind"),
        ("- [unclosed\n", "not valid YAML"),
    ],
)
def test_a_bad_user_actors_file_is_an_input_error(
    tmp_path: Path, content: str, reason: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=reason) as caught:
        resolve("Putin spoke.", Settings(user_actors=str(path)))
    assert caught.value.source == str(path)


def test_a_missing_user_actors_file_is_an_input_error(tmp_path: Path) -> None:
    path = str(tmp_path / "absent.yaml")
    with pytest.raises(InputError, match="cannot read"):
        resolve("Putin spoke.", Settings(user_actors=path))


# --------------------------------------------------------------------------- merging


def person(name: str, country: str | None, mentions: int = 1) -> Actor:
    return Actor(slug(name), name, "person", country, "GOV", (name,), mentions)


def test_merge_joins_a_surname_to_the_full_name_with_a_compatible_country() -> None:
    actors, mapping = merge_actors(
        [[person("Vladimir Putin", "RUS", 3)], [person("Putin", None, 2)]]
    )
    assert [a.id for a in actors] == ["vladimir-putin"]
    assert actors[0].mentions == 5 and set(actors[0].aliases) == {"Vladimir Putin", "Putin"}
    assert mapping == {"vladimir-putin": "vladimir-putin", "putin": "vladimir-putin"}


def test_merge_keeps_apart_names_from_different_countries() -> None:
    actors, mapping = merge_actors([[person("John Smith", "GBR")], [person("Smith", "USA")]])
    assert {a.id for a in actors} == {"john-smith", "smith"}
    assert mapping["smith"] == "smith"


def test_merge_does_not_guess_between_two_equally_likely_full_names() -> None:
    actors, mapping = merge_actors(
        [
            [person("Min Aung Hlaing", "MMR"), person("Aung San Suu Kyi", "MMR")],
            [person("Aung", None)],
        ]
    )
    assert mapping["aung"] == "aung"
    assert len(actors) == 3


def test_merge_votes_country_and_sector_by_mentions() -> None:
    a = Actor("min-aung-hlaing", "Min Aung Hlaing", "person", "MMR", "MIL", ("General",), 5)
    b = Actor("min-aung-hlaing", "Min Aung Hlaing", "person", None, "GOV", ("Prime Minister",), 1)
    actors, _ = merge_actors([[a], [b]])
    assert (actors[0].country, actors[0].sector, actors[0].mentions) == ("MMR", "MIL", 6)


# -- leaders, international bodies, ethnic groups (sentences written for these tests) ------


def test_a_known_leader_without_a_title_takes_the_leaders_country(settings: Settings) -> None:
    actors, _ = resolve("Angela Merkel flew to Paris. Later Merkel spoke to reporters.", settings)
    merkel = by_alias(actors, "Angela Merkel")
    assert (merkel.kind, merkel.country, merkel.sector) == ("person", "DEU", "GOV")
    assert "Merkel" in merkel.aliases


def test_a_surname_alone_names_the_leader(settings: Settings) -> None:
    actors, _ = resolve("Speaking in Ankara on Friday, Erdogan rejected the proposal.", settings)
    assert by_alias(actors, "Erdogan").country == "TUR"


def test_the_text_wins_over_the_leaders_list(settings: Settings) -> None:
    actors, _ = resolve("Chilean President Vladimir Putin opened the session.", settings)
    assert [(a.id, a.country) for a in actors] == [("vladimir-putin", "CHL")]


def test_the_head_of_an_international_body_has_no_country(settings: Settings) -> None:
    actors, _ = resolve("Boutros Boutros-Ghali appealed for a truce.", settings)
    annan = by_alias(actors, "Boutros Boutros-Ghali")
    assert (annan.country, annan.sector) == (None, "IGO")


def test_a_leaders_administration_is_the_state(settings: Settings) -> None:
    actors, mentions = resolve("The Obama administration announced new tariffs.", settings)
    state = next(a for a in actors if a.kind == "state")
    assert (state.id, state.country) == ("united-states", "USA")
    assert any(m.text.endswith("administration") for m in mentions if m.actor_id == state.id)


def test_international_bodies_are_igos(settings: Settings) -> None:
    text = "The ILO and the OSCE met in Vienna, and the European Community sent observers."
    actors, _ = resolve(text, settings)
    for alias in ("ILO", "OSCE", "European Community"):
        found = by_alias(actors, alias)
        assert (found.country, found.sector) == (None, "IGO"), alias


def test_ethnic_and_anti_do_not_give_a_country(settings: Settings) -> None:
    actors, _ = resolve("Ethnic Georgians met an anti-Kenya campaigner in Oslo.", settings)
    assert not any(a.country in ("GEO", "KEN") for a in actors)


def test_a_former_country_name_is_its_successor(settings: Settings) -> None:
    actors, _ = resolve("Zaire accused Kampuchean officials of lying.", settings)
    countries = {a.country for a in actors}
    assert {"COD", "KHM"} <= countries


def test_civil_offices_named_general_are_not_military(settings: Settings) -> None:
    found, _ = resolve("Attorney General Letitia James said the inquiry would go on.", settings)
    james = next(a for a in found if a.name == "Letitia James")
    assert james.sector == "JUD"
