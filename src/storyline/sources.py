"""Sources: what kind of page each document is, and a profile of each outlet.

:func:`document_kind` reads content signals only (lines the clean stage removed, attribution,
first-person writing), never a list of outlet names. :func:`profile_sources` summarises each
outlet: its documents, kind, period, how many events and claims it reports, the claims only
it makes, and the names it uses for the story's key actors ("junta chief" vs "Prime
Minister"). :func:`profile_store` gives the same profiles from a store's SQL aggregates,
for corpora too large to load.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from .claim_groups import ClaimSource, independent_outlets
from .model import ClaimGroup, Document
from .store import Store

NEWS, FORUM, AGGREGATOR, BLOG = "news article", "forum post", "aggregator", "blog"
# how many first-person cues outside quotes make a page a blog post: one "I think" can be a
# quoted interviewee the quote marks missed; two are the author's own voice
_BLOG_CUES = 2
# the key actors a profile describes: the story's most mentioned ones
KEY_ACTORS = 5
_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# what a quoted passage leaves: not a word character, and in no cue
_CUT = "\x00"


@dataclass(frozen=True)
class KindCues:
    forum_reasons: frozenset[str]
    aggregator_cues: tuple[str, ...]
    blog_cues: tuple[str, ...]
    comment_cues: tuple[str, ...]


@functools.cache
def kind_cues() -> KindCues:
    text = resources.files("storyline.data").joinpath("claims.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)["document_kinds"]
    return KindCues(
        frozenset(data["forum_reasons"]),
        tuple(data["aggregator_cues"]),
        tuple(data["blog_cues"]),
        tuple(data["comment_cues"]),
    )


def _first_person(text: str, cues: Sequence[str]) -> bool:
    """Whether the cues occur _BLOG_CUES times as words outside quotes: the author writing as
    themself. A quoted passage is cut out as a separator, so the words either side of it
    never join into a cue (and cutting quotes out can only take occurrences away: a text
    without enough of them in full has none to spare)."""
    lowered = text.lower().replace("’", "'")
    if _occurrences(lowered, cues) < _BLOG_CUES:
        return False
    return _occurrences(_QUOTED.sub(_CUT, lowered), cues) >= _BLOG_CUES


def _occurrences(text: str, cues: Sequence[str]) -> int:
    """How many times the cues occur in ``text`` as words, counted up to _BLOG_CUES."""
    found = 0
    for cue in cues:
        if cue:
            found += _words(text, cue, _BLOG_CUES - found)
        if found >= _BLOG_CUES:
            break
    return found


def _words(text: str, words: str, limit: int) -> int:
    r"""How many times (up to ``limit``) ``words`` occur in ``text`` not inside a longer
    word, as ``re.findall(r"(?<!\w)words(?!\w)")`` counts them (``\w``: ``str.isalnum``
    or "_")."""
    count, at = 0, text.find(words)
    while at >= 0 and count < limit:
        end = at + len(words)
        if (at == 0 or not _wordy(text[at - 1])) and (end == len(text) or not _wordy(text[end])):
            count += 1
            at = text.find(words, end)
        else:
            at = text.find(words, at + 1)
    return count


def _wordy(char: str) -> bool:
    return char.isalnum() or char == "_"


def document_kind(doc: Document) -> str:
    """ "news article" | "forum post" | "aggregator" | "blog", from the page's own signals."""
    cues = kind_cues()
    if any(r.reason in cues.forum_reasons for r in doc.removed):
        return FORUM
    attributions = [r.text.lower() for r in doc.removed if r.reason == "attribution"]
    if any(line.lstrip().startswith(cues.aggregator_cues) for line in attributions):
        return AGGREGATOR
    comments = any(r.text.strip().lower().startswith(cues.comment_cues) for r in doc.removed)
    if comments or _first_person(doc.text, cues.blog_cues):
        return BLOG
    return NEWS


@dataclass(frozen=True)
class SourceProfile:
    """One outlet as the corpus shows it."""

    source: str
    kind: str
    documents: tuple[str, ...]
    first_published: str | None
    last_published: str | None
    events: int
    claims: int
    exclusive_claims: int
    # key actor name -> (name as written, count), most used first
    naming: dict[str, tuple[tuple[str, int], ...]]

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "kind": self.kind,
            "documents": list(self.documents),
            "period": [self.first_published, self.last_published],
            "events": self.events,
            "claims": self.claims,
            "exclusive_claims": self.exclusive_claims,
            "naming": {
                actor: [{"name": name, "count": count} for name, count in names]
                for actor, names in self.naming.items()
            },
        }


@dataclass(frozen=True)
class OutletDocument:
    """What an outlet's profile needs of one of its documents."""

    id: str
    source: str | None
    published: str | None
    kind: str
    events: int
    claims: int


# a document's mentions of the key actors: (document id, each as "actor_id<U+001F>text", in
# order of mention)
Naming = tuple[str, list[str]]
NAME_JOIN, NAME_SEPARATOR = "\x1f", "\x1e"


def key_actors(documents: Sequence[Document], limit: int = KEY_ACTORS) -> dict[str, str]:
    """Actor id -> name of the most mentioned actors of the corpus."""
    counts: Counter[str] = Counter(m.actor_id for d in documents for m in d.mentions)
    names = {a.id: a.name for d in documents for a in d.actors}
    ranked = sorted(counts, key=lambda i: (-counts[i], i))
    return {i: names.get(i, i) for i in ranked[:limit]}


def profile_sources(
    documents: Sequence[Document],
    groups: Sequence[ClaimGroup] = (),
    duplicate_of: Mapping[str, str] | None = None,
    limit: int = KEY_ACTORS,
) -> list[SourceProfile]:
    """One profile per outlet, most documents first.

    ``documents`` carry their mentions, actors, events and claims; ``groups`` are the claim
    groups of the corpus (for the claims only one outlet makes); ``duplicate_of`` maps a copy's
    id to its original's (copies count for the original's outlet). ``profile_store`` gives
    the same profiles from a store's aggregates, without loading the documents.
    """
    keys = key_actors(documents, limit)
    facts = [
        OutletDocument(d.id, d.source, d.published, document_kind(d), len(d.events), len(d.claims))
        for d in documents
    ]
    naming = [
        (d.id, [m.actor_id + NAME_JOIN + m.text for m in d.mentions if m.actor_id in keys])
        for d in documents
    ]
    return profiles(facts, keys, naming, groups, duplicate_of or {})


def profile_store(
    store: Store, groups: Sequence[ClaimGroup] = (), limit: int = KEY_ACTORS
) -> list[SourceProfile]:
    """``profile_sources`` of every stored document, from SQL aggregates: documents and
    their copy links, events and claims counted per document, the key actors' mentions of
    each document as one string (one pass over them, counted per outlet here), and the
    signals of each document's kind (``store_kinds``); no document is loaded."""
    rows = store.outlet_documents()
    duplicate_of = {d.id: d.duplicate_of for d in rows if d.duplicate_of}
    kinds = store_kinds(store)
    events, claims = store.count_by_document("events"), store.count_by_document("claims")
    facts = [
        OutletDocument(d.id, d.source, d.published, kinds.get(d.id, NEWS),
                       events.get(d.id, 0), claims.get(d.id, 0))
        for d in rows
    ]  # fmt: skip
    keys = dict(store.most_mentioned(limit))
    order = {d.id: i for i, d in enumerate(rows)}
    written = store.mention_texts(list(keys), NAME_JOIN, NAME_SEPARATOR)  # in id order
    naming = [
        (doc_id, mentions.split(NAME_SEPARATOR))
        for doc_id, mentions in sorted(written, key=lambda w: order[w[0]])
    ]
    return profiles(facts, keys, naming, groups, duplicate_of)


def store_kinds(store: Store) -> dict[str, str]:
    """``document_kind`` of every stored document that is not a news article, from its
    removed lines and, for the first-person cues, the texts that the full-text index says
    hold one of them (the cues are then counted outside quotes as ``document_kind`` does)."""
    cues = kind_cues()
    kinds: dict[str, str] = {}
    for doc_id in store.documents_with_removals(sorted(cues.forum_reasons)):
        kinds[doc_id] = FORUM
    for doc_id, line in store.removed_lines(reason="attribution"):
        if doc_id not in kinds and line.lower().lstrip().startswith(cues.aggregator_cues):
            kinds[doc_id] = AGGREGATOR
    for doc_id, line in store.removed_lines(containing=cues.comment_cues):
        if doc_id not in kinds and line.strip().lower().startswith(cues.comment_cues):
            kinds[doc_id] = BLOG
    for doc_id, text in store.texts_with_phrases(cues.blog_cues):
        if doc_id not in kinds and _first_person(text, cues.blog_cues):
            kinds[doc_id] = BLOG
    return kinds


def _exclusive(groups: Sequence[ClaimGroup]) -> Counter[str]:
    only: Counter[str] = Counter()
    for group in groups:
        outlets = {s.independent_source or s.source for s in group.statements}
        if len(outlets) == 1:
            only[outlets.pop()] += 1
    return only


def profiles(
    documents: Sequence[OutletDocument],
    keys: Mapping[str, str],
    naming: Iterable[Naming],
    groups: Sequence[ClaimGroup],
    duplicate_of: Mapping[str, str],
) -> list[SourceProfile]:
    """The outlets' profiles, most documents first: ``documents`` in ingest order, ``keys``
    the key actors (id -> name), ``naming`` their mentions in each document (in ingest
    order)."""
    outlet_of = independent_outlets(
        [ClaimSource(d.id, d.source, d.published, duplicate_of.get(d.id)) for d in documents]
    )
    by_outlet: dict[str, list[OutletDocument]] = defaultdict(list)
    for doc in documents:
        by_outlet[outlet_of[doc.id]].append(doc)
    written: dict[str, list[str]] = defaultdict(list)  # per outlet, its mentions in order
    for doc_id, mentions in naming:
        written[outlet_of[doc_id]] += mentions
    only = _exclusive(groups)
    found = [
        _profile(outlet, docs, _named(Counter(written.get(outlet, [])), keys), only[outlet])
        for outlet, docs in by_outlet.items()
    ]
    return sorted(found, key=lambda p: (-len(p.documents), p.source))


def _named(written: Counter[str], keys: Mapping[str, str]) -> dict[str, Counter[str]]:
    """Key actor name -> the names written for it (whitespace collapsed) and how often, the
    actors in order of first mention (``written``: "actor_id<U+001F>text" -> count, in order
    of first mention)."""
    named: dict[str, Counter[str]] = {}
    for key, count in written.items():
        actor_id, _, text = key.partition(NAME_JOIN)
        named.setdefault(keys[actor_id], Counter())[" ".join(text.split())] += count
    return named


def _profile(
    outlet: str,
    docs: Sequence[OutletDocument],
    written: Mapping[str, Counter[str]],
    exclusive: int,
) -> SourceProfile:
    kinds = Counter(d.kind for d in docs)
    dates = sorted(d.published for d in docs if d.published)
    return SourceProfile(
        source=outlet,
        kind=kinds.most_common(1)[0][0],
        documents=tuple(d.id for d in docs),
        first_published=dates[0] if dates else None,
        last_published=dates[-1] if dates else None,
        events=sum(d.events for d in docs),
        claims=sum(d.claims for d in docs),
        exclusive_claims=exclusive,
        naming={
            actor: tuple(sorted(names.items(), key=lambda kv: (-kv[1], kv[0])))
            for actor, names in written.items()
        },
    )
