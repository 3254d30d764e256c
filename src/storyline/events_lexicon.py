"""The PLOVER vocabulary of the events stage, read once from the shipped data files.

``data/plover.yaml`` holds the ontology (types, quad classes, scores, context cue words) and
the closed-class cues that decide an event's status; ``data/plover_lexicon.tsv`` holds the
verbs, phrasal verbs, verb+object patterns and event nouns with the event each one reports.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass, replace
from importlib import resources
from typing import Any, Literal, cast

import yaml

Kind = Literal["verb", "phrasal", "verbnoun", "noun"]
Role = Literal["actor", "recipient", "-"]

COOPERATIVE_QUADS = frozenset({"verbal_cooperation", "material_cooperation"})


@dataclass(frozen=True)
class Entry:
    """One lexicon line: a pattern and the PLOVER event it reports."""

    kind: Kind
    pattern: tuple[str, ...]
    type: str
    mode: str | None
    context: tuple[str, ...]
    roles: tuple[tuple[str, Role], ...]

    def role_of(self, slot: str) -> Role | None:
        """The role a syntactic slot fills, or None when the entry does not name the slot."""
        for name, role in self.roles:
            if name == slot:
                return role
        return None


@dataclass(frozen=True)
class EventType:
    name: str
    quad: str
    score: float
    mode_scores: dict[str, float]

    @property
    def cooperative(self) -> bool:
        return self.quad in COOPERATIVE_QUADS


@dataclass(frozen=True)
class Ontology:
    types: dict[str, EventType]
    contexts: dict[str, frozenset[str]]
    cues: dict[str, frozenset[str]]
    confidence: dict[str, float]

    def cue(self, name: str) -> frozenset[str]:
        return self.cues.get(name, frozenset())


def _read_data(name: str) -> str:
    return resources.files("storyline.data").joinpath(name).read_text("utf-8")


@functools.cache
def ontology() -> Ontology:
    """The PLOVER types, contexts, status cues and confidence weights, read once."""
    raw = cast(dict[str, Any], yaml.safe_load(_read_data("plover.yaml")))
    types = {
        name: EventType(
            name=name,
            quad=str(spec["quad"]),
            score=float(spec["score"]),
            mode_scores={str(k): float(v) for k, v in (spec.get("mode_scores") or {}).items()},
        )
        for name, spec in raw["types"].items()
    }
    contexts = {name: frozenset(str(w) for w in words) for name, words in raw["contexts"].items()}
    cues = {name: frozenset(str(w) for w in words) for name, words in raw["cues"].items()}
    confidence = {str(k): float(v) for k, v in raw["confidence"].items()}
    return Ontology(types, contexts, cues, confidence)


def _roles(cell: str) -> tuple[tuple[str, Role], ...]:
    pairs: list[tuple[str, Role]] = []
    for item in cell.split():
        slot, _, role = item.partition("=")
        if role not in ("actor", "recipient", "-"):
            raise ValueError(f"plover_lexicon.tsv: bad role {item!r}")
        pairs.append((slot, cast(Role, role)))
    return tuple(pairs)


def _optional(cell: str) -> str | None:
    return None if cell in ("", "-") else cell


def _entry(row: dict[str, str]) -> Entry:
    if row["type"] not in ontology().types:
        raise ValueError(f"plover_lexicon.tsv: unknown PLOVER type {row['type']!r}")
    context = _optional(row["context"])
    return Entry(
        kind=cast(Kind, row["kind"]),
        pattern=tuple(row["pattern"].split()),
        type=row["type"],
        mode=_optional(row["mode"]),
        context=tuple(context.split("|")) if context else (),
        roles=_roles(_optional(row["roles"]) or ""),
    )


@functools.cache
def lexicon() -> dict[tuple[Kind, tuple[str, ...]], tuple[Entry, ...]]:
    """Entries by (kind, pattern lemmas), in file order (the first is the default reading)."""
    lines = (line for line in _read_data("plover_lexicon.tsv").splitlines() if line.strip())
    rows = csv.DictReader(
        (line for line in lines if not line.startswith("#")),
        delimiter="\t",
        quoting=csv.QUOTE_NONE,
    )
    table: dict[tuple[Kind, tuple[str, ...]], list[Entry]] = {}
    for row in rows:
        entry = _entry(row)
        table.setdefault((entry.kind, entry.pattern), []).append(entry)
    return {key: tuple(entries) for key, entries in table.items()}


@functools.cache
def known_verbs() -> frozenset[str]:
    """Every verb lemma the lexicon or the status cues name."""
    verbs = {pattern[0] for kind, pattern in lexicon() if kind != "noun"}
    for words in ontology().cues.values():
        verbs |= words
    return frozenset(verbs)


# how far up WordNet's hypernyms a noun the lexicon lacks may find one it has: one level
# ("gunfight", "skirmish" -> "fighting"). Verbs are not inherited: their hierarchy is shallow
# and its upper levels generic ("change", "move"); inheriting them coded more false events
# on labelled news (cross-validated: any-type 0.463, no-event kept 0.814 against 0.466 and
# 0.835 without; nouns at one or two levels changed neither by more than 0.002)
INHERIT_LEVELS = {"noun": 1}


@functools.cache
def _by_first_synset(kind: Kind) -> dict[str, Entry]:
    """The lexicon's one-word entries of a kind by the WordNet synset of their first sense."""
    from .events_model import wordnet

    pos = "n" if kind == "noun" else "v"
    table = wordnet()
    found: dict[str, Entry] = {}
    for (entry_kind, pattern), entries in lexicon().items():
        if entry_kind != kind or len(pattern) != 1:
            continue
        synsets = table.get((pattern[0], pos), ((), ()))[1]
        if synsets:
            found.setdefault(synsets[0], entries[0])
    return found


@functools.cache
def inherited(kind: Kind, lemma: str) -> Entry | None:
    """For a word the lexicon lacks, the entry of the nearest lexicon word above it in
    WordNet (Open English WordNet, data/wordnet_classes.tsv.gz): "skirmish" and "gunfight"
    report what "fighting" does. Only the first sense's synset and its nearest hypernyms
    are looked at (``INHERIT_LEVELS``)."""
    from .events_model import wordnet

    synsets = wordnet().get((lemma, "n" if kind == "noun" else "v"), ((), ()))[1]
    index = _by_first_synset(kind)
    for synset in synsets[1 : 1 + INHERIT_LEVELS.get(kind, 0)]:
        entry = index.get(synset)
        if entry is not None:
            return replace(entry, pattern=(lemma,))
    return None


def lookup(kind: Kind, pattern: tuple[str, ...]) -> Entry | None:
    """The entry for a pattern: the one with a mode when several match, else the first."""
    entries = lexicon().get((kind, pattern), ())
    with_mode = [entry for entry in entries if entry.mode]
    if len(entries) > 1 and with_mode:
        return with_mode[0]
    if not entries and kind in INHERIT_LEVELS and len(pattern) == 1:
        return inherited(kind, pattern[0])
    return entries[0] if entries else None


# The roles of a predicate the lexicon does not list for the type the model gave it: the
# subject acts, the object and the usual prepositions of a target are acted on (PLOVER's
# reciprocal events list both sides as actors: "met with", "signed with", "fought with");
# for an event noun, its possessor, adjective or compound ("Russia's invasion", "Russian
# strikes"), "by" and "between" act, "of", "against", "on" and "with" name the other side.
_DEFAULT_ROLES: dict[str, tuple[tuple[str, Role], ...]] = {
    "verb": _roles(
        "subj=actor obj=recipient dative=recipient to=recipient with=recipient "
        "against=recipient on=recipient at=recipient into=recipient"
    ),
    "noun": _roles(
        "poss=actor amod=actor compound=actor by=actor between=actor cop=actor "
        "of=recipient against=recipient on=recipient with=recipient to=recipient"
    ),
}


@functools.cache
def default_entry(kind: Kind, lemma: str, event_type: str) -> Entry:
    """An entry for a predicate the type model codes as ``event_type`` when the lexicon has
    no reading of it with that type."""
    return Entry(kind, (lemma,), event_type, None, (), _DEFAULT_ROLES[kind])


def score(event_type: str, mode: str | None) -> float:
    """The PLOVER cooperation-conflict score of an event type and mode (-10 .. +10).

    >>> score("CONSULT", "visit")
    4.0
    """
    spec = ontology().types.get(event_type)
    if spec is None:
        raise ValueError(f"unknown PLOVER event type: {event_type}")
    if mode is not None and mode in spec.mode_scores:
        return spec.mode_scores[mode]
    return spec.score
