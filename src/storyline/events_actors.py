"""Fill an event's actor slots: map a parse token to the canonical actor it names.

The actors stage gives mentions (character spans with an actor id). A slot token is mapped
to the mention overlapping it, else to a mention inside its noun phrase; when the
dictionaries know no actor there, a fallback reads the noun phrase itself: a country name,
demonym, capital or seat of government inside it gives the country ("Burmese troops" ->
MMR), a title or group noun gives the sector (read-only use of ``data/roles.tsv``).
Pronouns take the most recent actor mentioned before them; "the two sides" the last two.
"""

from __future__ import annotations

import bisect
import csv
import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, replace
from importlib import resources

from spacy.tokens import Doc, Span, Token

from .events_lexicon import ontology
from .model import Actor, ActorRef, Mention
from .places import countries, country_name, resolve_place

# the longest country name, demonym or seat, in tokens ("United States of America")
_MAX_PHRASE = 4
_PRONOUNS = frozenset({"it", "they", "he", "she", "we", "its", "their", "his", "her", "them"})
_PERSON_PRONOUNS = frozenset({"he", "she", "his", "her", "him"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_ARTICLES = frozenset({"the", "a", "an"})
_OWNER_PREPS = frozenset({"of", "from"})
# entity types that never name an actor ("on Sunday", "two of them")
_NOT_ACTORS = frozenset({"DATE", "TIME"})
# last resort for a group with no country of its own: where it is ("rebels in Ivory Coast")
_WHERE_PREPS = frozenset({"in", "throughout", "across"})
# words that make the demonym after them an ethnicity, not a country ("ethnic Albanians")
_ETHNIC = frozenset({"ethnic", "ethnically"})
# nouns a country word before them only locates ("the Thai border", "Libyan waters")
# how many distinct actors back "the two sides" may look for a second country: the actors of
# a meeting's sentence (a leader, two or three officials of the other side)
_SIDES_LOOK_BACK = 5
# nouns for states and for groups of them, when a region names them ("Western nations")
_STATE_NOUNS = frozenset({"nation", "country", "state", "government", "power", "ally", "donor"})
_GROUP_NOUNS = frozenset({"community", "bloc", "coalition", "alliance", "partner"})
_EDGES = frozenset({"border", "frontier", "coast", "waters", "borderland", "side"})


def _phrase_key(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(word.casefold() for word in words)


@functools.cache
def country_words() -> dict[tuple[str, ...], str]:
    """Country names, demonyms, capitals and seats (as lower-case token tuples) -> ISO3."""
    table: dict[tuple[str, ...], str] = {}
    for country in countries():
        for value in (*country.names, *country.demonyms, *country.capitals, *country.seats):
            words = value.replace("'s", " 's").split()
            if words and words[0].casefold() in _ARTICLES:
                words = words[1:]
            table.setdefault(_phrase_key(words), country.iso3)
    return table


@functools.cache
def _phrase_starts() -> frozenset[str]:
    """The first words of the country phrases of more than one word."""
    return frozenset(key[0] for key in country_words() if len(key) > 1)


@functools.cache
def sector_words() -> dict[str, str]:
    """Title, role and group nouns with the sector they imply (from ``data/roles.tsv``)."""
    text = resources.files("storyline.data").joinpath("roles.tsv").read_text("utf-8")
    rows = csv.DictReader(
        (line for line in text.splitlines() if line and not line.startswith("#")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    return {
        row["term"]: row["sector"]
        for row in rows
        if row["sector"] not in ("-", "") and row["kind"] != "honorific"
    }


def country_in(tokens: Sequence[Token]) -> str | None:
    """The first country word or place entity in a token sequence, as ISO3."""
    table = country_words()
    texts = [token.text for token in tokens]
    for i in range(len(tokens)):
        if not_a_country(tokens[i]):
            continue
        for size in range(min(_MAX_PHRASE, len(tokens) - i), 0, -1):
            found = table.get(_phrase_key(texts[i : i + size]))
            if found is not None:
                return found
    for token in tokens:
        if token.ent_type_ in _PLACE_LABELS and token.ent_iob_ == "B":
            place = resolve_place(_entity(token).text)
            if place is not None and place.country is not None:
                return place.country
    return None


def not_a_country(token: Token) -> bool:
    """ "ethnic Albanians" name an ethnicity, "anti-Syria" and "non-Western" negate the name:
    neither gives the country."""
    doc = token.doc
    before = doc[token.i - 1] if token.i > 0 else None
    if before is not None and before.lower_ in _ETHNIC:
        return True
    if token.dep_ in ("amod", "compound") and token.head.lemma_.lower() in _EDGES:
        return True  # "on the Thai border" places the event; Thailand is no party
    return before is not None and before.text == "-" and token.i > 1 and doc[token.i - 2].is_lower


def _entity(token: Token) -> Span:
    """The named entity holding a token (read from its IOB tags: ``doc.ents`` builds every
    entity of the document on each access), else the token alone."""
    doc = token.doc
    if not token.ent_type_:
        return doc[token.i : token.i + 1]
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end]


def sector_in(tokens: Sequence[Token]) -> str | None:
    """The sector a head noun or title in the phrase implies, the head first."""
    table = sector_words()
    for token in reversed(tokens):
        for key in (token.lower_, token.lemma_.lower()):
            if key in table:
                return table[key]
    return None


@dataclass(frozen=True)
class Parties:
    """The actors of one document, indexed for slot filling."""

    doc: Doc
    actors: dict[str, Actor]
    mentions: tuple[Mention, ...]
    starts: tuple[int, ...]

    @classmethod
    def build(cls, doc: Doc, actors: Sequence[Actor], mentions: Sequence[Mention]) -> Parties:
        ordered = tuple(sorted(mentions, key=lambda m: (m.start, m.end)))
        return cls(doc, {a.id: a for a in actors}, ordered, tuple(m.start for m in ordered))

    def _ref(self, mention: Mention) -> ActorRef:
        actor = self.actors.get(mention.actor_id)
        if actor is None:
            return ActorRef(name=mention.text, actor_id=mention.actor_id)
        return ActorRef(actor.name, actor.country, actor.sector, actor.id)

    def _mention_in(self, start: int, end: int) -> Mention | None:
        """The longest mention overlapping the character range [start, end)."""
        right = bisect.bisect_left(self.starts, end)
        found = [m for m in self.mentions[:right] if m.end > start]
        return max(found, key=lambda m: m.end - m.start) if found else None

    @staticmethod
    def _with_country(ref: ActorRef, tokens: Sequence[Token]) -> ActorRef:
        """An actor the dictionaries know without a country takes the one its phrase names
        ("Lebanon's new President Elias Hrawi")."""
        if ref.country is not None or ref.sector in ("IGO", "NGO"):
            return ref
        country = country_in(tokens)
        return replace(ref, country=country) if country is not None else ref

    def mentioned(self, span: Span) -> bool:
        """True when an actor mention overlaps the span (the place acts: "Russia said")."""
        return self._mention_in(span.start_char, span.end_char) is not None

    def countries_in(self, span: Span) -> list[str]:
        """Every country a span names, in order: its actors' countries and country words
        (a country phrase counts when it lies inside the span)."""
        found: list[tuple[int, str]] = []
        first = bisect.bisect_left(self.starts, span.start_char)
        last = bisect.bisect_left(self.starts, span.end_char)
        for m in self.mentions[first:last]:
            actor = self.actors.get(m.actor_id)
            if actor and actor.country:
                found.append((m.start, actor.country))
        phrases = self._country_phrases
        at = bisect.bisect_left(phrases, (span.start, 0))
        for start, end, offset, iso3 in phrases[at:]:
            if start >= span.end:
                break
            if end <= span.end:
                found.append((offset, iso3))
        return list(dict.fromkeys(iso3 for _, iso3 in sorted(found)))

    @functools.cached_property
    def _text(self) -> str:
        """The document's text (spaCy builds it from the tokens on each access: once)."""
        return self.doc.text

    @functools.cached_property
    def _country_phrases(self) -> list[tuple[int, int, int, str]]:
        """Every country word or phrase of the document, read once: (first token, token
        after it, character offset, ISO3), in token order."""
        table = country_words()
        doc = self.doc
        words = [t.text for t in doc]
        found = []
        for i in range(len(words)):
            folded = words[i].casefold()
            if (folded,) not in table and folded not in _phrase_starts():
                continue  # no country phrase starts with this word
            if not_a_country(doc[i]):
                continue
            for size in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
                iso3 = table.get(_phrase_key(words[i : i + size]))
                if iso3 is not None:
                    found.append((i, i + size, doc[i].idx, iso3))
        return found

    def paragraph_pair(self, token: Token) -> tuple[ActorRef, ...]:
        """ "The delegations signed": the two countries the paragraph up to here names."""
        start = self._text.rfind("\n", 0, token.sent.start_char) + 1
        span = self.doc.char_span(start, token.sent.end_char, alignment_mode="expand")
        named = self.countries_in(span) if span is not None else []
        if len(named) != 2:
            return ()
        phrase = list(self.doc[token.left_edge.i : token.i + 1])
        sector = sector_in(phrase)
        return tuple(ActorRef(country_name(iso3), iso3, sector) for iso3 in named)

    def _mention_among(self, tokens: Sequence[Token]) -> Mention | None:
        for token in tokens:
            mention = self._mention_in(token.idx, token.idx + len(token))
            if mention is not None:
                return mention
        return None

    def ref(self, head: Token) -> ActorRef | None:
        """The actor a noun phrase head names, or None when it names no actor."""
        if head.lower_ in _PRONOUNS:
            return self.before(head)
        phrase = self.doc[head.left_edge.i : head.i + 1]
        if head.ent_type_ in _NOT_ACTORS:
            return None
        mention = self._mention_in(head.idx, head.idx + len(head))
        if mention is not None:
            return self._with_country(self._ref(mention), [*phrase, *_attached(head)])
        owned = self._owned_body(head, phrase)
        if owned is not None:
            return owned
        place = self._place_party(head, phrase)
        if place is not None:
            return place
        for tokens in (list(phrase), _attached(head), _attached(head, _WHERE_PREPS)):
            mention = self._mention_among(tokens)
            if mention is not None:
                return self._with_country(self._ref(mention), tokens)
            country = country_in(tokens)
            if country is not None:
                return ActorRef(_name(phrase), country, sector_in(list(phrase)))
        if head.pos_ == "PROPN" or head.ent_type_ in ("ORG", "NORP", "PERSON", "GPE"):
            return ActorRef(_name(phrase), None, sector_in(list(phrase)))
        return _regional_group(head, phrase)

    def _place_party(self, head: Token, phrase: Span) -> ActorRef | None:
        """A place as a party ("a visit to Moscow", "troops sent to Vladivostok") stands for
        its country's state: the document's actor for that state when it has one."""
        words = [t for t in phrase if t.lower_ not in _ARTICLES]
        if not words or any(t.pos_ != "PROPN" for t in words):
            return None
        iso3 = country_words().get(_phrase_key([t.text for t in words]))
        if iso3 is None and head.ent_type_ in _PLACE_LABELS:
            place = resolve_place(_entity(head).text)
            iso3 = place.country if place is not None else None
        if iso3 is None:
            return None
        for actor in self.actors.values():
            if actor.kind == "state" and actor.country == iso3:
                return ActorRef(actor.name, actor.country, actor.sector, actor.id)
        return ActorRef(country_name(iso3), iso3, "GOV")

    def _owned_body(self, head: Token, phrase: Span) -> ActorRef | None:
        """ "his military", "their government": the body of the actor the pronoun refers to,
        in that actor's country, with the sector the noun names."""
        owner = next((c for c in head.children if c.dep_ == "poss" and c.lower_ in _PRONOUNS), None)
        sector = sector_in([head]) if owner is not None else None
        if owner is None or sector is None:
            return None
        who = self.before(owner)
        if who is None or who.country is None:
            return None
        for actor in self.actors.values():  # the document's own name for that body
            if actor.country == who.country and actor.sector == sector and actor.kind != "person":
                return ActorRef(actor.name, actor.country, actor.sector, actor.id)
        return ActorRef(f"{country_name(who.country)} {head.text}", who.country, sector)

    def first_in(self, tokens: Sequence[Token]) -> ActorRef | None:
        """The first actor named in a token sequence (pronouns aside), for a missing slot."""
        table = country_words()
        for token in tokens:
            if token.lower_ in _PRONOUNS or token.pos_ not in ("PROPN", "NOUN", "ADJ"):
                continue
            if not_a_country(token):
                continue
            mention = self._mention_in(token.idx, token.idx + len(token))
            ref = self._ref(mention) if mention is not None else None
            if ref is not None and (ref.country or ref.sector in ("IGO", "NGO")):
                return ref
            if (token.lower_,) in table or token.ent_type_ in _PLACE_LABELS:
                country = country_in([token])
                if country is not None:
                    head = token.head if token.dep_ in ("amod", "compound", "poss") else token
                    phrase = self.doc[head.left_edge.i : head.i + 1]
                    return ActorRef(_name(phrase), country, sector_in(list(phrase)))
        return None

    def before(self, token: Token) -> ActorRef | None:
        """The most recent actor mentioned before a pronoun (a person for he/she)."""
        people = token.lower_ in _PERSON_PRONOUNS
        index = bisect.bisect_left(self.starts, token.idx)
        for mention in reversed(self.mentions[:index]):
            actor = self.actors.get(mention.actor_id)
            if not people or actor is None or actor.kind == "person":
                return self._ref(mention)
        sentence = self.doc[token.sent.start : token.i]
        country = country_in(list(sentence))
        return ActorRef(token.text, country) if country is not None else None

    def last_two(self, token: Token) -> tuple[ActorRef, ...]:
        """The last two distinct actors named before a token ("the two sides"): the last
        one, and the last one before it of another country when the sentence names one
        ("General X met the Chief of the General Staff of the Armed Forces of the Russian
        Federation and the First Deputy Commander of Russian Ground Forces ... the two sides"
        are Myanmar's and Russia's)."""
        index = bisect.bisect_left(self.starts, token.idx)
        found: list[ActorRef] = []  # distinct actors, the most recent first
        for mention in reversed(self.mentions[:index]):
            ref = self._ref(mention)
            if all(_key(ref) != _key(other) for other in found):
                found.append(ref)
            if len(found) == _SIDES_LOOK_BACK:
                break
        if len(found) < 2:
            return ()
        last = found[0]
        other = next(
            (r for r in found[1:] if r.country and last.country and r.country != last.country),
            found[1],
        )
        return (other, last)


def _regional_group(head: Token, phrase: Span) -> ActorRef | None:
    """ "Western nations", "Southeast Asian lawmakers", "the international community": a
    party of several countries, with no country of its own (nations and governments act
    for states: sector GOV)."""
    words = [t.lower_ for t in phrase]
    pairs = [" ".join(p) for p in itertools.pairwise(words)]
    if not set(words[:-1] + pairs) & region_words() or head.pos_ != "NOUN":
        return None
    sector = sector_in(list(phrase))
    if sector is None and head.lemma_.lower() in _STATE_NOUNS:
        sector = "GOV"
    if sector is None and head.lemma_.lower() not in _GROUP_NOUNS:
        return None
    return ActorRef(_name(phrase), None, sector)


@functools.cache
def region_words() -> frozenset[str]:
    """Words naming a region or bloc (``region`` in data/plover.yaml)."""
    return ontology().cue("region")


def _attached(head: Token, preps: frozenset[str] = _OWNER_PREPS) -> list[Token]:
    """The noun phrase of a head with its appositions and "of"/"from" phrases, which name
    whose official or member it is ("Sidhoum, Algeria's leading activist")."""
    tokens = list(head.doc[head.left_edge.i : head.i + 1])
    for child in head.children:
        if child.dep_ == "appos" or (child.dep_ == "prep" and child.lower_ in preps):
            tokens.extend(child.subtree)
    return tokens


def _key(ref: ActorRef) -> str:
    return ref.actor_id or ref.name


def _name(phrase: Span) -> str:
    words = [t for t in phrase if not (t.i == phrase.start and t.lower_ in _ARTICLES)]
    return "".join(t.text_with_ws for t in words).strip() or phrase.text
