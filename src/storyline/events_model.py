"""The learned part of the event coder: which PLOVER type (if any) a predicate reports.

Rules decide structure (who acts, who is acted on, status, date, place); this module decides
the type. A candidate predicate (a verb, or an event noun) is described by features of the
parse around it: its lemma and dependency role, its object, particle and prepositions, the
verb above it and the clause below it, its auxiliaries and negation, the kinds of entities in
its subject and object, the lexicon's reading of it (``plover_lexicon.tsv``), and the nouns of
its own clause. A multinomial logistic regression over those features gives a probability
for each of the 16 types and for "no event".

The weights ship as ``data/event_types.json.gz``, trained by ``evaluation/train_events.py``
from labelled sentences of real news (``evaluation/labels/events.jsonl``: references into
``../shared/data``, never the text itself); how it was trained and how well it does on
sentences it never saw is in docs/events.md.
"""

from __future__ import annotations

import functools
import gzip
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
from spacy.tokens import Token

__all__ = ["NONE", "TypeModel", "features", "type_model"]

NONE = "NONE"
MODEL_FILE = "data/event_types.json.gz"
# WordNet classes of words (Open English WordNet, CC BY 4.0; scripts/build_wordnet.py): what
# lets the model read a verb it never saw in training like the ones it did ("bombard" and
# "shell" share their hypernyms with "attack")
WORDNET_FILE = "data/wordnet_classes.tsv.gz"
# auxiliaries whose word the model sees ("will", "could", "must"): status and modality cues
_MODALS = frozenset(
    {"will", "would", "shall", "could", "can", "may", "might", "must", "should", "'ll", "wo"}
)
_OBJECT_DEPS = frozenset({"dobj", "obj", "nsubjpass", "attr", "oprd", "dative"})
_SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "acl", "relcl", "pcomp"})
_CONTENT = frozenset({"NOUN", "PROPN", "VERB"})


def lemma_of(token: Token) -> str:
    return token.lemma_.lower() or token.lower_


def _entity(token: Token) -> str:
    """The entity kind of a noun phrase's head (or "none")."""
    return token.ent_type_ or ("pron" if token.pos_ == "PRON" else "none")


@functools.cache
def wordnet() -> dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]]:
    """(word, "n"|"v") -> (lexicographer files, synsets and hypernyms)."""
    path = resources.files("storyline").joinpath(WORDNET_FILE)
    table: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            word, pos, lexfiles, synsets = line.rstrip("\n").split("\t")
            table[(word, pos)] = (
                tuple(lexfiles.split("|")) if lexfiles else (),
                tuple(synsets.split("|")) if synsets else (),
            )
    return table


def _classes(word: str, pos: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return wordnet().get((word, pos), ((), ()))


# nouns whose most frequent sense is an act or an event ("firefight", "crackdown", "walkout")
# may report one: the model decides, the lexicon need not list them
_EVENT_LEXFILES = frozenset({"noun.act", "noun.event"})


def event_noun(lemma: str) -> bool:
    lexfiles = _classes(lemma, "n")[0]
    return bool(lexfiles) and lexfiles[0] in _EVENT_LEXFILES


def _pos_of(token: Token) -> str:
    return "v" if token.pos_ in ("VERB", "AUX") else "n"


def lexicon_types(row: Sequence[str]) -> list[str]:
    """The lexicon's readings of a candidate, from its features (most specific first)."""
    return [f[4:] for f in row if f.startswith("lex=") and f != "lex=none"]


def features(token: Token, lexicon: Sequence[tuple[str, str | None]] = ()) -> list[str]:
    """The features of one candidate predicate. ``lexicon`` holds the lexicon's readings
    of it as (type, mode) pairs, the most specific first."""
    lem = lemma_of(token)
    out = [
        "bias",
        f"l={lem}",
        f"pos={token.pos_}",
        f"dep={token.dep_}",
        f"l|dep={lem}|{token.dep_}",
    ]
    lexfiles, synsets = _classes(lem, _pos_of(token))
    out += [f"wl={x}" for x in lexfiles] + [f"wh={x}" for x in synsets]
    if lexfiles:
        out.append(f"wl1={lexfiles[0]}")
    if token.tag_ in ("VBN", "VBG", "VBD", "VBZ", "VBP", "VB"):
        out.append(f"tag={token.tag_}")
    for child in token.children:
        dep, clem = child.dep_, lemma_of(child)
        if dep in _OBJECT_DEPS:
            out += [f"obj={clem}", f"l|obj={lem}|{clem}", f"obj_ent={_entity(child)}"]
            out += [f"objwl={x}" for x in _classes(clem, "n")[0][:2]]
            out += [
                f"objmod={lemma_of(m)}" for m in child.children if m.dep_ in ("compound", "amod")
            ]
            if dep == "nsubjpass":
                out += ["passive", f"l|passive={lem}"]
        elif dep == "prt":
            out += [f"prt={clem}", f"l|prt={lem}|{clem}"]
        elif dep in ("prep", "agent"):
            out += [f"prep={child.lower_}", f"l|prep={lem}|{child.lower_}"]
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    out += [
                        f"pobj={child.lower_}|{lemma_of(pobj)}",
                        f"pobj_ent={child.lower_}|{_entity(pobj)}",
                    ]
        elif dep in ("aux", "auxpass"):
            if child.lower_ in _MODALS:
                out.append(f"aux={child.lower_}")
            if child.lower_ == "to":
                out.append("infinitive")
        elif dep == "neg":
            out.append("neg")
        elif dep in _SUBJECT_DEPS:
            out += [f"subj={clem}", f"subj_ent={_entity(child)}"]
            out += [f"subjwl={x}" for x in _classes(clem, "n")[0][:2]]
        elif dep in ("ccomp", "xcomp"):
            out += [f"{dep}={clem}", f"l|{dep}={lem}|{clem}"]
        elif dep in ("amod", "compound", "poss") and token.pos_ in ("NOUN", "PROPN"):
            out += [f"mod={clem}", f"l|mod={lem}|{clem}", f"mod_ent={_entity(child)}"]
    head = token.head
    if head.i != token.i:
        hlem = lemma_of(head)
        out += [f"head={hlem}", f"head|dep={hlem}|{token.dep_}"]
        if token.dep_ == "pobj":
            out.append(f"under_prep={head.lower_}")
            if head.head.i != head.i:
                out.append(f"prep_head={lemma_of(head.head)}|{head.lower_}")
    for kind, mode in lexicon[:2]:
        out += [f"lex={kind}", f"l|lex={lem}|{kind}"]
        if mode:
            out.append(f"lexmode={kind}|{mode}")
    if not lexicon:
        out.append("lex=none")
    out += [f"clause={w}" for w in _clause_nouns(token)]
    return out


def _clause_nouns(token: Token) -> list[str]:
    """The lemmas of the nouns in the predicate's own clause (not its embedded clauses)."""
    seen: dict[str, None] = {}
    stack = [c for c in token.children if c.dep_ not in _CLAUSE_DEPS and c.dep_ != "conj"]
    while stack:
        node = stack.pop()
        if node.pos_ in ("NOUN", "PROPN") and node.ent_type_ not in ("DATE", "TIME", "CARDINAL"):
            seen.setdefault(lemma_of(node), None)
        stack.extend(c for c in node.children if c.dep_ not in _CLAUSE_DEPS)
    return list(seen)


@dataclass(frozen=True)
class TypeModel:
    """A multinomial logistic regression over sparse binary features."""

    labels: tuple[str, ...]  # NONE first, then the types
    index: dict[str, int]
    weights: np.ndarray  # (features, labels)
    bias: np.ndarray  # (labels,)
    trigger_nouns: frozenset[str]  # nouns that report events in the training labels
    threshold: float  # the least probability of a type that adds an event the lexicon lacks
    # the probability of "no event" at which a lexicon reading is dropped (above 1: never)
    none_threshold: float = 1.01

    def choose(self, probs: np.ndarray, lexicon_types: Sequence[str]) -> tuple[str, float | None]:
        """What a candidate reports. A candidate the lexicon reads keeps the lexicon's type
        (and its confidence: None), unless the model is all but sure it reports no event;
        one the lexicon does not read reports the model's most probable type when that
        reaches the threshold, with that probability. Else NONE.

        Chosen by cross-validation on labelled news (evaluation/train_events.py): with the
        labels at hand the model adds events and removes false ones at the margin, but does
        not type better than the lexicon where the lexicon has a reading (docs/events.md)."""
        if lexicon_types and lexicon_types[0] in self.labels:
            if probs[0] >= self.none_threshold:
                return NONE, float(probs[0])
            return lexicon_types[0], None
        best = 1 + int(probs[1:].argmax())
        if probs[best] < self.threshold:
            return NONE, float(probs[best])
        return self.labels[best], float(probs[best])

    def probabilities(self, rows: Iterable[Sequence[str]]) -> np.ndarray:
        """One probability row per candidate (its features), columns in ``labels`` order."""
        indexed = [[self.index[f] for f in row if f in self.index] for row in rows]
        if not indexed:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        scores = np.stack([self.weights[idx].sum(axis=0) for idx in indexed]) + self.bias
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        out: np.ndarray = exp / exp.sum(axis=1, keepdims=True)
        return out

    def to_json(self) -> dict[str, object]:
        names = sorted(self.index, key=self.index.__getitem__)
        return {
            "labels": list(self.labels),
            "features": names,
            "weights": [[round(float(w), 4) for w in row] for row in self.weights],
            "bias": [round(float(b), 4) for b in self.bias],
            "trigger_nouns": sorted(self.trigger_nouns),
            "threshold": self.threshold,
            "none_threshold": self.none_threshold,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TypeModel:
        names = [str(name) for name in data["features"]]
        return cls(
            labels=tuple(str(label) for label in data["labels"]),
            index={name: i for i, name in enumerate(names)},
            weights=np.asarray(data["weights"], dtype=np.float32),
            bias=np.asarray(data["bias"], dtype=np.float32),
            trigger_nouns=frozenset(str(noun) for noun in data["trigger_nouns"]),
            threshold=float(data["threshold"]),
            none_threshold=float(data.get("none_threshold", 1.01)),
        )


@functools.cache
def type_model() -> TypeModel | None:
    """The shipped model (None when the file is absent: the coder then uses its lexicon)."""
    path = resources.files("storyline").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    with gzip.open(str(path), "rt", encoding="utf-8") as handle:
        return TypeModel.from_json(json.load(handle))
