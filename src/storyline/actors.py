"""The actors stage: one canonical actor per real-world entity, with a country and a sector.

Per document (:func:`resolve_actors`) the stage finds candidate spans in a spaCy ``Doc``:
names of people (with the titles and appositives around them), known organisations from the
shipped and user dictionaries, organisation names the tagger finds, generic organisation
nouns ("the junta", "Myanmar's military"), groups ("Russian officials"), countries and seats
of government that act ("Russia said", "Moscow has argued", "the Kremlin"), acronyms
introduced as "Name (ACR)", and role references ("the junta boss") resolved to the person
they stand for. Across documents, :func:`merge_actors` merges actors by id, surname and
country. The method and its limits are described in docs/actors.md.
"""

from __future__ import annotations

import bisect
import csv
import functools
import logging
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, cast

import yaml
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from .errors import InputError
from .model import Actor, ActorKind, Mention
from .nlp import load_model
from .places import countries, country_by_iso3, country_name, fuzzy_country, resolve_place
from .settings import Settings

log = logging.getLogger(__name__)

_KINDS: frozenset[str] = frozenset({"person", "organization", "state", "group", "location"})
# grammar, not vocabulary: prepositions whose object is a place ("in Moscow", "to Russia")
_LOCATIVE = frozenset(
    {"in", "at", "to", "from", "into", "inside", "within", "across", "near", "throughout"}
    | {"toward", "towards", "around", "outside", "via", "through", "onto"}
)
# dependency labels of a noun that acts: subject, possessor, passive agent
_ACTING = frozenset({"nsubj", "nsubjpass", "poss", "agent", "csubj"})
# dictionary categories that may stand in a title chain: "state broadcaster", "Gen."
_CHAIN_ROLES = frozenset({"person", "honorific", "organization", "orgword", "state"})
# finite verb tags: a clause, not an appositive ("leading" in "Algeria's leading activist" is not)
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
# heads after which "to X" / "from X" is a destination or origin, not a recipient ("aid to Serbia")
_MOTION = frozenset(
    {"go", "travel", "fly", "visit", "trip", "return", "come", "move", "arrive", "flee", "head"}
    | {"deport", "journey", "sail", "drive", "march", "way", "road", "route"}
    | {"flight", "transfer", "relocate", "escape", "extend", "stretch"}
)
# punctuation that ends an appositive (a hyphen, as in "best-known", does not)
_BREAKS = frozenset({",", ";", ".", ":", "(", ")", "!", "?", "—", "–"})
# what may name the country of a title or role noun: "Russian", "Russia's", "Kremlin officials"
_COUNTRY_MODIFIERS = frozenset({"country", "demonym", "capital", "seat"})
_TITLES = frozenset({"person", "honorific"})
_DETERMINERS = frozenset({"the", "a", "an"})
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_FUNCTION_WORDS = frozenset({"the", "of", "and", "for", "de", "on", "in"})
# the longest run of title words, modifiers and an appositive looked at left of a name;
# "the First Deputy Commander-in-Chief of Russian Ground Forces" is about this long
_MAX_CHAIN = 10
# an appositive after a name ("X, the head of Y,") longer than this is a clause, not a title
_MAX_APPOSITIVE = 8
# nouns that, after a leader's name, mean the state that leader runs ("the Bush administration",
# "Putin's government"); "Putin's leadership" is his leading, not a state
_LEADER_BODIES = frozenset({"administration", "government", "cabinet", "regime"})
# the longest personal name looked up before "administration": "George H. W. Bush" (5 tokens)
_MAX_NAME = 5


# --------------------------------------------------------------------------- lexicon


@dataclass(frozen=True)
class Role:
    """One row of data/roles.tsv."""

    term: str
    sector: str | None
    kind: str
    canonical: str


@dataclass(frozen=True)
class KnownActor:
    """One entry of data/actors.yaml or of the user's actors file."""

    name: str
    kind: ActorKind
    sector: str | None
    country: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """The dictionaries compiled into spaCy phrase matchers for one model."""

    roles: dict[str, Role]
    orgwords: dict[str, Role]
    known: tuple[KnownActor, ...]
    by_lower: PhraseMatcher
    by_orth: PhraseMatcher
    proper_forms: frozenset[str]
    particles: frozenset[str]


def _data_text(name: str) -> str:
    return resources.files("storyline.data").joinpath(name).read_text("utf-8")


def _tsv_rows(text: str) -> Iterator[dict[str, str]]:
    lines = (line for line in text.splitlines() if line and not line.startswith("#"))
    yield from csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)


@functools.cache
def _roles() -> tuple[Role, ...]:
    return tuple(
        Role(
            term=row["term"].strip(),
            sector=None if row["sector"] in ("-", "") else row["sector"],
            kind=row["kind"],
            canonical=(row["canonical"] or "").strip(),
        )
        for row in _tsv_rows(_data_text("roles.tsv"))
    )


@dataclass(frozen=True)
class Leader:
    """One row of data/leaders.tsv: a head of state or government, minister or IGO head."""

    name: str
    country: str | None
    sector: str
    role: str


# particles written with or without a hyphen or left out ("Omar al-Bashir", "Omar El Bashir")
_NAME_PARTICLES = frozenset({"al", "el"})


def leader_key(name: str) -> str:
    """A person's name reduced for lookup: ASCII, lower case, no particles or punctuation."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.split(r"[\s\-.'’]+", ascii_name.casefold())
    return " ".join(w for w in words if w and w not in _NAME_PARTICLES)


def _leader_keys(row: dict[str, str], titles: frozenset[str]) -> tuple[list[str], str | None]:
    name = row["name"].strip()
    full = [leader_key(name)]
    first, _, rest = name.partition(" ")
    if first.casefold() in titles and rest:  # "King Hassan II" is also "Hassan II"
        full.append(leader_key(rest))
    short = (row.get("short") or "-").strip()
    if short == "=":
        return full, None
    return full, leader_key(name.split()[-1] if short == "-" else short)


@functools.cache
def _leaders() -> tuple[dict[str, tuple[Leader, ...]], dict[str, tuple[Leader, ...]]]:
    """(by full name, by short name) lookups built from data/leaders.tsv."""
    titles = frozenset(r.term for r in _roles() if r.kind in ("person", "honorific"))
    full: dict[str, list[Leader]] = {}
    short: dict[str, list[Leader]] = {}
    for row in _tsv_rows(_data_text("leaders.tsv")):
        country = row["country"].strip()
        leader = Leader(
            row["name"].strip(),
            None if country == "-" else country,
            row["sector"].strip(),
            row["role"].strip(),
        )
        keys, short_key = _leader_keys(row, titles)
        for key in keys:
            full.setdefault(key, []).append(leader)
        if short_key:
            short.setdefault(short_key, []).append(leader)
    return _frozen(full), _frozen(short)


def _frozen(table: dict[str, list[Leader]]) -> dict[str, tuple[Leader, ...]]:
    return {key: tuple(value) for key, value in table.items()}


def known_leader(name: str) -> Leader | None:
    """The leader a person's name stands for ("Bill Clinton", "Putin"), if unambiguous.

    The full name is looked up first, then the short form; a name shared by people of
    different countries or sectors gives None.
    """
    key = leader_key(name)
    full, short = _leaders()
    for table in (full, short):
        found = table.get(key, ())
        if found:
            codes = {(leader.country, leader.sector) for leader in found}
            return found[0] if len(codes) == 1 else None
    return None


def _known_entry(entry: Any, source: str) -> KnownActor:
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise InputError(source, "each actor needs a 'name'")
    kind = entry.get("kind", "organization")
    if kind not in _KINDS:
        raise InputError(source, f"actor {entry['name']!r} has unknown kind {kind!r}")
    aliases = entry.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise InputError(source, f"actor {entry['name']!r}: 'aliases' must be a list of names")
    return KnownActor(
        name=entry["name"],
        kind=cast(ActorKind, kind),
        sector=entry.get("sector"),
        country=entry.get("country"),
        aliases=tuple(aliases),
    )


def _known_actors(text: str, source: str) -> tuple[KnownActor, ...]:
    try:
        entries = yaml.safe_load(text) or []
    except yaml.YAMLError as exc:
        raise InputError(source, f"not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(entries, list):
        raise InputError(source, "an actors file is a YAML list of actors")
    return tuple(_known_entry(entry, source) for entry in entries)


@functools.cache
def _user_actors(path: str) -> tuple[KnownActor, ...]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(path, f"cannot read actors file ({exc.__class__.__name__})") from exc
    return _known_actors(text, path)


@functools.cache
def _shipped_actors() -> tuple[KnownActor, ...]:
    return _known_actors(_data_text("actors.yaml"), "storyline/data/actors.yaml")


def known_actors(user_actors: str | None = None) -> tuple[KnownActor, ...]:
    """Shipped known actors, then the user's; a user entry replaces a shipped one by name.

    The user's file is read once per process and path.
    """
    shipped = _shipped_actors()
    user = _user_actors(user_actors) if user_actors else ()
    replaced = {actor.name.casefold() for actor in user}
    return tuple(a for a in shipped if a.name.casefold() not in replaced) + user


def _patterns(nlp: Language, user_actors: str | None) -> Iterator[tuple[str, str]]:
    """(label, phrase) for every dictionary phrase; labels are ``category|value``."""
    for role in (r for r in _roles() if r.kind != "particle"):
        # "Gen." and "gen." tokenize differently: match the written title-case form too
        for form in dict.fromkeys((role.term, role.term.capitalize(), role.term.title())):
            yield f"{role.kind}|{role.term}", form
    for country in countries():
        for category, names in (
            ("country", country.names),
            ("demonym", country.demonyms),
            ("capital", country.capitals),
            ("seat", country.seats),
        ):
            for name in names:
                yield f"{category}|{country.iso3}", name
    for index, actor in enumerate(known_actors(user_actors)):
        for name in (actor.name, *actor.aliases):
            yield f"known|{index}", name


@functools.cache
def _lexicon(nlp: Language, user_actors: str | None) -> Lexicon:
    by_lower = PhraseMatcher(nlp.vocab, attr="LOWER")
    by_orth = PhraseMatcher(nlp.vocab, attr="ORTH")
    proper: set[str] = set()
    for label, phrase in _patterns(nlp, user_actors):
        is_acronym = not any(ch.islower() for ch in phrase)
        (by_orth if is_acronym else by_lower).add(label, [nlp.make_doc(phrase)])
        if label.split("|")[0] not in {r.kind for r in _roles()}:
            proper.add(phrase)
    particles = frozenset(r.term for r in _roles() if r.kind == "particle")
    roles = {r.term: r for r in _roles() if r.kind not in ("orgword", "particle")}
    orgwords = {r.term: r for r in _roles() if r.kind == "orgword"}
    known = known_actors(user_actors)
    return Lexicon(roles, orgwords, known, by_lower, by_orth, frozenset(proper), particles)


# --------------------------------------------------------------------------- matches


@dataclass(frozen=True)
class Match:
    """A dictionary phrase found in the text: tokens [start, end)."""

    start: int
    end: int
    category: str
    value: str


def _properly_cased(span: Span, lex: Lexicon) -> bool:
    """A proper name matches only when written with capitals ("China", not "china")."""
    if span.text in lex.proper_forms:
        return True
    return all(
        t.lower_ in _FUNCTION_WORDS or not t.text[:1].isalpha() or t.text[:1].isupper()
        for t in span
    )


def _after_non(doc: Doc, start: int) -> bool:
    """True for "non-Western", "anti-Syria": a prefix negates the name; and for "ethnic
    Albanians", an ethnicity rather than a country."""
    if start >= 1 and doc[start - 1].lower_ in ("ethnic", "ethnically"):
        return True
    return start >= 2 and doc[start - 1].text == "-" and doc[start - 2].is_lower


def _raw_matches(doc: Doc, lex: Lexicon) -> list[Match]:
    found: list[Match] = []
    role_kinds = {"person", "honorific", "organization", "state", "group", "orgword"}
    for matcher in (lex.by_lower, lex.by_orth):
        for match_id, start, end in matcher(doc):
            category, value = doc.vocab.strings[match_id].split("|", 1)
            span = doc[start:end]
            if category not in role_kinds and not _properly_cased(span, lex):
                continue
            if category not in role_kinds and _after_non(doc, start):
                continue
            found.append(Match(start, end, category, value))
    return found + _misspelt_countries(doc, found)


# entity labels under which a capitalised word is not a misspelt country ("Columbia Pictures")
_NOT_MISSPELT = frozenset({"PERSON", "ORG", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})
# words shorter than this need a place tag or a proper-noun tag to be read as a misspelt
# country ("Tsonga", a people, is one edit from Tonga; "Angela" is tagged a person)
_FUZZY_UNTAGGED = 8


def _misspelt_countries(doc: Doc, found: list[Match]) -> list[Match]:
    """Country names and demonyms misspelt in the copy ("Ethopia", "Afganistan"): a proper
    word no phrase matched, no place the gazetteer knows, close to exactly one of them."""
    covered = {i for m in found for i in range(m.start, m.end)}
    extra = []
    for token in doc:
        if token.i in covered or token.pos_ not in ("PROPN", "ADJ", "NOUN"):
            continue
        if token.ent_type_ in _NOT_MISSPELT or _after_non(doc, token.i):
            continue
        placed = token.ent_type_ in ("GPE", "NORP", "LOC") or token.pos_ == "PROPN"
        if len(token) < _FUZZY_UNTAGGED and not placed:
            continue  # a short word must at least be tagged a proper name or a place
        close = fuzzy_country(token.text)
        if close is not None and resolve_place(token.text) is None:
            extra.append(Match(token.i, token.i + 1, close[0], close[1]))
    return extra


def _longest_first(matches: list[Match]) -> list[Match]:
    """Non-overlapping matches, longer ones winning, then earlier ones."""
    taken: set[int] = set()
    kept: list[Match] = []
    # on a tie a role ("forces" of "Serb forces") wins over a word of an organisation's name
    for m in sorted(matches, key=lambda m: (m.start - m.end, m.start, m.category == "orgword")):
        tokens = set(range(m.start, m.end))
        if not tokens & taken:
            kept.append(m)
            taken |= tokens
    return sorted(kept, key=lambda m: m.start)


# --------------------------------------------------------------------------- drafts


@dataclass
class Draft:
    """An actor under construction within one document."""

    key: str
    name: str
    kind: ActorKind
    sectors: Counter[str] = field(default_factory=Counter)
    countries: Counter[str] = field(default_factory=Counter)
    mentions: list[tuple[int, int]] = field(default_factory=list)  # token spans


def slug(text: str) -> str:
    """A stable id fragment: ASCII letters and digits joined by hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


@dataclass
class Evidence:
    """Roles and countries found around a name or a role noun."""

    sectors: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    start: int = 0


@dataclass(frozen=True)
class _Name:
    """A person's name in the text with the titles and appositives around it."""

    start: int
    words: tuple[str, ...]
    text: str
    evidence: Evidence
    spans: list[tuple[int, int]]


def _words(span: Span) -> tuple[str, ...]:
    """The words of a name without punctuation: "al-Burhan" -> ("al", "Burhan")."""
    return tuple(t.text for t in span if not t.is_punct and t.text not in _POSSESSIVE)


class _Resolver:
    """Resolves the actors of one document. Each step claims the tokens it uses."""

    def __init__(self, doc: Doc, lex: Lexicon) -> None:
        self.doc = doc
        self.lex = lex
        self.matches = _longest_first(_raw_matches(doc, lex))
        self.match_at = {m.start: m for m in self.matches}
        self.match_ending = {m.end: m for m in self.matches}
        self.matched = {i for m in self.matches for i in range(m.start, m.end)}
        self.drafts: dict[str, Draft] = {}
        self.claimed: set[int] = set()
        self.owner: dict[int, str] = {}  # token index -> draft key
        self.acronym: dict[str, str] = {}  # acronym -> draft key
        self.pending: list[tuple[str, int, int]] = []  # appositives read once all are known

    # ----------------------------------------------------------------- drafts and claims

    def add(self, key: str, name: str, kind: ActorKind, start: int, end: int) -> Draft:
        draft = self.drafts.get(key)
        if draft is None:
            draft = self.drafts[key] = Draft(key, name, kind)
        draft.mentions.append((start, end))
        self.claimed.update(range(start, end))
        self.owner.update(dict.fromkeys(range(start, end), key))
        return draft

    def free(self, start: int, end: int) -> bool:
        return not any(i in self.claimed for i in range(start, end))

    # ----------------------------------------------------------------- evidence

    def country_at_end(self, end: int) -> tuple[str | None, int]:
        """A country name, demonym or "X's" ending at token ``end``: (ISO3, its start)."""
        if end > 0 and self.doc[end - 1].text in _POSSESSIVE:
            end -= 1
        match = self.match_ending.get(end)
        if match is not None and match.category in _COUNTRY_MODIFIERS:
            return match.value, match.start
        return None, end

    def left_chain(self, start: int, evidence: Evidence) -> int:
        """Walk left over titles, role nouns, countries and a determiner; return new start."""
        floor = max(0, start - _MAX_CHAIN)
        i = start
        while i > floor:
            match = self.match_ending.get(i)
            if self.doc[i].is_sent_start and (match is None or match.category not in _TITLES):
                break  # the sentence splitter cuts after "Capt." but not after other words
            if match is not None and match.category in _CHAIN_ROLES:
                self._note_role(match, evidence)
                i = match.start
                continue
            iso3, begin = self.country_at_end(i)
            if iso3 is not None:
                evidence.countries.append(iso3)
                i = begin
                continue
            if self.doc[i - 1].lower_ in _DETERMINERS:
                i -= 1
            break
        evidence.start = i
        return i

    def _note_role(self, match: Match, evidence: Evidence) -> None:
        role = self.lex.orgwords if match.category == "orgword" else self.lex.roles
        found = role.get(match.value)
        if found is not None and found.sector is not None:
            evidence.sectors.append(found.sector)

    def of_phrase(self, end: int, evidence: Evidence, preps: tuple[str, ...] = ("of",)) -> int:
        """ "of [the] [Country's] <organisation|country>" after a role: sector and country."""
        doc = self.doc
        if end >= len(doc) or doc[end].lower_ not in preps:
            return end
        i = end + 1
        while i < len(doc) and doc[i].lower_ in _DETERMINERS:
            i += 1
        stop = min(len(doc), i + _MAX_APPOSITIVE)
        while i < stop:
            match = self.match_at.get(i)
            if match is None:
                return end
            if match.category in ("country", "demonym"):
                evidence.countries.append(match.value)
                if match.category == "country" and not self._possessive_at(match.end):
                    evidence.sectors.append("GOV")
                    return match.end
            elif match.category in ("organization", "state"):
                role = self.lex.roles[match.value]
                if role.sector:
                    evidence.sectors.append(role.sector)
                return match.end
            i = match.end + (1 if self._possessive_at(match.end) else 0)
        return end

    def _possessive_at(self, i: int) -> bool:
        return i < len(self.doc) and self.doc[i].text in _POSSESSIVE

    def right_appositive(self, end: int, evidence: Evidence) -> tuple[int, int] | None:
        """ ", the head of Y," after a name: its token span when it holds a role."""
        doc = self.doc
        if end >= len(doc) or doc[end].text != ",":
            return None
        found = Evidence()
        stop = self._scan_appositive(end + 1, found)
        if stop is None or not found.sectors:
            return None
        evidence.sectors += found.sectors
        evidence.countries += found.countries
        return end + 1, stop

    def _scan_appositive(self, start: int, found: Evidence) -> int | None:
        """Read roles and countries up to the next break; None when it is a clause."""
        doc = self.doc
        stop = min(len(doc), start + _MAX_APPOSITIVE, doc[start - 1].sent.end)
        i = start
        while i < stop and doc[i].text not in _BREAKS:
            if doc[i].tag_ in _FINITE or doc[i].lower_ in ("who", "which", "that"):
                return None
            match = self.match_at.get(i)
            if match is None:
                i += 1
            elif match.category in _COUNTRY_MODIFIERS:
                found.countries.append(match.value)
                i = match.end
            elif match.category in ("person", "organization") and not found.sectors:
                self._note_role(match, found)  # the head: "the main opposition to the junta"
                i = self.of_phrase(match.end, found)
            else:
                i = match.end
        return i

    # ----------------------------------------------------------------- people

    def clean_name(self, start: int, end: int) -> tuple[int, int]:
        """Trim titles, possessives and headline verbs off a PERSON entity; add lost tokens."""
        doc = self.doc
        while end < len(doc) and self._name_token(doc[end]):
            end += 1
        while start > 0 and self._name_token(doc[start - 1]) and not doc[start - 1].ent_type_:
            start -= 1
        cut = [t.i for t in doc[start:end] if t.text in ("(", "[")]
        end = cut[0] if cut else end
        while start < end and self._title_at(start) is not None:
            start = cast(Match, self._title_at(start)).end
        while end > start and (doc[end - 1].text in _POSSESSIVE or doc[end - 1].tag_ == "NNPS"):
            end -= 1
        return start, end

    def _name_token(self, token: Token) -> bool:
        return (
            token.pos_ == "PROPN"
            and token.text[:1].isupper()
            and token.ent_type_ in ("", "PERSON")
            and token.i not in self.claimed
            and token.i not in self.matched
        )

    def _title_at(self, i: int) -> Match | None:
        match = self.match_at.get(i)
        if match is not None and match.category in _TITLES:
            return match
        return None

    def _is_name(self, start: int, end: int, known: bool = False) -> bool:
        """Capitalised words, not a dictionary phrase, not a place (unless a known name)."""
        span = self.doc[start:end]
        if start >= end or not all(
            t.text[:1].isupper() or t.lower_ in self.lex.particles for t in span if t.is_alpha
        ):
            return False
        whole = self.match_at.get(start)
        if whole is not None and whole.end == end and whole.category not in ("honorific",):
            return False
        return known or resolve_place(span.text) is None

    def people(self) -> None:
        found: list[_Name] = []
        for ent in self.doc.ents:
            # "U Ye Tun" read as ORG: a name after an honorific or title is a person's, and
            # so is one described by a person's role ("Quispe, Bolivia's labour activist")
            if ent.label_ == "PERSON" or self._title_at(ent.start) or self._described(ent):
                self._person_entity(ent, found, known=False)
        for run in self._proper_runs():
            if self._after_title(run):
                self._person_entity(run, found, known=False)
        names = [name.words for name in found]
        for span in [*self.doc.ents, *self._proper_runs()]:
            # "Burhan" read as ORG (or as nothing) where "Abdel Fattah al-Burhan" is a PERSON
            words = _words(span)
            if span.label_ != "PERSON" and any(_inside(words, n) or words == n for n in names):
                self._person_entity(span, found, known=True)
        self._group_people(sorted(found, key=lambda name: name.start))

    def _described(self, ent: Span) -> bool:
        """An ORG or untagged name followed by ", <a person's role>," is a person."""
        doc = self.doc
        if ent.label_ != "ORG" or ent.end >= len(doc) or doc[ent.end].text != ",":
            return False
        stop = min(len(doc), ent.end + 1 + _MAX_APPOSITIVE)
        for i in range(ent.end + 1, stop):
            match = self.match_at.get(i)
            if match is not None and match.category in ("person", "organization", "group"):
                return match.category == "person"
            if doc[i].text in _BREAKS:
                return False
        return False

    def _after_title(self, run: Span) -> bool:
        """ "U Ye Tun", "President Ana Ruiz": capitalised words after a title are a name.

        After a title of office the name must have two words ("the General Staff" is not a
        person); after an honorific one is enough ("Mr. Smith").
        """
        title = self.match_ending.get(run.start)
        if title is None or title.category not in ("honorific", "person"):
            return False
        return title.category == "honorific" or len(run) > 1

    def _proper_runs(self) -> Iterator[Span]:
        """Runs of capitalised proper nouns outside any entity."""
        start = None
        for token in [*self.doc, None]:
            inside = token is not None and not token.ent_type_ and self._name_token(token)
            if inside and start is None:
                start = cast(Token, token).i
            elif not inside and start is not None:
                yield self.doc[start : token.i if token is not None else len(self.doc)]
                start = None

    def _person_entity(self, ent: Span, found: list[_Name], known: bool) -> None:
        start, end = self.clean_name(ent.start, ent.end)
        if not self._is_name(start, end, known) or not self.free(start, end):
            return
        evidence = Evidence()
        spans = [(self.left_chain(start, evidence), end)]
        spans += self._appositives(evidence, end)
        span = self.doc[start:end]
        found.append(_Name(start, _words(span), span.text, evidence, spans))
        self.claimed.update(range(spans[0][0], end))

    def _appositives(self, evidence: Evidence, end: int) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        comma = evidence.start - 1
        if comma > 0 and self.doc[comma].text == ",":
            before = Evidence()
            begin = self.left_chain(comma, before)
            if before.sectors and begin < comma:
                evidence.sectors += before.sectors
                evidence.countries += before.countries
                spans.append((begin, comma))
        after = end + (1 if self._possessive_at(end) else 0)
        right = self.right_appositive(after, evidence)
        if right is not None:
            spans.append(right)
        return spans

    def _group_people(self, found: list[_Name]) -> None:
        names = [name.words for name in found]
        shown = {name.words: name.text for name in reversed(found)}
        maximal = [n for n in dict.fromkeys(names) if not any(_inside(n, m) for m in names)]
        for index, name in enumerate(found):
            full = _nearest_full(names[index], index, names, maximal)
            key = "person|" + " ".join(full)
            for start, end in name.spans:
                draft = self.add(key, shown[full], "person", start, end)
            draft.sectors.update(name.evidence.sectors)
            draft.countries.update(name.evidence.countries)

    def leaders(self) -> None:
        """A person the leaders list knows ("Bill Clinton", "Putin") takes its country and
        sector when the text around the name gives none."""
        for draft in self.drafts.values():
            if draft.kind != "person":
                continue
            leader = known_leader(draft.name) or known_leader(draft.key.split("|", 1)[1])
            if leader is None:
                continue
            if not draft.countries and leader.country:
                draft.countries.update([leader.country])
            if leader.country is None and not draft.countries:
                draft.sectors = Counter([leader.sector])
            elif not draft.sectors:
                draft.sectors.update([leader.sector])

    # ----------------------------------------------------------------- dictionary actors

    def known(self) -> None:
        for match in self.matches:
            if match.category != "known" or not self.free(match.start, match.end):
                continue
            actor = self.lex.known[int(match.value)]
            end = self._entity_end(match)
            if actor.kind == "state" and actor.country:
                draft = self.state(actor.country, match.start, end)
            else:
                draft = self.add("known|" + actor.name, actor.name, actor.kind, match.start, end)
            draft.sectors = Counter([actor.sector] if actor.sector else [])
            draft.countries = Counter([actor.country] if actor.country else [])

    def _entity_end(self, match: Match) -> int:
        """ "Rosatom Atomic Energy Corporation": a known name starting a longer ORG name."""
        token = self.doc[match.start]
        if token.ent_type_ == "ORG" and token.ent_iob_ == "B":
            end = match.start + 1
            while end < len(self.doc) and self.doc[end].ent_iob_ == "I":
                end += 1
            return max(end, match.end) if self.free(match.start, end) else match.end
        return match.end

    def state(self, iso3: str, start: int, end: int) -> Draft:
        country = country_by_iso3()[iso3]
        draft = self.add("state|" + iso3, country.name, "state", start, end)
        draft.sectors = Counter(["GOV"])
        draft.countries = Counter([iso3])
        return draft

    # ----------------------------------------------------------------- role nouns

    def role_nouns(self) -> None:
        for match in self.matches:
            if match.category not in ("organization", "state", "group"):
                continue
            if not self.free(match.start, match.end) or self._is_modifier(match.end - 1):
                continue
            evidence = Evidence()
            start = self.left_chain(match.start, evidence)
            # "rebels in the Ivory Coast" are of that country; "leadership in Ukraine" is not
            preps = ("of", "in") if match.category == "group" else ("of",)
            end = max(match.end, self.of_phrase(match.end, evidence, preps))
            iso3 = evidence.countries[0] if evidence.countries else None
            if iso3 is None and match.value in _LEADER_BODIES:
                iso3 = self._leader_before(start)
            self._role_noun(match, iso3, start, end)

    def _leader_before(self, start: int) -> str | None:
        """ "the Bush administration", "Putin's government": the country of that leader."""
        end = start - (1 if start > 0 and self._possessive_at(start - 1) else 0)
        begin = end
        while begin > 0 and self.doc[begin - 1].pos_ == "PROPN" and end - begin < _MAX_NAME:
            begin -= 1
        if begin == end:
            return None
        leader = known_leader(self.doc[begin:end].text)
        return leader.country if leader is not None else None

    def _is_modifier(self, i: int) -> bool:
        """ "junta soldiers", "military aid": the noun modifies another, it is not the head."""
        return self.doc[i].dep_ in ("compound", "amod", "nmod", "npadvmod")

    def _role_noun(self, match: Match, iso3: str | None, start: int, end: int) -> None:
        role = self.lex.roles[match.value]
        country = country_by_iso3().get(iso3) if iso3 else None
        if role.kind == "state" and iso3 is not None:
            self.state(iso3, start, end)
        elif role.kind == "group" and country is not None:
            name = f"{country.demonyms[0] if country.demonyms else country.name} {role.term}"
            draft = self.add(f"group|{role.term}|{iso3}", name, "group", start, end)
            draft.sectors.update([role.sector] if role.sector else [])
            draft.countries.update([country.iso3])
        elif role.kind == "organization" and (country or self.doc[start].lower_ == "the"):
            name = f"{country.name} {role.canonical}" if country else role.canonical
            key = f"org|{role.canonical}|{iso3 or ''}"
            draft = self.add(key, name, "organization", start, end)
            draft.sectors.update([role.sector] if role.sector else [])
            draft.countries.update([iso3] if iso3 else [])

    # ----------------------------------------------------------------- states

    def states(self) -> None:
        for match in self.matches:
            if match.category not in ("country", "capital", "seat"):
                continue
            if not self.free(match.start, match.end):
                continue
            root = self._governor(self.doc[match.start : match.end].root)
            if self._locative(root):
                continue
            acting = root.dep_ in _ACTING or (root.dep_ == "pobj" and root.head.lower_ == "by")
            if match.category == "capital" and not acting:
                continue
            if match.category == "country" and self._is_modifier(root.i) and not acting:
                continue
            start = match.start - (1 if self._determiner_before(match.start) else 0)
            self.state(match.value, start, match.end)

    def _determiner_before(self, i: int) -> bool:
        return i > 0 and self.doc[i - 1].lower_ == "the" and self.free(i - 1, i)

    @staticmethod
    def _governor(token: Token) -> Token:
        """Climb conjunctions: in "Russia and Myanmar said", Myanmar acts like Russia."""
        while token.dep_ == "conj" and token.head.i != token.i:
            token = token.head
        return token

    @staticmethod
    def _locative(token: Token) -> bool:
        """The object of a place preposition: "in Moscow", "flew to Russia" (not "aid to")."""
        if token.dep_ != "pobj" or token.head.lower_ not in _LOCATIVE:
            return False
        if token.head.lower_ in ("to", "from"):
            return token.head.head.lemma_.lower() in _MOTION
        return True

    # ----------------------------------------------------------------- organisations

    def organisations(self) -> None:
        for ent in self.doc.ents:
            if ent.label_ != "ORG":
                continue
            start = ent.start + (1 if ent[0].lower_ == "the" else 0)
            end = ent.end - (1 if ent[-1].text in _POSSESSIVE else 0)
            span = self.doc[start:end]
            if start >= end or not self.free(start, end) or not span.text[:1].isupper():
                continue
            if resolve_place(span.text) is not None and not self._orgwords(span):
                continue
            evidence = Evidence()
            chain = self.left_chain(start, evidence)
            apposition = self.right_appositive(self._after_acronym(end), Evidence())
            draft = self.add("name|" + span.text, span.text, "organization", start, end)
            self._org_evidence(draft, span, evidence, apposition)
            if chain < start:
                self.claimed.update(range(chain, start))

    def _after_acronym(self, end: int) -> int:
        """Skip " (NUG)" after a name, where the appositive comes next."""
        doc = self.doc
        if end + 2 < len(doc) and doc[end].text == "(" and doc[end + 2].text == ")":
            return end + 3 if _is_acronym(doc[end + 1].text) else end
        return end

    def _orgwords(self, span: Span) -> list[str]:
        words = (self.lex.orgwords.get(t.lower_) for t in span)
        return [w.sector for w in words if w is not None and w.sector]

    def _org_evidence(
        self, draft: Draft, span: Span, evidence: Evidence, apposition: tuple[int, int] | None
    ) -> None:
        inside = {m.value for m in self.matches if span.start <= m.start < span.end}
        in_name = sorted(inside & set(country_by_iso3()))
        if len(in_name) == 1:
            draft.countries.update(in_name)
        draft.countries.update(evidence.countries)
        if apposition is not None:
            self.pending.append((draft.key, *apposition))
        named = self._orgwords(span)
        sectors = self._first_role(*apposition) if apposition else []
        draft.sectors.update((sectors or named[-1:] or evidence.sectors[:1])[:1])

    def _first_role(self, start: int, end: int) -> list[str]:
        for i in range(start, end):
            match = self.match_at.get(i)
            if match is not None and match.value in self.lex.roles:
                sector = self.lex.roles[match.value].sector
                return [sector] if sector else []
        return []

    # ----------------------------------------------------------------- acronyms

    def acronyms_defined(self) -> None:
        """ "The National Unity Government (NUG)": the acronym becomes an alias."""
        words = [token.text for token in self.doc]  # one Token object per word, not three
        for i in range(1, len(words) - 2):
            acronym = words[i + 1]
            if words[i] != "(" or words[i + 2] != ")" or not _is_acronym(acronym):
                continue
            owner = self.owner.get(i - 1)
            if owner is not None and _initial_matches(acronym, self._text_ending(owner, i)):
                self.acronym[acronym] = owner
        for acronym, key in self.acronym.items():
            self._absorb(f"name|{acronym}", key)
        self._acronym_uses()

    def _acronym_uses(self) -> None:
        if not self.acronym:
            return
        for token in self.doc:
            owner = self.acronym.get(token.text)
            if owner is not None and token.i not in self.claimed:
                draft = self.drafts[owner]
                self.add(owner, draft.name, draft.kind, token.i, token.i + 1)

    def _text_ending(self, key: str, end: int) -> str:
        """The text of the mention of ``key`` that ends at token ``end``."""
        starts = [s for s, e in self.drafts[key].mentions if e == end]
        return self.doc[starts[0] : end].text if starts else self.drafts[key].name

    def _absorb(self, source: str, target: str) -> None:
        """Move the mentions of one draft into another (an acronym read as its own ORG)."""
        moved = self.drafts.pop(source, None)
        if moved is None or source == target:
            return
        self.drafts[target].mentions += moved.mentions
        self.drafts[target].sectors.update(moved.sectors)
        self.drafts[target].countries.update(moved.countries)
        self.owner.update({i: target for i, key in self.owner.items() if key == source})

    # ----------------------------------------------------------------- role references

    def role_references(self) -> None:
        """ "the junta boss": the most recent person with a compatible role and country."""
        for match in self.matches:
            if match.category != "person" or not self.free(match.start, match.end):
                continue
            if self._is_modifier(match.end - 1) or self._followed_by_name(match.end):
                continue
            evidence = Evidence()
            start = self.left_chain(match.start, evidence)
            if self.doc[start].lower_ != "the" and not evidence.countries:
                continue
            end = max(match.end, self.of_phrase(match.end, evidence))
            role = self.lex.roles[match.value]
            sector = role.sector or (evidence.sectors[-1] if evidence.sectors else None)
            definite = self.doc[start].lower_ == "the"
            target = self._person_for(sector, evidence.countries, match.start) if definite else None
            if target is not None:
                draft = self.add(target.key, target.name, "person", start, end)
            elif evidence.countries:
                draft = self._unnamed(role, evidence.countries[0], start, end)
            else:
                log.debug("no person for role noun %r", self.doc[start:end].text)
                continue
            draft.sectors.update([sector] if sector else [])
            draft.countries.update(evidence.countries)

    def _unnamed(self, role: Role, iso3: str, start: int, end: int) -> Draft:
        """ "a Jordanian official", "the Russian president" with no name in the text."""
        country = country_by_iso3().get(iso3)
        known = country.demonyms[0] if country and country.demonyms else country_name(iso3)
        name = f"{known} {role.term}"
        return self.add(f"role|{role.term}|{iso3}", name, "person", start, end)

    def peoples(self) -> None:
        """ "Palestinians", "Young Algerians": a plural demonym is the people of a country."""
        for match in self.matches:
            token = self.doc[match.end - 1]
            if match.category != "demonym" or not self.free(match.start, match.end):
                continue
            if token.tag_ not in ("NNS", "NNPS") or self._is_modifier(token.i):
                continue
            if self._locative(self._governor(token)):
                continue
            start = match.start - (1 if self._determiner_before(match.start) else 0)
            self.add(f"people|{match.value}", token.text, "group", start, match.end)
            self.drafts[f"people|{match.value}"].countries.update([match.value])

    def _followed_by_name(self, i: int) -> bool:
        return i < len(self.doc) and self.doc[i].pos_ == "PROPN" and self.doc[i].is_title

    def _person_for(self, sector: str | None, countries: list[str], at: int) -> Draft | None:
        candidates = [
            d
            for d in self.drafts.values()
            if d.kind == "person"
            and sector in d.sectors
            and (not countries or not d.countries or countries[0] in d.countries)
        ]
        before = [
            (max(s for s, _ in d.mentions if s < at), d)
            for d in candidates
            if any(s < at for s, _ in d.mentions)
        ]
        if before:
            return max(before, key=lambda pair: pair[0])[1]
        after = [(min(s for s, _ in d.mentions), d) for d in candidates]
        return min(after, key=lambda pair: pair[0])[1] if after else None

    # ----------------------------------------------------------------- settle

    def run(self) -> None:
        self.people()
        self.leaders()
        self.known()
        self.role_nouns()
        self.states()
        self.organisations()
        self.acronyms_defined()
        self.role_references()
        self.peoples()
        self._fill_role_countries()
        self._appositive_countries()

    def _fill_role_countries(self) -> None:
        """ "the junta" with no country is the document's only junta that has one."""
        for key in [k for k in self.drafts if k.startswith("org|") and k.endswith("|")]:
            prefix = key[: -len("|")] + "|"
            others = [k for k in self.drafts if k.startswith(prefix) and k != key]
            if len(others) == 1:
                self._absorb(key, others[0])

    def _appositive_countries(self) -> None:
        """ "NUG, the main opposition to the junta,": the country of the junta."""
        for key, start, end in self.pending:
            draft = self.drafts.get(key)
            if draft is None or draft.countries:
                continue
            for i in range(start, end):
                owner = self.drafts.get(self.owner.get(i, ""))
                if owner is not None and owner is not draft and owner.countries:
                    draft.countries.update([owner.countries.most_common(1)[0][0]])
                    break

    def result(self) -> tuple[tuple[Actor, ...], tuple[Mention, ...]]:
        by_id: dict[str, list[Draft]] = {}
        for draft in self.drafts.values():
            by_id.setdefault(_draft_id(draft), []).append(draft)
        sentence_starts = [s.start for s in self.doc.sents]
        actors: list[Actor] = []
        mentions: list[Mention] = []
        for actor_id, drafts in by_id.items():
            spans = sorted({span for d in drafts for span in d.mentions})
            found = [self._mention(actor_id, s, e, sentence_starts) for s, e in spans]
            mentions += found
            actors.append(_actor_of(actor_id, drafts, found))
        actors.sort(key=lambda a: min(m.start for m in mentions if m.actor_id == a.id))
        mentions.sort(key=lambda m: (m.start, m.end))
        return tuple(actors), tuple(mentions)

    def _mention(self, actor_id: str, start: int, end: int, starts: list[int]) -> Mention:
        span = self.doc[start:end]
        return Mention(
            start=span.start_char,
            end=span.end_char,
            text=span.text,
            actor_id=actor_id,
            sentence=bisect.bisect_right(starts, start) - 1,
        )


def _draft_id(draft: Draft) -> str:
    """The slug of the name; an organisation name the text alone gives ("Congress") also
    carries its country, so that Peru's Congress and the US Congress stay apart."""
    base = slug(draft.name) or slug(draft.key)
    if draft.key.startswith("name|") and draft.countries:
        return f"{base}-{draft.countries.most_common(1)[0][0].lower()}"
    return base


def _actor_of(actor_id: str, drafts: list[Draft], mentions: list[Mention]) -> Actor:
    sectors: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    for draft in drafts:
        sectors.update(draft.sectors)
        countries.update(draft.countries)
    main = max(drafts, key=lambda d: len(d.mentions))
    aliases = dict.fromkeys(_alias(m.text) for m in mentions)
    return Actor(
        id=actor_id,
        name=main.name,
        kind=main.kind,
        country=countries.most_common(1)[0][0] if countries else None,
        sector=sectors.most_common(1)[0][0] if sectors else None,
        aliases=tuple(a for a in aliases if a),
        mentions=len(mentions),
    )


def _alias(text: str) -> str:
    for ending in _POSSESSIVE:
        if text.endswith(ending) and len(text) > len(ending):
            return text[: -len(ending)].rstrip()
    return text.strip()


def _is_acronym(text: str) -> bool:
    # acronyms in news copy run from two letters (UN) to about eight (ECOWAS, UNHCR ...)
    return 2 <= len(text) <= 8 and text.isalpha() and text.isupper()


def _initial_matches(acronym: str, name: str) -> bool:
    """ "NUG" for "National Unity Government": the letters are the capitals' initials."""
    words = [w for w in name.split() if w.casefold() not in _FUNCTION_WORDS]
    initials = "".join(w[0] for w in words if w[:1].isupper())
    return acronym[0] == initials[:1] and all(ch in initials for ch in acronym)


def _inside(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when ``short`` is a contiguous part of the longer name ``long``."""
    if len(short) >= len(long):
        return False
    return any(long[i : i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _nearest_full(
    name: tuple[str, ...], index: int, names: list[tuple[str, ...]], maximal: list[tuple[str, ...]]
) -> tuple[str, ...]:
    """The full name a short one stands for: the nearest earlier one, else the next one."""
    candidates = [m for m in maximal if _inside(name, m)]
    if not candidates:
        return name
    earlier = [i for i in range(index) if names[i] in candidates]
    if earlier:
        return names[earlier[-1]]
    later = [i for i in range(index + 1, len(names)) if names[i] in candidates]
    return names[later[0]] if later else candidates[0]


# --------------------------------------------------------------------------- public API


def resolve_actors(doc: Doc, settings: Settings) -> tuple[tuple[Actor, ...], tuple[Mention, ...]]:
    """The canonical actors of one analysed document and every mention of them.

    Mentions carry character offsets into ``doc.text`` and the sentence index. Raises
    ``InputError`` when ``settings.user_actors`` names a file that cannot be used.
    """
    resolver = _Resolver(doc, _lexicon(load_model(settings), settings.user_actors))
    resolver.run()
    return resolver.result()


def merge_actors(per_document: Sequence[Sequence[Actor]]) -> tuple[list[Actor], dict[str, str]]:
    """Merge the actors of many documents: one actor per entity across the corpus.

    Actors with the same id merge; a person known only by part of a name ("Putin") merges
    into the full name that contains it ("Vladimir Putin") when the countries agree and that
    name is the most mentioned such candidate; an organisation noun with no country
    ("military") merges into the only one of that name with a country ("Myanmar military").
    Returns the merged actors and a map from every input id to its merged id.
    """
    groups: dict[str, list[Actor]] = {}
    for actors in per_document:
        for actor in actors:
            groups.setdefault(actor.id, []).append(actor)
    merged = {actor_id: _combine(actor_id, group) for actor_id, group in groups.items()}
    mapping = {actor_id: actor_id for actor_id in merged}
    for actor_id in sorted(merged, key=lambda i: len(merged[i].name)):
        target = _merge_target(merged[actor_id], merged, mapping)
        if target is not None:
            mapping[actor_id] = target
            merged[target] = _combine(target, [merged[target], merged.pop(actor_id)])
    for actor_id in mapping:
        while mapping[actor_id] != mapping[mapping[actor_id]]:
            mapping[actor_id] = mapping[mapping[actor_id]]
    return sorted(merged.values(), key=lambda a: (-a.mentions, a.id)), mapping


def _combine(actor_id: str, group: Sequence[Actor]) -> Actor:
    """One actor from several records: the most mentioned name and kind, voted codes."""
    countries: Counter[str] = Counter()
    sectors: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for actor in group:
        countries.update({actor.country: actor.mentions} if actor.country else {})
        sectors.update({actor.sector: actor.mentions} if actor.sector else {})
        kinds.update({actor.kind: actor.mentions})
    main = max(group, key=lambda a: (a.id == actor_id, len(a.name.split()), a.mentions))
    # on a tie the tagger's PERSON reading wins over ORG: names are more often misread as ORG
    kind = max(kinds, key=lambda k: (kinds[k], k == "person"))
    return Actor(
        id=actor_id,
        name=main.name,
        kind=cast(ActorKind, kind),
        country=countries.most_common(1)[0][0] if countries else None,
        sector=sectors.most_common(1)[0][0] if sectors else None,
        aliases=tuple(dict.fromkeys(alias for actor in group for alias in actor.aliases)),
        mentions=sum(actor.mentions for actor in group),
    )


def _compatible(a: Actor, b: Actor) -> bool:
    return a.country is None or b.country is None or a.country == b.country


def _merge_target(actor: Actor, merged: dict[str, Actor], mapping: dict[str, str]) -> str | None:
    if actor.kind == "person":
        words = tuple(actor.name.split())
        candidates = [
            other
            for other in merged.values()
            if other.kind == "person"
            and _inside(words, tuple(other.name.split()))
            and _compatible(actor, other)
        ]
    elif actor.country is None:
        candidates = [
            other
            for other in merged.values()
            if other.kind == actor.kind
            and other.country is not None
            and _same_or_qualified(actor.name, other.name)
        ]
    else:
        return None
    return _most_mentioned(candidates)


def _same_or_qualified(name: str, other: str) -> bool:
    """ "military" and "Myanmar military"; "Congress" and "Congress"."""
    name, other = name.casefold(), other.casefold()
    return other == name or other.endswith(" " + name)


def _most_mentioned(candidates: list[Actor]) -> str | None:
    """The clear favourite among candidates; None when two are mentioned equally often."""
    ranked = sorted(candidates, key=lambda a: -a.mentions)
    if not ranked or (len(ranked) > 1 and ranked[0].mentions == ranked[1].mentions):
        return None
    return ranked[0].id
