"""Places: gazetteer names, spelling variants, countries, unknown names."""

from __future__ import annotations

import pytest

from storyline.places import countries, place_key, resolve_place


def test_a_city_resolves_to_its_country_with_coordinates() -> None:
    place = resolve_place("Vladivostok")
    assert place is not None
    assert place.country == "RUS"
    assert place.latitude == pytest.approx(43.1, abs=0.1)
    assert place.longitude == pytest.approx(131.9, abs=0.1)


@pytest.mark.parametrize("variant", ["Nay Pyi Taw", "Naypyitaw", "Naypyidaw", "Nay-Pyi-Taw"])
def test_spelling_variants_of_a_capital_are_one_place(variant: str) -> None:
    place = resolve_place(variant)
    assert place is not None
    assert place == resolve_place("Nay Pyi Taw")
    assert place.country == "MMR"
    assert place.latitude is not None


def test_an_old_name_resolves_to_the_city_of_today() -> None:
    rangoon = resolve_place("Rangoon")
    assert rangoon is not None and rangoon.name == "Yangon" and rangoon.country == "MMR"
    assert resolve_place("Kiev") == resolve_place("Kyiv")


def test_an_ambiguous_name_is_read_as_the_most_populous_place() -> None:
    moscow = resolve_place("Moscow")
    assert moscow is not None and moscow.country == "RUS"  # not Moscow, Idaho


def test_countries_resolve_by_any_of_their_names() -> None:
    for name, iso3 in [("Myanmar", "MMR"), ("Burma", "MMR"), ("the United States", "USA")]:
        place = resolve_place(name)
        assert place is not None and place.country == iso3
    georgia = resolve_place("Georgia")
    assert georgia is not None and georgia.country == "GEO"


def test_places_from_other_stories() -> None:
    for name, iso3 in [("El Fasher", "SDN"), ("N'Djamena", "TCD"), ("Lima", "PER")]:
        place = resolve_place(name)
        assert place is not None and place.country == iso3, name


@pytest.mark.parametrize("name", ["Xyzzyville", "", "  ", "NYT"])
def test_unknown_names_and_codes_are_not_places(name: str) -> None:
    assert resolve_place(name) is None


def test_place_key_ignores_case_accents_spaces_and_hyphens() -> None:
    assert place_key("Nay-Pyi Taw") == place_key("naypyitaw") == "naypyitaw"
    assert place_key("Bogotá") == place_key("Bogota")


def test_country_table_rows_are_complete_and_unique() -> None:
    table = countries()
    codes = [c.iso3 for c in table]
    assert len(codes) == len(set(codes)) > 190
    assert all(len(code) == 3 and code.isupper() for code in codes)
    russia = next(c for c in table if c.iso3 == "RUS")
    assert "Russian" in russia.demonyms and "Moscow" in russia.capitals
    assert "Kremlin" in russia.seats
